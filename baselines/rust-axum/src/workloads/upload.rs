//! multipart: `POST /upload`, streamed through multer under the 5 MiB limit; the file is
//! hashed as it arrives, never held whole.

use axum::{
    Json,
    body::{Body, BodyDataStream},
    http::HeaderMap,
};
use multer::{Constraints, Multipart, SizeLimit};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::common::{
    body::{self, MULTIPART, UPLOAD_LIMIT},
    error::{ApiError, Issue},
};

#[derive(Serialize)]
pub struct Upload {
    fields: Map<String, Value>,
    file: File,
}

#[derive(Serialize)]
struct File {
    name: String,
    size: usize,
    sha256: String,
}

/// `POST /upload`: the part named `file` (a file: it has a filename) is required and
/// summarised; every other part is a text field echoed in `fields`.
pub async fn upload(headers: HeaderMap, request_body: Body) -> Result<Json<Upload>, ApiError> {
    let mut stream = body::open(&headers, request_body, MULTIPART, UPLOAD_LIMIT).await?;
    let upload = read_parts(&headers, &mut stream).await;
    if upload.is_err() {
        body::discard(stream).await;
    }
    upload.map(Json)
}

async fn read_parts(headers: &HeaderMap, stream: &mut BodyDataStream) -> Result<Upload, ApiError> {
    let boundary = multer::parse_boundary(body::media_type(headers, MULTIPART)?)
        .map_err(|_| ApiError::invalid_body("multipart/form-data without a boundary"))?;
    let limits = Constraints::new().size_limit(SizeLimit::new().whole_stream(UPLOAD_LIMIT as u64));
    let mut parts = Multipart::with_constraints(stream, boundary, limits);
    let mut fields = Map::new();
    let mut file = None;
    let mut issues = Vec::new();
    // Read to the end even once an issue is found: a malformed body is a 400 first.
    while let Some(mut part) = parts.next_field().await.map_err(refusal)? {
        let name = part
            .name()
            .ok_or_else(|| ApiError::invalid_body("a part without a name"))?
            .to_owned();
        let is_file = part.file_name().is_some();
        match (name.as_str(), is_file) {
            ("file", true) => {
                let name = part.file_name().unwrap_or_default().to_owned();
                let mut hasher = Sha256::new();
                let mut size = 0;
                while let Some(chunk) = part.chunk().await.map_err(refusal)? {
                    size += chunk.len();
                    hasher.update(&chunk);
                }
                if file.is_some() {
                    issues.push(Issue::at("file", "given more than once"));
                }
                let sha256 = hex::encode(hasher.finalize());
                file = Some(File { name, size, sha256 });
            }
            (_, true) | ("file", false) => {
                part.bytes().await.map_err(refusal)?;
                let expected = if is_file {
                    "expected a text field"
                } else {
                    "expected a file"
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
    let file_refused = issues.iter().any(|issue| issue.is_at("file"));
    match file {
        Some(file) if issues.is_empty() => Ok(Upload { fields, file }),
        None if !file_refused => {
            issues.insert(0, Issue::at("file", "required"));
            Err(ApiError::Validation(issues))
        }
        _ => Err(ApiError::Validation(issues)),
    }
}

fn refusal(err: multer::Error) -> ApiError {
    match err {
        multer::Error::StreamSizeExceeded { .. } => ApiError::TooLarge(UPLOAD_LIMIT),
        err => ApiError::invalid_body(format!("malformed multipart body: {err}")),
    }
}
