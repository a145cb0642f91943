//! multipart: `POST /upload` (≤ 5 MiB), a data guard streaming the body through multer (the
//! parser under Rocket's own `Form`), the `file` part hashed as it arrives, never held whole.
//!
//! Rocket's `Form<T>` (with `TempFile`) refuses a body over its `data-form` limit but leaves
//! the rest unread and the connection is then closed under a client still sending, which then
//! often sees a reset instead of the 413. This guard drains a refused body (see `body.rs`).

use multer::{Constraints, Multipart, SizeLimit};
use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::outcome::Outcome as Out;
use rocket::post;
use rocket::serde::json::Json;
use rocket::tokio::io::AsyncReadExt;
use rocket::{Request, http::Status};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::body::{DISCARD_BYTES, declared_length, discard};
use crate::error::{ApiError, Issue};

const FILE: &str = "file";

#[derive(Serialize)]
pub struct Upload {
    fields: Map<String, Value>,
    file: FileSummary,
}

#[derive(Serialize)]
pub struct FileSummary {
    name: String,
    size: u64,
    sha256: String,
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Upload {
    type Error = ApiError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self, ApiError> {
        let limit = req
            .limits()
            .get("data-form")
            .unwrap_or(5.mebibytes())
            .as_u64();
        let mut stream = data.open((limit + DISCARD_BYTES).bytes());
        let upload = if declared_length(req).is_some_and(|length| length > limit) {
            Err(ApiError::TooLarge)
        } else {
            let boundary = req
                .content_type()
                .and_then(|media| media.param("boundary"))
                .unwrap_or_default();
            let constraints = Constraints::new().size_limit(SizeLimit::new().whole_stream(limit));
            // multer sees at most one byte past the limit, and refuses the body then.
            let reader = (&mut stream).take(limit + 1);
            read_parts(Multipart::with_reader_with_constraints(
                reader,
                boundary,
                constraints,
            ))
            .await
        };
        match upload {
            Ok(upload) => Out::Success(upload),
            Err(error) => {
                if matches!(error, ApiError::TooLarge) {
                    discard(req, stream).await;
                }
                let status = match error {
                    ApiError::TooLarge => Status::PayloadTooLarge,
                    ApiError::Validation(_) => Status::UnprocessableEntity,
                    _ => Status::BadRequest,
                };
                Out::Error((status, error))
            }
        }
    }
}

/// The part named `file` (a file: it has a filename) is required and summarised; every other
/// part is a text field echoed in `fields`.
async fn read_parts(mut parts: Multipart<'_>) -> Result<Upload, ApiError> {
    let mut fields = Map::new();
    let mut file = None;
    let mut issues = Vec::new();
    // Read to the end even once an issue is found: a malformed body is a 400 first.
    while let Some(mut part) = parts.next_field().await.map_err(refusal)? {
        let name = part
            .name()
            .ok_or_else(|| ApiError::InvalidBody("a part without a name".to_owned()))?
            .to_owned();
        let is_file = part.file_name().is_some();
        match (name.as_str(), is_file) {
            (FILE, true) => {
                let name = part.file_name().unwrap_or_default().to_owned();
                let mut hasher = Sha256::new();
                let mut size = 0;
                while let Some(chunk) = part.chunk().await.map_err(refusal)? {
                    size += chunk.len() as u64;
                    hasher.update(&chunk);
                }
                if file.is_some() {
                    issues.push(Issue::at(FILE, "given more than once"));
                }
                let sha256 = hex::encode(hasher.finalize());
                file = Some(FileSummary { name, size, sha256 });
            }
            (_, true) | (FILE, false) => {
                part.bytes().await.map_err(refusal)?;
                let expected = if is_file {
                    "expected a text field"
                } else {
                    "expected a file (a part with a filename)"
                };
                issues.push(Issue::at(&name, expected));
            }
            (_, false) => {
                let value = part.text().await.map_err(refusal)?;
                if fields.contains_key(&name) {
                    issues.push(Issue::at(&name, "given more than once"));
                }
                fields.insert(name, Value::String(value));
            }
        }
    }
    match file {
        Some(file) if issues.is_empty() => Ok(Upload { fields, file }),
        None if !issues.iter().any(|issue| issue.is_at(FILE)) => {
            issues.insert(0, Issue::at(FILE, "required"));
            Err(ApiError::Validation(issues))
        }
        _ => Err(ApiError::Validation(issues)),
    }
}

fn refusal(err: multer::Error) -> ApiError {
    match err {
        multer::Error::StreamSizeExceeded { .. } => ApiError::TooLarge,
        err => ApiError::InvalidBody(format!("malformed multipart body: {err}")),
    }
}

/// `POST /upload` (`multipart/form-data`, ≤ 5 MiB) → `{"fields":{…},"file":{name,size,sha256}}`.
#[post("/upload", format = "multipart/form-data", data = "<upload>")]
pub fn upload(upload: Result<Upload, ApiError>) -> Result<Json<Upload>, ApiError> {
    upload.map(Json)
}

/// `POST /upload` with any other `Content-Type` (or none).
#[post("/upload", rank = 2)]
pub fn wrong_type() -> ApiError {
    ApiError::UnsupportedMediaType("multipart/form-data")
}
