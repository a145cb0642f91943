//! shortener: Postgres is the source of truth for codes and click counts; Redis sits in front
//! of the redirects and counts the clicks (gauntlet-data's `families::shortener`: cache-aside
//! with a stampede lock, the click flush). `GET /{code}` is the router's fallback, so it only
//! ever sees paths that no other route takes.

use axum::{
    Json,
    extract::State,
    http::{
        HeaderMap, HeaderValue, Method, StatusCode, Uri,
        header::{HOST, LOCATION},
    },
    response::{IntoResponse, Response},
};
use gauntlet_data::families::shortener::{self, Created, Stats};

use crate::{
    common::{
        body::{JsonBytes, decode_json},
        error::ApiError,
        path::PathParams,
    },
    state::AppState,
};

/// `POST /api/shorten` `{"url"}` → 201 `{code, short_url}`: a fresh code for the URL.
pub async fn shorten(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let host = headers.get(HOST).and_then(|host| host.to_str().ok());
    let created = shortener::shorten(&state.data, decode_json(&body)?, host).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /api/stats/{code}` → `{code, url, clicks}` from Postgres (never the cache).
pub async fn stats(
    State(state): State<AppState>,
    PathParams(code): PathParams<String>,
) -> Result<Json<Stats>, ApiError> {
    Ok(Json(shortener::stats(&state.data, &code).await?))
}

/// The router's fallback: `GET /{code}` (7 base62 characters) → 302 to the code's URL, its
/// click counted; any other unmatched request is the contract's 404.
pub async fn redirect_or_not_found(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
) -> Result<Response, ApiError> {
    let code = match uri.path().strip_prefix('/') {
        Some(code) if method == Method::GET || method == Method::HEAD => code,
        _ => return Err(ApiError::NotFound),
    };
    let url = shortener::redirect(&state.data, code).await?;
    let location = HeaderValue::try_from(url)
        .map_err(|err| ApiError::Internal(format!("stored URL of {code}: {err}")))?;
    Ok((StatusCode::FOUND, [(LOCATION, location)]).into_response())
}
