//! The contract's value rules for query strings, form fields and path parameters: typed
//! rules over decoded text, and a `Check` that collects every issue of a request.

use std::borrow::Cow;

use super::error::{ApiError, Issue};

/// The decoded `name=value` pairs of a query string or urlencoded body, in order
/// (`+` is a space; bad UTF-8 is replaced, as browsers do).
pub struct Params<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> Params<'a> {
    pub fn parse(input: &'a [u8]) -> Self {
        Params(form_urlencoded::parse(input).collect())
    }

    fn all<'p>(&'p self, name: &'p str) -> impl Iterator<Item = &'p str> {
        self.0
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_ref())
    }
}

/// A rule turns accepted text into a typed value, or says why the text is refused.
pub trait Rule<T>: Fn(&str) -> Result<T, String> {}
impl<T, F: Fn(&str) -> Result<T, String>> Rule<T> for F {}

/// Collects the issues of one request, so that all of them are reported together.
#[derive(Default)]
pub struct Check {
    issues: Vec<Issue>,
}

impl Check {
    /// A scalar parameter that must be present. On failure the issue is recorded and a
    /// placeholder returned; `finish` then refuses the request.
    pub fn required<T: Default>(&mut self, params: &Params, name: &str, rule: impl Rule<T>) -> T {
        if params.all(name).next().is_none() {
            self.fail(name, "required");
            return T::default();
        }
        self.optional(params, name, rule).unwrap_or_default()
    }

    /// A scalar parameter: `None` when absent (or invalid, with the issue recorded).
    pub fn optional<T>(&mut self, params: &Params, name: &str, rule: impl Rule<T>) -> Option<T> {
        let mut values = params.all(name);
        let first = values.next()?;
        if values.next().is_some() {
            self.fail(name, "given more than once");
            return None;
        }
        self.value(name, first, rule)
    }

    /// A list parameter: every occurrence in order, at most `max_items`, each by `rule`.
    pub fn list<T>(
        &mut self,
        params: &Params,
        name: &str,
        max_items: usize,
        rule: impl Rule<T>,
    ) -> Vec<T> {
        let mut items = Vec::new();
        for text in params.all(name) {
            if items.len() == max_items {
                self.fail(name, format!("at most {max_items} items"));
                return Vec::new();
            }
            match self.value(name, text, &rule) {
                Some(item) => items.push(item),
                None => return Vec::new(),
            }
        }
        items
    }

    /// A single known value, such as a path parameter.
    pub fn param<T: Default>(&mut self, name: &str, text: &str, rule: impl Rule<T>) -> T {
        self.value(name, text, rule).unwrap_or_default()
    }

    fn value<T>(&mut self, name: &str, text: &str, rule: impl Rule<T>) -> Option<T> {
        rule(text).map_err(|message| self.fail(name, message)).ok()
    }

    pub fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.issues.push(Issue::at(name, message));
    }

    pub fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    pub fn extend(&mut self, issues: impl IntoIterator<Item = Issue>) {
        self.issues.extend(issues);
    }

    pub fn into_issues(self) -> Vec<Issue> {
        self.issues
    }

    /// 422 with every issue recorded, if there is any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.issues))
        }
    }
}

/// A string of `min..=max` Unicode code points.
pub fn string(min: usize, max: usize) -> impl Rule<String> {
    move |text: &str| {
        let length = text.chars().count();
        if length < min || length > max {
            return Err(format!("expected {min} to {max} characters"));
        }
        Ok(text.to_owned())
    }
}

/// A string of `min..=max` code points that also passes `test` (described by `pattern`).
pub fn matching(
    min: usize,
    max: usize,
    test: fn(&str) -> bool,
    pattern: &'static str,
) -> impl Rule<String> {
    let length = string(min, max);
    move |text: &str| {
        let text = length(text)?;
        if test(&text) {
            Ok(text)
        } else {
            Err(format!("expected {pattern}"))
        }
    }
}

/// A string that passes `test` (described by `pattern`), whatever its length.
pub fn pattern(test: fn(&str) -> bool, pattern: &'static str) -> impl Rule<String> {
    matching(0, usize::MAX, test, pattern)
}

/// `^-?[0-9]+$` within `min..=max`.
pub fn int(min: i64, max: i64) -> impl Rule<i64> {
    move |text: &str| {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !is_digits(digits) {
            return Err("expected an integer".to_owned());
        }
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("expected an integer from {min} to {max}")),
        }
    }
}

/// `^[0-9]+$` (no sign) within `min..=max`: the form of path integers.
pub fn digits(min: i64, max: i64) -> impl Rule<i64> {
    let range = int(min, max);
    move |text: &str| {
        if text.starts_with('-') {
            Err("expected decimal digits".to_owned())
        } else {
            range(text)
        }
    }
}

/// `^-?[0-9]+(\.[0-9]+)?$`, finite, within `min..=max`.
pub fn number(min: f64, max: f64) -> impl Rule<f64> {
    move |text: &str| {
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
        if !is_digits(whole) || !is_digits(fraction) {
            return Err("expected a number".to_owned());
        }
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= min && n <= max => Ok(n),
            _ => Err(format!("expected a number from {min} to {max}")),
        }
    }
}

/// Exactly `true` or `false`.
pub fn boolean(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

/// Exactly one of `options` (case-sensitive).
pub fn one_of(options: &'static [&'static str]) -> impl Rule<&'static str> {
    move |text: &str| {
        options
            .iter()
            .find(|option| **option == text)
            .copied()
            .ok_or_else(|| format!("expected one of {}", options.join(", ")))
    }
}

/// `YYYY-MM-DD` naming a real Gregorian date (`2024-02-29` yes, `2025-02-30` no).
pub fn date(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && text.is_ascii()
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && is_digits(&text[0..4])
        && is_digits(&text[5..7])
        && is_digits(&text[8..10]);
    if !shaped {
        return Err("expected a date YYYY-MM-DD".to_owned());
    }
    let (year, month, day): (u32, u32, u32) = (
        text[0..4].parse().unwrap(),
        text[5..7].parse().unwrap(),
        text[8..10].parse().unwrap(),
    );
    if year == 0 {
        return Err("not a calendar date".to_owned());
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if (1..=days).contains(&day) {
        Ok(text.to_owned())
    } else {
        Err("not a calendar date".to_owned())
    }
}

/// `8-4-4-4-12` hex digits in any case, and no other form; echoed in lowercase.
pub fn uuid(text: &str) -> Result<String, String> {
    let shaped = text.len() == 36
        && text.bytes().enumerate().all(|(i, byte)| match i {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        });
    if shaped {
        Ok(text.to_ascii_lowercase())
    } else {
        Err("expected a UUID".to_owned())
    }
}

/// `^[0-9]+$`
pub fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}
