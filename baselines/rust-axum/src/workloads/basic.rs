//! basic: TechEmpower's plaintext and json tests, health, echo.

use axum::{Json, http::header::SERVER, response::IntoResponse};
use serde::Serialize;
use serde_json::Value;

use crate::common::body::JsonBody;

const SERVER_NAME: &str = "axum";

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

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    db: Backend,
    cache: Backend,
}

#[derive(Serialize)]
struct Backend {
    backend: &'static str,
    up: bool,
}

/// `GET /health`: no database or cache is wired in yet, so neither is in use and none is down.
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        db: Backend {
            backend: "none",
            up: false,
        },
        cache: Backend {
            backend: "none",
            up: false,
        },
    })
}

/// `POST /echo`: any JSON value (≤ 1 MiB), parsed and re-serialised, key order kept.
pub async fn echo(JsonBody(value): JsonBody<Value>) -> Json<Value> {
    Json(value)
}
