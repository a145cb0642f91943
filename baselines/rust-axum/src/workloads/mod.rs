//! One module per workload family of docs/contract.md, each a set of doc-commented handlers.

pub mod basic;
pub mod db;
pub mod form;
pub mod json;
pub mod mixed;
pub mod path;
pub mod query;
pub mod shortener;
pub mod sse;
pub mod stress;
pub mod upload;
pub mod ws;
