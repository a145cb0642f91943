//! Path parameters, percent-decoded by axum, with its rejections turned into the contract's 422.

use axum::{
    extract::{FromRequestParts, Path, path::ErrorKind, rejection::PathRejection},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use super::error::{ApiError, Issue, Segment};

/// Like `axum::extract::Path`, refusing with a JSON 422 naming the parameter.
pub struct PathParams<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(params)) => Ok(PathParams(params)),
            Err(rejection) => Err(ApiError::Validation(vec![issue(&rejection)])),
        }
    }
}

fn issue(rejection: &PathRejection) -> Issue {
    let key = match rejection {
        PathRejection::FailedToDeserializePathParams(err) => match err.kind() {
            ErrorKind::InvalidUtf8InPathParam { key }
            | ErrorKind::ParseErrorAtKey { key, .. }
            | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
            _ => None,
        },
        _ => None,
    };
    Issue {
        path: key.map(Segment::Key).into_iter().collect(),
        message: rejection.body_text(),
    }
}
