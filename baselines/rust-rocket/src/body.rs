//! Body data guards for JSON and urlencoded bodies: Rocket's `Json<T>` and `Form<T>` with one
//! change. Those read up to the `json`/`form` limit and refuse the rest with 413, but leave it
//! unread, and hyper then closes the connection under a client that is still sending: the
//! client often sees a reset instead of the 413 (the conformance suite did, for 2–3 MiB). These
//! guards refuse a declared `Content-Length` over the limit before reading, buffer at most the
//! limit, and read and drop what a refused client is still sending (at most 64 MiB, for 5 s),
//! as Node and the axum baseline do. Parsing is then Rocket's and serde's own
//! (`rocket::serde::json::from_str`, `Form::parse_iter`).

use std::time::Duration;

use rocket::data::{Data, DataStream, FromData, Limits, Outcome, ToByteUnit};
use rocket::form::name::NameView;
use rocket::form::{Form, FromForm, ValueField};
use rocket::http::RawStr;
use rocket::http::Status;
use rocket::serde::json;
use rocket::tokio::io::{self, AsyncReadExt};
use rocket::{Request, outcome::Outcome as Out, request::local_cache};
use serde::Deserialize;

use crate::error::{ApiError, decode_json};

/// What a refused client may still send us, and for how long, before the connection is closed.
pub const DISCARD_BYTES: u64 = 64 << 20;
const DISCARD_TIME: Duration = Duration::from_secs(5);

/// The declared `Content-Length` (past `u64::MAX` is over any limit).
pub fn declared_length(req: &Request<'_>) -> Option<u64> {
    let length = req.headers().get_one("Content-Length")?;
    if !length.is_empty() && length.bytes().all(|byte| byte.is_ascii_digit()) {
        Some(length.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        None
    }
}

/// Reads and drops what a refused client is still sending (a client waiting for
/// `100 Continue` has sent nothing yet, and is told not to).
pub async fn discard(req: &Request<'_>, mut stream: DataStream<'_>) {
    let expects_continue = req
        .headers()
        .get_one("Expect")
        .is_some_and(|expect| expect.eq_ignore_ascii_case("100-continue"));
    if !expects_continue {
        let mut sink = io::sink();
        let drain = io::copy(&mut stream, &mut sink);
        let _ = rocket::tokio::time::timeout(DISCARD_TIME, drain).await;
    }
}

/// The body as text, at most `limit` bytes: 413 past it (declared or streamed), 400 if the
/// bytes are not UTF-8 or the client stops sending.
async fn read_capped<'r>(
    req: &'r Request<'_>,
    data: Data<'r>,
    limit: u64,
) -> Result<&'r str, ApiError> {
    let mut stream = data.open((limit + DISCARD_BYTES).bytes());
    let declared = declared_length(req);
    if declared.is_none_or(|length| length <= limit) {
        let mut body = Vec::with_capacity(declared.unwrap_or(0) as usize);
        (&mut stream)
            .take(limit + 1)
            .read_to_end(&mut body)
            .await
            .map_err(|err| ApiError::InvalidBody(err.to_string()))?;
        if body.len() as u64 <= limit {
            let text = String::from_utf8(body)
                .map_err(|_| ApiError::InvalidBody("the body is not UTF-8".to_owned()))?;
            return Ok(local_cache!(req, text));
        }
    }
    discard(req, stream).await;
    Err(ApiError::TooLarge)
}

fn refuse<'r, T>(error: ApiError) -> Outcome<'r, T, ApiError> {
    let status = match &error {
        ApiError::TooLarge => Status::PayloadTooLarge,
        ApiError::Validation(_) => Status::UnprocessableEntity,
        _ => Status::BadRequest,
    };
    Out::Error((status, error))
}

/// `Json<T>` (≤ the `json` limit) whose refusals are the contract's: 413, 400 for text that
/// is not JSON, 422 naming the first field that does not fit the schema.
pub struct JsonBody<T>(pub T);

#[rocket::async_trait]
impl<'r, T: for<'de> Deserialize<'de>> FromData<'r> for JsonBody<T> {
    type Error = ApiError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self, ApiError> {
        let limit = req.limits().get("json").unwrap_or(Limits::JSON).as_u64();
        let text = match read_capped(req, data, limit).await {
            Ok(text) => text,
            Err(error) => return refuse(error),
        };
        match json::from_str::<T>(text) {
            Ok(value) => Out::Success(JsonBody(value)),
            Err(err) => refuse(decode_json::<T>(text, &err)),
        }
    }
}

/// `Form<T>` for urlencoded bodies (≤ the `form` limit), lenient as Rocket's `Form` is.
pub struct FormBody<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r>> FromData<'r> for FormBody<T> {
    type Error = ApiError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self, ApiError> {
        let limit = req.limits().get("form").unwrap_or(Limits::FORM).as_u64();
        let text = match read_capped(req, data, limit).await {
            Ok(text) => text,
            Err(error) => return refuse(error),
        };
        // Decoded as Rocket decodes a form body (`+` is a space, lossy UTF-8), then parsed by
        // `Form::parse_iter`, as `Form<T>` does.
        let fields: &'r [(String, String)] = local_cache!(
            req,
            Form::values(text)
                .map(|field| {
                    let decode = |text: &str| RawStr::new(text).url_decode_lossy().into_owned();
                    (decode(field.name.source().as_str()), decode(field.value))
                })
                .collect::<Vec<_>>()
        );
        let fields = fields.iter().map(|(name, value)| ValueField {
            name: NameView::new(name.as_str()),
            value: value.as_str(),
        });
        match Form::<T>::parse_iter(fields) {
            Ok(value) => Out::Success(FormBody(value)),
            Err(errors) => refuse(errors.into()),
        }
    }
}
