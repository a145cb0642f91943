//! The one error shape of the contract: `{"error":{"code","message"}}`, plus `issues` for 422.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// A refused request; each variant is one row of the contract's error table.
#[derive(Debug)]
pub enum ApiError {
    /// 400: malformed JSON, urlencoded or multipart body.
    InvalidBody(String),
    /// 404: unknown route (any method) or record.
    NotFound,
    /// 413: body over its limit (bytes).
    TooLarge(usize),
    /// 415: `Content-Type` missing or not the endpoint's media type.
    UnsupportedMediaType(&'static str),
    /// 422: schema, parameter or range failures; never empty.
    Validation(Vec<Issue>),
    /// 503: a backing service (Postgres) is down, or this server runs without one.
    Unavailable(&'static str),
    /// 500: a bug (an SQL error that is not about reachability, no free short code).
    Internal(String),
}

/// One validation failure (where and what): gauntlet-data's, the one type every Rust target
/// answers its 422 with.
pub use gauntlet_data::{Issue, Segment};

/// The data layer's refusals and failures, as rows of the same table.
impl From<gauntlet_data::Error> for ApiError {
    fn from(err: gauntlet_data::Error) -> ApiError {
        match err {
            gauntlet_data::Error::NotFound => ApiError::NotFound,
            gauntlet_data::Error::Invalid(issues) => ApiError::Validation(issues),
            gauntlet_data::Error::Unavailable(message) => ApiError::Unavailable(message),
            gauntlet_data::Error::Internal(message) => ApiError::Internal(message),
        }
    }
}

impl ApiError {
    pub fn invalid_body(message: impl Into<String>) -> Self {
        ApiError::InvalidBody(message.into())
    }
}

/// `GET|POST|… <anything unknown>`: the contract's JSON 404, for the router's fallbacks.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issues: Option<&'a [Issue]>,
}

/// A JSON error response with any status and code (also used outside the table, e.g. by /ws).
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    issues: Option<&[Issue]>,
) -> Response {
    (
        status,
        Json(Envelope {
            error: Body {
                code,
                message,
                issues,
            },
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::InvalidBody(message) => {
                error_response(StatusCode::BAD_REQUEST, "invalid_body", &message, None)
            }
            ApiError::NotFound => {
                error_response(StatusCode::NOT_FOUND, "not_found", "not found", None)
            }
            ApiError::TooLarge(limit) => error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!("body over its limit of {limit} bytes"),
                None,
            ),
            ApiError::UnsupportedMediaType(expected) => error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                &format!("expected Content-Type {expected}"),
                None,
            ),
            ApiError::Validation(issues) => error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "request validation failed",
                Some(&issues),
            ),
            ApiError::Unavailable(message) => error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                message,
                None,
            ),
            ApiError::Internal(message) => error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &message,
                None,
            ),
        }
    }
}
