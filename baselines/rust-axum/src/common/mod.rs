//! What every workload shares: the error shape, body reading, value rules, path extraction,
//! the stop signal.

pub mod body;
pub mod error;
pub mod params;
pub mod path;
pub mod shutdown;
