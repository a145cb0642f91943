//! The contract's value rules (docs/contract.md, "Value rules") as Rocket guard types: each is a
//! `FromFormField` (query strings, form fields) and, where a path uses it, a `FromParam`.
//! Rocket's own field types are looser than the contract (`bool` takes `yes`/`on`, integers take
//! `+5`, enums match case-insensitively, a repeated scalar keeps its first value), hence these.

use rocket::form::{self, DataField, FromForm, FromFormField, Options, ValueField};
use serde::Serialize;

/// Turns accepted text into a typed value, or says why the text is refused.
pub trait Rule: Sized {
    fn parse(text: &str) -> Result<Self, String>;
}

/// `FromFormField` (and `FromParam`, refusing with the message) for `Rule` types.
macro_rules! guard {
    ($ty:ident $(<$(const $c:ident: $t:ty),+>)?) => {
        impl<'v $($(, const $c: $t)+)?> ::rocket::form::FromFormField<'v> for $ty $(<$($c),+>)? {
            fn from_value(
                field: ::rocket::form::ValueField<'v>,
            ) -> ::rocket::form::Result<'v, Self> {
                <Self as $crate::values::Rule>::parse(field.value)
                    .map_err(|message| ::rocket::form::Error::validation(message).into())
            }
        }

        impl<'a $($(, const $c: $t)+)?> ::rocket::request::FromParam<'a> for $ty $(<$($c),+>)? {
            type Error = String;

            fn from_param(param: &'a str) -> Result<Self, String> {
                <Self as $crate::values::Rule>::parse(param)
            }
        }
    };
}

/// A string of `MIN..=MAX` Unicode code points.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Text<const MIN: usize, const MAX: usize>(pub String);

impl<const MIN: usize, const MAX: usize> Rule for Text<MIN, MAX> {
    fn parse(text: &str) -> Result<Self, String> {
        let length = text.chars().count();
        if (MIN..=MAX).contains(&length) {
            Ok(Text(text.to_owned()))
        } else {
            Err(format!("expected {MIN} to {MAX} characters"))
        }
    }
}
guard!(Text<const MIN: usize, const MAX: usize>);

/// `^-?[0-9]+$` within `MIN..=MAX`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Int<const MIN: i64, const MAX: i64>(pub i64);

impl<const MIN: i64, const MAX: i64> Rule for Int<MIN, MAX> {
    fn parse(text: &str) -> Result<Self, String> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !is_digits(digits) {
            return Err("expected an integer".to_owned());
        }
        match text.parse::<i64>() {
            Ok(n) if (MIN..=MAX).contains(&n) => Ok(Int(n)),
            _ => Err(format!("expected an integer from {MIN} to {MAX}")),
        }
    }
}
guard!(Int<const MIN: i64, const MAX: i64>);

/// `^[0-9]+$` (no sign) within `MIN..=MAX`: the form of path integers.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Digits<const MIN: i64, const MAX: i64>(pub i64);

impl<const MIN: i64, const MAX: i64> Rule for Digits<MIN, MAX> {
    fn parse(text: &str) -> Result<Self, String> {
        if text.starts_with('-') {
            return Err("expected decimal digits".to_owned());
        }
        Int::<MIN, MAX>::parse(text).map(|Int(n)| Digits(n))
    }
}
guard!(Digits<const MIN: i64, const MAX: i64>);

/// `^-?[0-9]+(\.[0-9]+)?$`, finite, within `MIN..=MAX`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Number<const MIN: i64, const MAX: i64>(pub f64);

impl<const MIN: i64, const MAX: i64> Rule for Number<MIN, MAX> {
    fn parse(text: &str) -> Result<Self, String> {
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
        if !is_digits(whole) || !is_digits(fraction) {
            return Err("expected a number".to_owned());
        }
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= MIN as f64 && n <= MAX as f64 => Ok(Number(n)),
            _ => Err(format!("expected a number from {MIN} to {MAX}")),
        }
    }
}
guard!(Number<const MIN: i64, const MAX: i64>);

/// Exactly `true` or `false`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Bool(pub bool);

impl Rule for Bool {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "true" => Ok(Bool(true)),
            "false" => Ok(Bool(false)),
            _ => Err("expected true or false".to_owned()),
        }
    }
}
guard!(Bool);

/// `YYYY-MM-DD` naming a real Gregorian date (`2024-02-29` yes, `2025-02-30` no).
#[derive(Serialize)]
#[serde(transparent)]
pub struct Date(pub String);

impl Rule for Date {
    fn parse(text: &str) -> Result<Self, String> {
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
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        };
        if year > 0 && (1..=days).contains(&day) {
            Ok(Date(text.to_owned()))
        } else {
            Err("not a calendar date".to_owned())
        }
    }
}
guard!(Date);

/// `8-4-4-4-12` hex digits in any case, and no other form; kept in lowercase.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Uuid(pub String);

impl Rule for Uuid {
    fn parse(text: &str) -> Result<Self, String> {
        let shaped = text.len() == 36
            && text.bytes().enumerate().all(|(i, byte)| match i {
                8 | 13 | 18 | 23 => byte == b'-',
                _ => byte.is_ascii_hexdigit(),
            });
        if shaped {
            Ok(Uuid(text.to_ascii_lowercase()))
        } else {
            Err("expected a UUID".to_owned())
        }
    }
}
guard!(Uuid);
pub(crate) use guard;

/// A string type with a pattern: `$test` decides, `$what` describes it.
macro_rules! pattern {
    ($(#[$doc:meta])* $name:ident, $what:literal, $test:expr) => {
        $(#[$doc])*
        #[derive(Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl Rule for $name {
            fn parse(text: &str) -> Result<Self, String> {
                let test: fn(&str) -> bool = $test;
                if test(text) {
                    Ok($name(text.to_owned()))
                } else {
                    Err(concat!("expected ", $what).to_owned())
                }
            }
        }
        guard!($name);
    };
}

pattern!(
    /// `^[A-Za-z0-9_]+$`, 3…32 characters.
    Username,
    "3 to 32 of A-Z a-z 0-9 _",
    |text| (3..=32).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
);
pattern!(
    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`
    Email,
    "an email address",
    |text| {
        let Some((local, domain)) = text.split_once('@') else {
            return false;
        };
        let plain = |part: &str| {
            !part.is_empty() && !part.contains(|c: char| c == '@' || c.is_whitespace())
        };
        // Some dot with text on both sides: the regex backtracks to any such dot.
        let dotted = domain
            .match_indices('.')
            .any(|(at, _)| at > 0 && at + 1 < domain.len());
        plain(local) && plain(domain) && dotted
    }
);
pattern!(
    /// `^\+?[0-9 ()-]{6,20}$`
    Phone,
    r"\+?[0-9 ()-]{6,20}",
    |text| {
        let rest = text.strip_prefix('+').unwrap_or(text);
        (6..=20).contains(&rest.len()) && rest.bytes().all(|b| b"0123456789 ()-".contains(&b))
    }
);
pattern!(
    /// `^[A-Z]{2}$`
    Country,
    "two letters A-Z",
    |text| text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())
);
pattern!(
    /// `^[a-z]{2}$`
    Language,
    "two letters a-z",
    |text| text.len() == 2 && text.bytes().all(|b| b.is_ascii_lowercase())
);
pattern!(
    /// 1…2048 characters starting `http://` or `https://`.
    Website,
    "an http:// or https:// URL of at most 2048 characters",
    |text| (text.starts_with("http://") || text.starts_with("https://"))
        && text.chars().count() <= 2048
);

/// An enum of keywords matched exactly (Rocket's derived enums ignore case), echoed as given.
macro_rules! keywords {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, ::serde::Serialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $crate::values::Rule for $name {
            fn parse(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(concat!("expected one of" $(, " ", $text)+).to_owned()),
                }
            }
        }
        $crate::values::guard!($name);
    };
}
pub(crate) use keywords;

/// A scalar: a field given more than once is refused, where Rocket's lenient forms would keep
/// the first value. Absent, it is the field type's default if it has one (`Nullable`), else
/// missing; `#[field(default = …)]` on the struct field gives it another.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Scalar<T>(pub T);

pub struct ScalarContext<'v, T> {
    value: Option<form::Result<'v, T>>,
    pushes: usize,
}

#[rocket::async_trait]
impl<'v, T: FromFormField<'v>> FromForm<'v> for Scalar<T> {
    type Context = ScalarContext<'v, T>;

    fn init(_: Options) -> Self::Context {
        ScalarContext {
            value: None,
            pushes: 0,
        }
    }

    fn push_value(ctxt: &mut Self::Context, field: ValueField<'v>) {
        ctxt.pushes += 1;
        if ctxt.value.is_none() {
            ctxt.value = Some(T::from_value(field));
        }
    }

    async fn push_data(ctxt: &mut Self::Context, field: DataField<'v, '_>) {
        ctxt.pushes += 1;
        if ctxt.value.is_none() {
            ctxt.value = Some(T::from_data(field).await);
        }
    }

    fn finalize(ctxt: Self::Context) -> form::Result<'v, Self> {
        match ctxt.value {
            _ if ctxt.pushes > 1 => Err(form::error::ErrorKind::Duplicate.into()),
            Some(value) => value.map(Scalar),
            None => T::default()
                .map(Scalar)
                .ok_or_else(|| form::error::ErrorKind::Missing.into()),
        }
    }
}

/// An optional value without a default: `null` in the echo when absent. (Rocket's `Option<T>`
/// would also turn a value that fails its rule into `None`.)
#[derive(Serialize)]
#[serde(transparent)]
pub struct Nullable<T>(pub Option<T>);

#[rocket::async_trait]
impl<'v, T: FromFormField<'v>> FromFormField<'v> for Nullable<T> {
    fn from_value(field: ValueField<'v>) -> form::Result<'v, Self> {
        T::from_value(field).map(|value| Nullable(Some(value)))
    }

    fn default() -> Option<Self> {
        Some(Nullable(None))
    }
}

/// Validator for list fields: `#[field(validate = at_most(20))]` (Rocket's `len` would report
/// an over-long list as 413).
pub fn at_most<'v, T>(items: &[T], max: usize) -> form::Result<'v, ()> {
    if items.len() <= max {
        Ok(())
    } else {
        Err(form::Error::validation(format!("at most {max} values")).into())
    }
}

/// `^[0-9]+$`
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}
