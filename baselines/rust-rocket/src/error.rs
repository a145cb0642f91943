//! The one error shape of the contract, `{"error":{"code","message"}}` (plus `issues` for 422),
//! as a Responder for handlers and as the catchers for whatever Rocket refuses by itself.

use rocket::form::{self, error::ErrorKind as FormErrorKind};
use rocket::http::Status;
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Catcher, Request, catch, catchers};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_path_to_error::Segment as JsonSegment;

/// A refused request; each variant is one row of the contract's error table.
#[derive(Debug)]
pub enum ApiError {
    /// 400: malformed JSON, urlencoded or multipart body.
    InvalidBody(String),
    /// 404: unknown route (any method), unknown record.
    NotFound,
    /// 413: body over its limit.
    TooLarge,
    /// 415: `Content-Type` missing or not the endpoint's media type.
    UnsupportedMediaType(&'static str),
    /// 422: schema, parameter or range failures; never empty.
    Validation(Vec<Issue>),
    /// 503: a backing service (Postgres) is down, or this server runs without one.
    Unavailable(&'static str),
    /// 500: a bug (an SQL error that is not about reachability, no free short code).
    Internal(String),
    /// Anything else Rocket answers by itself (a status without a row in the table).
    Other(Status),
}

/// One validation failure (where and what): gauntlet-data's, the one type every Rust target
/// answers its 422 with.
pub use gauntlet_data::{Issue, Segment};

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

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let (status, code, message, issues) = match &self {
            ApiError::InvalidBody(message) => {
                (Status::BadRequest, "invalid_body", message.clone(), None)
            }
            ApiError::NotFound => (Status::NotFound, "not_found", "not found".into(), None),
            ApiError::TooLarge => (
                Status::PayloadTooLarge,
                "too_large",
                "body over its limit".into(),
                None,
            ),
            ApiError::UnsupportedMediaType(expected) => (
                Status::UnsupportedMediaType,
                "unsupported_media_type",
                format!("expected Content-Type {expected}"),
                None,
            ),
            ApiError::Validation(issues) => (
                Status::UnprocessableEntity,
                "validation_failed",
                "request validation failed".into(),
                Some(issues.as_slice()),
            ),
            ApiError::Unavailable(message) => (
                Status::ServiceUnavailable,
                "unavailable",
                (*message).to_owned(),
                None,
            ),
            ApiError::Internal(message) => (
                Status::InternalServerError,
                "internal",
                message.clone(),
                None,
            ),
            ApiError::Other(status) => (
                *status,
                if status.code >= 500 {
                    "internal"
                } else {
                    "bad_request"
                },
                status.reason_lossy().to_owned(),
                None,
            ),
        };
        let body = Json(Envelope {
            error: Body {
                code,
                message: &message,
                issues,
            },
        });
        (status, body).respond_to(request)
    }
}

/// The data layer's refusals and failures (gauntlet-data), as rows of the same table.
impl From<gauntlet_data::Error> for ApiError {
    fn from(err: gauntlet_data::Error) -> Self {
        match err {
            gauntlet_data::Error::NotFound => ApiError::NotFound,
            gauntlet_data::Error::Invalid(issues) => ApiError::Validation(issues),
            gauntlet_data::Error::Unavailable(message) => ApiError::Unavailable(message),
            gauntlet_data::Error::Internal(message) => ApiError::Internal(message),
        }
    }
}

/// A typed path segment refused by its `FromParam` impl: 422 naming the parameter.
pub fn refused(name: &'static str) -> impl FnOnce(String) -> ApiError {
    move |message| ApiError::Validation(vec![Issue::at(name, message)])
}

/// Several typed path segments of which some were refused: 422 naming each of those.
pub fn refused_all<const N: usize>(params: [(&str, Option<String>); N]) -> ApiError {
    ApiError::Validation(
        params
            .into_iter()
            .filter_map(|(name, refusal)| refusal.map(|message| Issue::at(name, message)))
            .collect(),
    )
}

/// What Rocket's form machinery refused, as the contract's status: a body over its limit (413),
/// one that is not urlencoded/multipart at all (400), else fields that do not fit (422), one
/// issue per field error, at the field's name.
impl From<form::Errors<'_>> for ApiError {
    fn from(errors: form::Errors<'_>) -> Self {
        let statuses: Vec<Status> = errors.iter().map(form::Error::status).collect();
        if statuses.contains(&Status::PayloadTooLarge) {
            return ApiError::TooLarge;
        }
        if statuses.contains(&Status::BadRequest) {
            return ApiError::InvalidBody(errors.to_string());
        }
        ApiError::Validation(form_issues(&errors))
    }
}

/// One issue per form error, at the first key of the field's name (`color` for `color[3]`).
pub fn form_issues(errors: &form::Errors<'_>) -> Vec<Issue> {
    errors
        .iter()
        .map(|error| {
            let path = error
                .name
                .as_ref()
                .and_then(|name| name.keys().next())
                .map(|key| vec![Segment::Key(key.as_str().to_owned())])
                .unwrap_or_default();
            let message = match &error.kind {
                FormErrorKind::Missing => "required".to_owned(),
                FormErrorKind::Duplicate => "given more than once".to_owned(),
                kind => kind.to_string(),
            };
            Issue { path, message }
        })
        .collect()
}

/// A JSON body that serde refused as `T`: 400 when the text is not JSON, else 422 naming the
/// first field that does not fit (`["items", 0, "sku"]`), found by decoding the text again with
/// serde_path_to_error (only on this error path).
pub fn decode_json<T: DeserializeOwned>(text: &str, err: &serde_json::Error) -> ApiError {
    // serde stops at the first error, so a type error early in a document that is
    // malformed further on must still be reported as the 400 it is.
    match serde_json::from_str::<IgnoredAny>(text) {
        Err(syntax) => ApiError::InvalidBody(syntax.to_string()),
        Ok(_) if !err.is_data() => ApiError::InvalidBody(err.to_string()),
        Ok(_) => ApiError::Validation(vec![schema_issue::<T>(text)]),
    }
}

fn schema_issue<T: DeserializeOwned>(text: &str) -> Issue {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let Err(err) = serde_path_to_error::deserialize::<_, T>(&mut deserializer) else {
        return Issue {
            path: Vec::new(),
            message: "does not match the schema".to_owned(),
        };
    };
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

/// Unknown routes (any method: Rocket answers a method without a route with 404 too).
#[catch(404)]
fn not_found() -> ApiError {
    ApiError::NotFound
}

#[catch(400)]
fn bad_request() -> ApiError {
    ApiError::InvalidBody("malformed request".to_owned())
}

#[catch(413)]
fn too_large() -> ApiError {
    ApiError::TooLarge
}

#[catch(415)]
fn unsupported_media_type() -> ApiError {
    ApiError::UnsupportedMediaType("of the endpoint")
}

/// A guard refused a value without the handler seeing it (every handler here inspects its
/// guards' errors itself, so this is a fallback).
#[catch(422)]
fn unprocessable() -> ApiError {
    ApiError::Validation(vec![Issue {
        path: Vec::new(),
        message: "request validation failed".to_owned(),
    }])
}

#[catch(default)]
fn default(status: Status, _: &Request<'_>) -> ApiError {
    ApiError::Other(status)
}

pub fn catchers() -> Vec<Catcher> {
    catchers![
        not_found,
        bad_request,
        too_large,
        unsupported_media_type,
        unprocessable,
        default
    ]
}
