//! query: query strings parsed, coerced, validated and echoed with every declared key
//! (`null` for an optional parameter without a default).

use axum::{Json, extract::RawQuery};
use serde::Serialize;

use crate::common::{
    error::ApiError,
    params::{self, Check, Params},
};

const SORTS: &[&str] = &["relevance", "price_asc", "price_desc", "newest", "rating"];
const ORDERS: &[&str] = &["asc", "desc"];
const COLORS: &[&str] = &["red", "green", "blue", "black", "white"];
const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "JPY"];

/// `GET /query/few` (3 parameters).
pub async fn few(RawQuery(query): RawQuery) -> Result<Json<Few>, ApiError> {
    let params = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let mut check = Check::default();
    let few = Few::read(&mut check, &params);
    check.finish()?;
    Ok(Json(few))
}

/// `GET /query/medium` (8 parameters).
pub async fn medium(RawQuery(query): RawQuery) -> Result<Json<Medium>, ApiError> {
    let params = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let mut check = Check::default();
    let medium = Medium::read(&mut check, &params);
    check.finish()?;
    Ok(Json(medium))
}

/// `GET /query/many` (17 parameters: repeated keys, booleans, enums, optionals).
pub async fn many(RawQuery(query): RawQuery) -> Result<Json<Many>, ApiError> {
    let params = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let mut check = Check::default();
    let many = Many::read(&mut check, &params);
    check.finish()?;
    Ok(Json(many))
}

#[derive(Serialize)]
pub struct Few {
    q: String,
    page: i64,
    limit: i64,
}

impl Few {
    fn read(check: &mut Check, params: &Params) -> Self {
        Few {
            q: check.required(params, "q", params::string(1, 256)),
            page: check
                .optional(params, "page", params::int(1, 10_000))
                .unwrap_or(1),
            limit: check
                .optional(params, "limit", params::int(1, 100))
                .unwrap_or(20),
        }
    }
}

#[derive(Serialize)]
pub struct Medium {
    #[serde(flatten)]
    few: Few,
    sort: &'static str,
    min_price: Option<f64>,
    max_price: Option<f64>,
    in_stock: Option<bool>,
    category: Option<String>,
}

impl Medium {
    fn read(check: &mut Check, params: &Params) -> Self {
        Medium {
            few: Few::read(check, params),
            sort: check
                .optional(params, "sort", params::one_of(SORTS))
                .unwrap_or("relevance"),
            min_price: check.optional(params, "min_price", params::number(0.0, 1_000_000.0)),
            max_price: check.optional(params, "max_price", params::number(0.0, 1_000_000.0)),
            in_stock: check.optional(params, "in_stock", params::boolean),
            category: check.optional(params, "category", params::string(1, 64)),
        }
    }
}

#[derive(Serialize)]
pub struct Many {
    #[serde(flatten)]
    medium: Medium,
    order: &'static str,
    brand: Vec<String>,
    tag: Vec<String>,
    color: Vec<&'static str>,
    rating_min: Option<i64>,
    currency: &'static str,
    include_variants: bool,
    since: Option<String>,
    lang: String,
}

impl Many {
    fn read(check: &mut Check, params: &Params) -> Self {
        Many {
            medium: Medium::read(check, params),
            order: check
                .optional(params, "order", params::one_of(ORDERS))
                .unwrap_or("desc"),
            brand: check.list(params, "brand", 20, params::string(1, 64)),
            tag: check.list(params, "tag", 20, params::string(1, 64)),
            color: check.list(params, "color", 20, params::one_of(COLORS)),
            rating_min: check.optional(params, "rating_min", params::int(1, 5)),
            currency: check
                .optional(params, "currency", params::one_of(CURRENCIES))
                .unwrap_or("USD"),
            include_variants: check
                .optional(params, "include_variants", params::boolean)
                .unwrap_or(false),
            since: check.optional(params, "since", params::date),
            lang: check
                .optional(
                    params,
                    "lang",
                    params::matching(2, 2, is_language, "two letters a-z"),
                )
                .unwrap_or_else(|| "en".to_owned()),
        }
    }
}

/// `^[a-z]{2}$` once the length is checked.
pub fn is_language(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_lowercase())
}
