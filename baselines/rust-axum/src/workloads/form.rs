//! form: urlencoded bodies (≤ 1 MiB) validated by the same value rules as query strings.

use axum::Json;
use serde::Serialize;

use crate::common::{
    body::FormBytes,
    error::ApiError,
    params::{self, Check, Params},
};
use crate::workloads::query::is_language;

const CONTACT_METHODS: &[&str] = &["email", "phone", "post"];

#[derive(Serialize)]
pub struct Simple {
    username: String,
    email: String,
    age: i64,
    newsletter: bool,
}

/// `POST /form/simple` (4 fields).
pub async fn simple(FormBytes(body): FormBytes) -> Result<Json<Simple>, ApiError> {
    let form = Params::parse(&body);
    let mut check = Check::default();
    let simple = Simple {
        username: check.required(
            &form,
            "username",
            params::matching(3, 32, is_username, "[A-Za-z0-9_]+"),
        ),
        email: check.required(&form, "email", email()),
        age: check.required(&form, "age", params::int(13, 130)),
        newsletter: check
            .optional(&form, "newsletter", params::boolean)
            .unwrap_or(false),
    };
    check.finish()?;
    Ok(Json(simple))
}

#[derive(Serialize)]
pub struct Complex {
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
    age: i64,
    country: String,
    city: String,
    postcode: String,
    company: Option<String>,
    job_title: Option<String>,
    website: Option<String>,
    bio: Option<String>,
    interests: Vec<String>,
    languages: Vec<String>,
    newsletter: bool,
    terms: bool,
    contact_method: &'static str,
    experience_years: i64,
}

/// `POST /form/complex` (18 fields, repeated keys for the lists).
pub async fn complex(FormBytes(body): FormBytes) -> Result<Json<Complex>, ApiError> {
    let form = Params::parse(&body);
    let mut check = Check::default();
    let complex = Complex {
        first_name: check.required(&form, "first_name", params::string(1, 100)),
        last_name: check.required(&form, "last_name", params::string(1, 100)),
        email: check.required(&form, "email", email()),
        phone: check.required(
            &form,
            "phone",
            params::pattern(is_phone, r"\+?[0-9 ()-]{6,20}"),
        ),
        age: check.required(&form, "age", params::int(13, 130)),
        country: check.required(
            &form,
            "country",
            params::matching(2, 2, is_country, "[A-Z]{2}"),
        ),
        city: check.required(&form, "city", params::string(1, 100)),
        postcode: check.required(&form, "postcode", params::string(1, 16)),
        company: check.optional(&form, "company", params::string(1, 100)),
        job_title: check.optional(&form, "job_title", params::string(1, 100)),
        website: check.optional(
            &form,
            "website",
            params::matching(1, 2048, is_web_url, "an http(s):// URL"),
        ),
        bio: check.optional(&form, "bio", params::string(0, 1000)),
        interests: check.list(&form, "interests", 20, params::string(1, 64)),
        languages: check.list(
            &form,
            "languages",
            10,
            params::matching(2, 2, is_language, "[a-z]{2}"),
        ),
        newsletter: check
            .optional(&form, "newsletter", params::boolean)
            .unwrap_or(false),
        terms: check.required(&form, "terms", params::boolean),
        contact_method: check.required(&form, "contact_method", params::one_of(CONTACT_METHODS)),
        experience_years: check.required(&form, "experience_years", params::int(0, 80)),
    };
    check.finish()?;
    Ok(Json(complex))
}

/// `^[^@\s]+@[^@\s]+\.[^@\s]+$`
fn email() -> impl params::Rule<String> {
    params::pattern(is_email, "an email address")
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let plain =
        |part: &str| !part.is_empty() && !part.contains(|c: char| c == '@' || c.is_whitespace());
    // Some dot with text on both sides: the regex backtracks to any such dot.
    let dotted = domain
        .match_indices('.')
        .any(|(at, _)| at > 0 && at + 1 < domain.len());
    plain(local) && plain(domain) && dotted
}

/// `^[A-Za-z0-9_]+$` once the length is checked.
fn is_username(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

/// `^\+?[0-9 ()-]{6,20}$`
fn is_phone(text: &str) -> bool {
    let rest = text.strip_prefix('+').unwrap_or(text);
    (6..=20).contains(&rest.len()) && rest.bytes().all(|byte| b"0123456789 ()-".contains(&byte))
}

/// `^[A-Z]{2}$` once the length is checked.
fn is_country(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_uppercase())
}

fn is_web_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}
