//! The families' work behind their routes: what a target's handler calls once it has parsed
//! the request.

pub mod db;
pub mod shortener;
