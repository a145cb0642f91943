//! json: bodies validated against the schemas the fixtures `workloads/json/*.json` define by
//! example. Every key is required with the fixture's JSON type; unknown keys are dropped.

use std::fmt;

use rocket::post;
use rocket::serde::json::Json;
use serde::{
    Deserialize, Deserializer, Serialize,
    de::{self, Unexpected, Visitor},
};

use crate::body::JsonBody;
use crate::error::ApiError;
use crate::values::keywords;

/// `POST /json/small` (~90 B).
#[post("/json/small", format = "json", data = "<body>")]
pub fn small(body: Result<JsonBody<Small>, ApiError>) -> Result<Json<Small>, ApiError> {
    Ok(Json(body?.0))
}

/// `POST /json/medium` (~1.4 KB).
#[post("/json/medium", format = "json", data = "<body>")]
pub fn medium(body: Result<JsonBody<Order>, ApiError>) -> Result<Json<Order>, ApiError> {
    Ok(Json(body?.0))
}

/// `POST /json/large` (~15 KB).
#[post("/json/large", format = "json", data = "<body>")]
pub fn large(body: Result<JsonBody<ProductPage>, ApiError>) -> Result<Json<ProductPage>, ApiError> {
    Ok(Json(body?.0))
}

keywords!(
    /// The three JSON endpoints, as a path segment (anything else is not a route: 404).
    Size { Small = "small", Medium = "medium", Large = "large" }
);

/// `POST /json/small|medium|large` with any other `Content-Type` (or none).
#[post("/json/<_size>", rank = 2)]
pub fn wrong_type(_size: Size) -> ApiError {
    ApiError::UnsupportedMediaType("application/json")
}

#[derive(Deserialize, Serialize)]
pub struct Small {
    id: Integer,
    name: String,
    price: f64,
    in_stock: bool,
    tags: Vec<String>,
}

#[derive(Deserialize, Serialize)]
pub struct Order {
    order_id: String,
    status: String,
    currency: String,
    paid: bool,
    created_at: String,
    customer: Customer,
    items: Vec<Item>,
    shipping: Shipping,
    notes: String,
    total: f64,
}

#[derive(Deserialize, Serialize)]
struct Customer {
    id: Integer,
    name: String,
    email: String,
    vip: bool,
    address: Address,
}

#[derive(Deserialize, Serialize)]
struct Address {
    street: String,
    city: String,
    postcode: String,
    country: String,
}

#[derive(Deserialize, Serialize)]
struct Item {
    sku: String,
    name: String,
    quantity: Integer,
    unit_price: f64,
    gift: bool,
}

#[derive(Deserialize, Serialize)]
struct Shipping {
    method: String,
    cost: f64,
    tracking: String,
    eta_days: Integer,
}

#[derive(Deserialize, Serialize)]
pub struct ProductPage {
    page: Integer,
    page_size: Integer,
    total_count: Integer,
    generated_at: String,
    products: Vec<Product>,
}

#[derive(Deserialize, Serialize)]
struct Product {
    id: Integer,
    sku: String,
    name: String,
    description: String,
    price: f64,
    currency: String,
    in_stock: bool,
    rating: f64,
    tags: Vec<String>,
    dimensions: Dimensions,
    variants: Vec<Variant>,
}

#[derive(Deserialize, Serialize)]
struct Dimensions {
    width: f64,
    height: f64,
    depth: f64,
}

#[derive(Deserialize, Serialize)]
struct Variant {
    sku: String,
    color: String,
    size: String,
    stock: Integer,
}

/// A JSON integer: any integral number (`5`, and `5.0`, which is the same number) within
/// ±(2^53 − 1), the range in which every runtime's JSON numbers are exact.
#[derive(Clone, Copy, Serialize)]
#[serde(transparent)]
struct Integer(i64);

const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntegerVisitor)
    }
}

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = Integer;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Integer, E> {
        if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n) {
            Ok(Integer(n))
        } else {
            Err(E::invalid_value(Unexpected::Signed(n), &"a safe integer"))
        }
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Integer, E> {
        match i64::try_from(n) {
            Ok(n) => self.visit_i64(n),
            Err(_) => Err(E::invalid_value(Unexpected::Unsigned(n), &"a safe integer")),
        }
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Integer, E> {
        if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER as f64 {
            Ok(Integer(n as i64))
        } else {
            Err(E::invalid_type(Unexpected::Float(n), &self))
        }
    }
}
