//! shortener: Postgres is the source of truth for codes and click counts; Redis sits in front
//! of the redirects (cache-aside with a stampede lock: redirects.rs) and counts the clicks,
//! which are added to Postgres in batches exactly once (clicks.rs). `GET /{code}` is the
//! router's fallback, so it only ever sees paths that no other route takes.

pub mod clicks;
pub mod codes;
pub mod redirects;

use axum::{
    Json,
    extract::State,
    http::{
        HeaderMap, HeaderValue, Method, StatusCode, Uri,
        header::{HOST, LOCATION},
    },
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::Value;

use crate::{
    common::{
        body::{JsonBytes, decode_json},
        error::{ApiError, Issue},
        path::PathParams,
    },
    data::db::column,
    state::AppState,
};
use codes::{is_code, new_code};

pub const INSERT_URL_SQL: &str =
    "INSERT INTO urls (code, url) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING code";
pub const SELECT_STATS_SQL: &str = "SELECT code, url, clicks FROM urls WHERE code = $1";
/// A collision in 62⁷ codes is rare; five in a row means something else is wrong.
const MAX_ATTEMPTS: usize = 5;
pub const MAX_URL_LENGTH: usize = 2048;

#[derive(Serialize)]
pub struct Created {
    code: String,
    short_url: String,
}

/// `POST /api/shorten` `{"url"}` → 201 `{code, short_url}`: a fresh code for the URL.
pub async fn shorten(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let url = valid_url(decode_json::<Value>(&body)?)?;
    let db = state.data.db()?;
    for _ in 0..MAX_ATTEMPTS {
        let code = new_code();
        if !db.query(INSERT_URL_SQL, &[&code, &url]).await?.is_empty() {
            let host = headers
                .get(HOST)
                .and_then(|host| host.to_str().ok())
                .unwrap_or("localhost");
            let short_url = format!("http://{host}/{code}");
            return Ok((StatusCode::CREATED, Json(Created { code, short_url })));
        }
    }
    Err(ApiError::Internal(format!(
        "no free code in {MAX_ATTEMPTS} attempts"
    )))
}

/// `url`: a string of at most 2,048 characters matching
/// `^[hH][tT][tT][pP][sS]?://[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e][\x21-\x7e]*$`, as it is
/// stored: the scheme lower-cased, the rest as sent.
fn valid_url(body: Value) -> Result<String, ApiError> {
    let Value::Object(mut body) = body else {
        return Err(ApiError::Validation(vec![Issue {
            path: Vec::new(),
            message: "expected an object".to_owned(),
        }]));
    };
    let fail = |message: &str| ApiError::Validation(vec![Issue::at("url", message)]);
    let url = match body.remove("url") {
        Some(Value::String(url)) => url,
        None => return Err(fail("required")),
        Some(_) => return Err(fail("expected a string")),
    };
    if url.chars().count() > MAX_URL_LENGTH {
        return Err(fail("at most 2048 characters"));
    }
    normalized_http_url(&url)
        .ok_or_else(|| fail("expected an http:// or https:// URL of printable ASCII"))
}

/// An http(s) URL as stored: the scheme, which matches in any case (RFC 3986 §3.1), lower-cased
/// (its normal form, §6.2.2.1), everything after `://` byte for byte; `None` for anything else.
fn normalized_http_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let mut bytes = rest.bytes();
    // Not `#`, `/` or `?` right after `//`: there is a host part.
    let first_ok = bytes
        .next()
        .is_some_and(|byte| (0x21..=0x7e).contains(&byte) && !matches!(byte, b'#' | b'/' | b'?'));
    let printable = first_ok && bytes.all(|byte| (0x21..=0x7e).contains(&byte));
    printable.then(|| format!("{}://{rest}", scheme.to_ascii_lowercase()))
}

#[derive(Serialize)]
pub struct Stats {
    code: String,
    url: String,
    clicks: i64,
}

/// `GET /api/stats/{code}` → `{code, url, clicks}` from Postgres (never the cache).
pub async fn stats(
    State(state): State<AppState>,
    PathParams(code): PathParams<String>,
) -> Result<Json<Stats>, ApiError> {
    if !is_code(&code) {
        return Err(ApiError::NotFound);
    }
    let rows = state.data.db()?.query(SELECT_STATS_SQL, &[&code]).await?;
    let row = rows.first().ok_or(ApiError::NotFound)?;
    Ok(Json(Stats {
        code: column(row, 0)?,
        url: column(row, 1)?,
        clicks: column(row, 2)?,
    }))
}

/// The router's fallback: `GET /{code}` (7 base62 characters) → 302 to the code's URL, its
/// click counted; any other unmatched request is the contract's 404.
pub async fn redirect_or_not_found(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
) -> Result<Response, ApiError> {
    let code = match uri.path().strip_prefix('/') {
        Some(code) if is_code(code) && (method == Method::GET || method == Method::HEAD) => code,
        _ => return Err(ApiError::NotFound),
    };
    let resolver = state.resolver.as_ref().ok_or(ApiError::Unavailable(
        "this server runs without a database (DATABASE_URL)",
    ))?;
    let url = resolver.resolve(code).await?.ok_or(ApiError::NotFound)?;
    // A URL not valid in a header can only have been stored by something else: a bug.
    let location = HeaderValue::try_from(url)
        .map_err(|err| ApiError::Internal(format!("stored URL of {code}: {err}")))?;
    clicks::count(resolver.db(), resolver.cache(), code).await?;
    Ok((StatusCode::FOUND, [(LOCATION, location)]).into_response())
}

#[cfg(test)]
mod tests {
    use super::normalized_http_url;

    #[test]
    fn urls() {
        for good in [
            "http://a",
            "https://example.com/a?b=c#d",
            "https://localhost:8080/",
            "https://\"quoted\"",
        ] {
            assert_eq!(normalized_http_url(good).as_deref(), Some(good));
        }
        for (sent, stored) in [
            (
                "HTTPS://Example.COM/Path?Q=1",
                "https://Example.COM/Path?Q=1",
            ),
            ("Http://a/B", "http://a/B"),
            ("hTtPs://x://Y", "https://x://Y"),
        ] {
            assert_eq!(normalized_http_url(sent).as_deref(), Some(stored), "{sent}");
        }
        for bad in [
            "ftp://example.com/file",
            "javascript:alert(1)",
            "example.com/path",
            "HTTPX://example.com/",
            "https://",
            "https:///path",
            "https://?q",
            "https://#f",
            "https://example.com/a b",
            "https://example.com/café",
            "http:/example.com",
        ] {
            assert_eq!(normalized_http_url(bad), None, "{bad}");
        }
    }
}
