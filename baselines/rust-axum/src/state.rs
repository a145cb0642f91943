//! What handlers share. The data workloads (shortener, db) will add their pools here.

use axum::extract::FromRef;

use crate::common::shutdown::Shutdown;

#[derive(Clone)]
pub struct AppState {
    pub shutdown: Shutdown,
}

impl FromRef<AppState> for Shutdown {
    fn from_ref(state: &AppState) -> Shutdown {
        state.shutdown.clone()
    }
}
