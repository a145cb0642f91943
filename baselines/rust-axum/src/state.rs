//! What handlers share: the stop signal, the data backends, and the shortener's resolver.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::{common::shutdown::Shutdown, data::Data, workloads::shortener::redirects::Resolver};

#[derive(Clone)]
pub struct AppState {
    pub shutdown: Shutdown,
    pub data: Data,
    /// Present when there is a database (redirects need it).
    pub resolver: Option<Arc<Resolver>>,
}

impl FromRef<AppState> for Shutdown {
    fn from_ref(state: &AppState) -> Shutdown {
        state.shutdown.clone()
    }
}
