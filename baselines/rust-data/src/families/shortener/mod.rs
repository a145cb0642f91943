//! shortener: Postgres is the source of truth for codes and click counts; Redis sits in front
//! of the redirects (cache-aside with a stampede lock: redirects.rs) and counts the clicks,
//! which are added to Postgres in batches exactly once (clicks.rs). The target routes
//! `GET /{code}` after every other route, so `redirect` only ever sees paths no route takes.

pub mod clicks;
pub mod codes;
pub mod redirects;

use serde::Serialize;
use serde_json::Value;

use crate::{Data, Error, Issue, db::column};
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

/// `POST /api/shorten` `{"url"}` → 201 `{code, short_url}`: a fresh code for the URL. `host`
/// is the request's `Host` header (`localhost` when it has none).
pub async fn shorten(data: &Data, body: Value, host: Option<&str>) -> Result<Created, Error> {
    let url = valid_url(body)?;
    let db = data.db()?;
    for _ in 0..MAX_ATTEMPTS {
        let code = new_code();
        if !db.query(INSERT_URL_SQL, &[&code, &url]).await?.is_empty() {
            let short_url = format!("http://{}/{code}", host.unwrap_or("localhost"));
            return Ok(Created { code, short_url });
        }
    }
    Err(Error::Internal(format!(
        "no free code in {MAX_ATTEMPTS} attempts"
    )))
}

/// `url`: a string of at most 2,048 characters matching
/// `^[hH][tT][tT][pP][sS]?://[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e][\x21-\x7e]*$`, as it is
/// stored: the scheme lower-cased, the rest as sent.
fn valid_url(body: Value) -> Result<String, Error> {
    let Value::Object(mut body) = body else {
        return Err(Error::Invalid(vec![Issue::body("expected an object")]));
    };
    let fail = |message: &str| Error::Invalid(vec![Issue::at("url", message)]);
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

/// `GET /api/stats/{code}` → `{code, url, clicks}` from Postgres (never the cache); 404 for a
/// code that is not 7 base62 characters or has no row.
pub async fn stats(data: &Data, code: &str) -> Result<Stats, Error> {
    if !is_code(code) {
        return Err(Error::NotFound);
    }
    let rows = data.db()?.query(SELECT_STATS_SQL, &[&code]).await?;
    let row = rows.first().ok_or(Error::NotFound)?;
    Ok(Stats {
        code: column(row, 0)?,
        url: column(row, 1)?,
        clicks: column(row, 2)?,
    })
}

/// `GET /{code}` → the URL to answer 302 with (`Location`), the click counted; 404 for a path
/// that is not 7 base62 characters or a code that does not exist.
pub async fn redirect(data: &Data, code: &str) -> Result<String, Error> {
    if !is_code(code) {
        return Err(Error::NotFound);
    }
    let resolver = data.resolver()?;
    let _running = resolver.enter();
    let url = resolver.resolve(code).await?.ok_or(Error::NotFound)?;
    // A URL not valid in a header can only have been stored by something else: a bug.
    if !is_header_value(&url) {
        return Err(Error::Internal(format!(
            "stored URL of {code}: failed to parse header value"
        )));
    }
    clicks::count(resolver.db(), resolver.cache(), code).await?;
    Ok(url)
}

/// What HTTP allows in a header value (the `http` crate's rule): no control character but tab.
fn is_header_value(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte == b'\t' || (byte >= 0x20 && byte != 0x7f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Segment;

    #[test]
    fn statements_are_the_contracts() {
        assert_eq!(
            INSERT_URL_SQL,
            "INSERT INTO urls (code, url) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING code"
        );
        assert_eq!(
            SELECT_STATS_SQL,
            "SELECT code, url, clicks FROM urls WHERE code = $1"
        );
        assert_eq!(
            redirects::SELECT_URL_SQL,
            "SELECT url FROM urls WHERE code = $1"
        );
        assert_eq!(
            clicks::COUNT_ONE_SQL,
            "UPDATE urls SET clicks = clicks + 1 WHERE code = $1"
        );
    }

    #[test]
    fn bodies_without_a_valid_url_are_422_at_url() {
        let issue = |body: Value| match valid_url(body) {
            Err(Error::Invalid(issues)) => issues,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            issue(serde_json::json!([])),
            [Issue::body("expected an object")]
        );
        for body in [
            serde_json::json!({}),
            serde_json::json!({"url": null}),
            serde_json::json!({"url": 5}),
            serde_json::json!({"url": "ftp://example.com/"}),
            serde_json::json!({"url": format!("https://a/{}", "x".repeat(2048))}),
        ] {
            let issues = issue(body);
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].path, [Segment::Key("url".to_owned())]);
        }
        assert_eq!(
            valid_url(serde_json::json!({"url": "HTTPS://Example.COM/P", "other": 1})).unwrap(),
            "https://Example.COM/P"
        );
    }

    #[test]
    fn header_values() {
        assert!(is_header_value("https://example.com/a?b=c#d"));
        assert!(!is_header_value("https://example.com/\r\nSet-Cookie: x"));
        assert!(!is_header_value("https://example.com/\u{7f}"));
    }

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
