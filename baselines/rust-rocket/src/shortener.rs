//! shortener: `POST /api/shorten`, `GET /api/stats/<code>` and `GET /<code>` (rank 100: tried
//! after every other route, so it shadows none). The cache-aside redirects, the click counting
//! and its flush are gauntlet-data's (`families::shortener`), reached through the managed
//! `Data`; the flush runs from the fairings in main.rs.

use gauntlet_data::Data;
use gauntlet_data::families::shortener::{self, Created, Stats};
use rocket::http::Status;
use rocket::http::uri::Host;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::{Request, State, get, post};
use serde_json::Value;

use crate::body::JsonBody;
use crate::error::ApiError;

/// `POST /api/shorten` `{"url"}` → 201 `{code, short_url}`, `short_url` on the request's `Host`.
#[post("/api/shorten", format = "json", data = "<body>")]
pub async fn shorten(
    data: &State<Data>,
    host: Option<&Host<'_>>,
    body: Result<JsonBody<Value>, ApiError>,
) -> Result<(Status, Json<Created>), ApiError> {
    let body = body?.0;
    let host = host.map(ToString::to_string);
    let created = shortener::shorten(data, body, host.as_deref()).await?;
    Ok((Status::Created, Json(created)))
}

/// `POST /api/shorten` with any other `Content-Type` (or none).
#[post("/api/shorten", rank = 2)]
pub fn shorten_wrong_type() -> ApiError {
    ApiError::UnsupportedMediaType("application/json")
}

/// `GET /api/stats/<code>` → `{code, url, clicks}` from Postgres (never the cache); 404 for
/// a code that is not 7 base62 characters or has no row.
#[get("/api/stats/<code>")]
pub async fn stats(data: &State<Data>, code: &str) -> Result<Json<Stats>, ApiError> {
    Ok(Json(shortener::stats(data, code).await?))
}

/// `GET /<code>` → 302 to the code's URL, its click counted. Any one-segment path that no other
/// route took comes here (rank 100); one that is not 7 base62 characters, or a code that does not
/// exist, is the contract's 404. HEAD is Rocket's: this route, without the body.
#[get("/<code>", rank = 100)]
pub async fn redirect(data: &State<Data>, code: &str) -> Result<Found, ApiError> {
    Ok(Found(shortener::redirect(data, code).await?))
}

/// 302 with `Location` exactly as stored, and no body. (Rocket's `Redirect` takes a URI
/// reference: it parses the stored text first, answers 500 for text its parser refuses, and
/// writes the reference back in its own form; the contract wants the stored bytes.)
pub struct Found(String);

impl<'r> Responder<'r, 'static> for Found {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Response::build()
            .status(Status::Found)
            .raw_header("Location", self.0)
            .ok()
    }
}
