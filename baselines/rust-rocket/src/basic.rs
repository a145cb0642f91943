//! basic: TechEmpower's plaintext and json tests, health, echo.

use gauntlet_data::{Data, Health};
use rocket::serde::json::Json;
use rocket::{State, get, post};
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

/// `GET /health`: `SELECT 1` and `PING`, concurrently, each within 1 s; `degraded` when a
/// backend in use is down (`none`: this server runs without it).
#[get("/health")]
pub async fn health(data: &State<Data>) -> Json<Health> {
    Json(data.health().await)
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
