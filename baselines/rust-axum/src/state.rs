//! What handlers share: the stop signal and the data layer (gauntlet-data).

use axum::extract::FromRef;
use gauntlet_data::Data;

use crate::common::shutdown::Shutdown;

#[derive(Clone)]
pub struct AppState {
    pub shutdown: Shutdown,
    pub data: Data,
}

impl FromRef<AppState> for Shutdown {
    fn from_ref(state: &AppState) -> Shutdown {
        state.shutdown.clone()
    }
}
