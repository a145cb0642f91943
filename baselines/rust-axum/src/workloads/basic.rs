//! basic: TechEmpower's plaintext and json tests, health, echo.

use axum::{Json, extract::State, http::header::SERVER, response::IntoResponse};
use gauntlet_data::Health;
use serde::Serialize;
use serde_json::Value;

use crate::{common::body::JsonBody, state::AppState};

/// The `Server` header of TechEmpower's endpoints (/plaintext, /json, /db/random, /db/queries).
pub const SERVER_NAME: &str = "axum";

/// `GET /plaintext`: TechEmpower plaintext (hyper adds `Date` and `Content-Length`).
pub async fn plaintext() -> impl IntoResponse {
    ([(SERVER, SERVER_NAME)], "Hello, World!")
}

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

/// `GET /json`: TechEmpower json, the object built and serialised per request.
pub async fn json() -> impl IntoResponse {
    (
        [(SERVER, SERVER_NAME)],
        Json(Message {
            message: "Hello, World!",
        }),
    )
}

/// `GET /health`: `SELECT 1` and `PING`, concurrently, each within 1 s; `degraded` when a
/// backend in use is down (`none` is not in use).
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(state.data.health().await)
}

/// `POST /echo`: any JSON value (≤ 1 MiB), parsed and re-serialised, key order kept.
pub async fn echo(JsonBody(value): JsonBody<Value>) -> Json<Value> {
    Json(value)
}
