//! basic: TechEmpower's plaintext and json tests, health, echo.

use rocket::serde::json::Json;
use rocket::{get, post};
use serde::Serialize;
use serde_json::Value;

use crate::body::JsonBody;
use crate::error::ApiError;

/// `GET /plaintext`: TechEmpower plaintext. Rocket adds `Server` (its ident), hyper `Date`.
#[get("/plaintext")]
pub fn plaintext() -> &'static str {
    "Hello, World!"
}

#[derive(Serialize)]
pub struct Message {
    message: &'static str,
}

/// `GET /json`: TechEmpower json, the object built and serialised per request.
#[get("/json")]
pub fn hello_json() -> Json<Message> {
    Json(Message {
        message: "Hello, World!",
    })
}

#[derive(Serialize)]
pub struct Backend {
    backend: &'static str,
    up: bool,
}

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    db: Backend,
    cache: Backend,
}

/// `GET /health`: this target has no data backends (the data families are not declared).
#[get("/health")]
pub fn health() -> Json<Health> {
    let none = || Backend {
        backend: "none",
        up: false,
    };
    Json(Health {
        status: "ok",
        db: none(),
        cache: none(),
    })
}

/// `POST /echo`: any JSON value (≤ 1 MiB), parsed and re-serialised, key order kept.
#[post("/echo", format = "json", data = "<body>")]
pub fn echo(body: Result<JsonBody<Value>, ApiError>) -> Result<Json<Value>, ApiError> {
    Ok(Json(body?.0))
}

/// `POST /echo` with any other `Content-Type` (or none): the route above did not match.
#[post("/echo", rank = 2)]
pub fn echo_wrong_type() -> ApiError {
    ApiError::UnsupportedMediaType("application/json")
}
