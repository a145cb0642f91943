//! Request bodies, refused in the contract's order: media type (415), size (413: declared
//! `Content-Length` first, then while streaming), syntax (400), and for JSON, schema (422).

use std::time::Duration;

use axum::{
    body::{Body, BodyDataStream, Bytes},
    extract::{FromRequest, Request},
    http::{
        HeaderMap,
        header::{CONTENT_LENGTH, CONTENT_TYPE, EXPECT},
    },
};
use bytes::BytesMut;
use futures_util::StreamExt;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_path_to_error::Segment as JsonSegment;

use super::error::{ApiError, Issue, Segment};

pub const JSON: &str = "application/json";
pub const FORM: &str = "application/x-www-form-urlencoded";
pub const MULTIPART: &str = "multipart/form-data";

/// JSON and urlencoded bodies; a body of exactly this size is accepted.
pub const BODY_LIMIT: usize = 1 << 20;
/// Multipart bodies.
pub const UPLOAD_LIMIT: usize = 5 << 20;

/// The full `Content-Type` value, if its media type (any case, parameters ignored) is `expected`.
pub fn media_type<'h>(headers: &'h HeaderMap, expected: &'static str) -> Result<&'h str, ApiError> {
    let value = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(expected) {
        Ok(value)
    } else {
        Err(ApiError::UnsupportedMediaType(expected))
    }
}

/// The body's data, once its media type is `media` (else 415) and its declared
/// `Content-Length` is within `limit` (else 413, before any of it is read).
pub async fn open(
    headers: &HeaderMap,
    body: Body,
    media: &'static str,
    limit: usize,
) -> Result<BodyDataStream, ApiError> {
    let stream = body.into_data_stream();
    let refusal = match media_type(headers, media) {
        Err(wrong_type) => wrong_type,
        Ok(_) if declared_length(headers).is_some_and(|length| length > limit) => {
            ApiError::TooLarge(limit)
        }
        Ok(_) => return Ok(stream),
    };
    // A client waiting for `100 Continue` has sent nothing yet, and hyper tells it not to.
    let expects_continue = headers
        .get(EXPECT)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if !expects_continue {
        discard(stream).await;
    }
    Err(refusal)
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    let value = headers.get(CONTENT_LENGTH)?.to_str().ok()?;
    // Past usize::MAX is over any limit.
    value
        .parse::<u64>()
        .ok()
        .map(|length| usize::try_from(length).unwrap_or(usize::MAX))
}

/// Reads and drops what a client is still sending after its request was refused (at most
/// `DISCARD_BYTES` for `DISCARD_TIME`). hyper closes a connection whose input is left unread,
/// and a client still writing then sees a reset instead of the refusal; Node drains the same way.
pub async fn discard(mut stream: BodyDataStream) {
    let drain = async {
        let mut left = DISCARD_BYTES;
        while let Some(Ok(chunk)) = stream.next().await {
            left = left.saturating_sub(chunk.len());
            if left == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DISCARD_TIME, drain).await;
}

const DISCARD_BYTES: usize = 64 << 20;
const DISCARD_TIME: Duration = Duration::from_secs(5);

/// The whole body, never buffering more than `limit` bytes (a chunked body is cut off there).
async fn read(req: Request, media: &'static str, limit: usize) -> Result<Bytes, ApiError> {
    let (parts, body) = req.into_parts();
    let mut stream = open(&parts.headers, body, media, limit).await?;
    let mut bytes = BytesMut::with_capacity(declared_length(&parts.headers).unwrap_or(0));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::invalid_body("could not read the request body"))?;
        if bytes.len() + chunk.len() > limit {
            discard(stream).await;
            return Err(ApiError::TooLarge(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

/// An `application/json` body (≤ 1 MiB) decoded strictly into `T`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let bytes = read(req, JSON, BODY_LIMIT).await?;
        decode_json(&bytes).map(JsonBody)
    }
}

/// The bytes of an `application/json` body (≤ 1 MiB), for handlers that decode it themselves.
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        read(req, JSON, BODY_LIMIT).await.map(JsonBytes)
    }
}

/// The bytes of an `application/x-www-form-urlencoded` body (≤ 1 MiB).
pub struct FormBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for FormBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        read(req, FORM, BODY_LIMIT).await.map(FormBytes)
    }
}

/// Decodes JSON into `T`: 400 `invalid_body` if it is not JSON, else 422 naming the first
/// field that does not fit (`["items", 0, "sku"]`).
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        if !err.inner().is_data() {
            return ApiError::invalid_body(err.inner().to_string());
        }
        // serde stops at the first error, so a type error early in a document that is
        // malformed further on must still be reported as the 400 it is.
        match serde_json::from_slice::<IgnoredAny>(bytes) {
            Ok(_) => ApiError::Validation(vec![schema_issue(&err)]),
            Err(syntax) => ApiError::invalid_body(syntax.to_string()),
        }
    })?;
    deserializer
        .end()
        .map_err(|err| ApiError::invalid_body(err.to_string()))?;
    Ok(value)
}

fn schema_issue(err: &serde_path_to_error::Error<serde_json::Error>) -> Issue {
    let mut path: Vec<Segment> = err
        .path()
        .iter()
        .filter_map(|segment| match segment {
            JsonSegment::Seq { index } => Some(Segment::Index(*index)),
            JsonSegment::Map { key } => Some(Segment::Key(key.clone())),
            JsonSegment::Enum { variant } => Some(Segment::Key(variant.clone())),
            JsonSegment::Unknown => None,
        })
        .collect();
    let full = err.inner().to_string();
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(message, _)| message);
    // serde reports a missing key at its parent object; the issue must name the key itself.
    if let Some(key) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        path.push(Segment::Key(key.to_owned()));
    }
    Issue {
        path,
        message: message.to_owned(),
    }
}
