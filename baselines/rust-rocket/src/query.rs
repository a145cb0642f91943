//! query: query strings parsed by Rocket into `FromForm` structs of the contract's value types,
//! echoed with every declared key (`null` for an optional parameter without a default).

use rocket::form::{self, FromForm};
use rocket::get;
use rocket::serde::json::Json;
use serde::Serialize;

use crate::error::ApiError;
use crate::values::{Bool, Date, Int, Language, Nullable, Number, Scalar, Text, at_most, keywords};

keywords!(Sort {
    Relevance = "relevance",
    PriceAsc = "price_asc",
    PriceDesc = "price_desc",
    Newest = "newest",
    Rating = "rating",
});
keywords!(Order {
    Asc = "asc",
    Desc = "desc"
});
keywords!(Color {
    Red = "red",
    Green = "green",
    Blue = "blue",
    Black = "black",
    White = "white",
});
keywords!(Currency {
    Usd = "USD",
    Eur = "EUR",
    Gbp = "GBP",
    Jpy = "JPY",
});

/// 3 parameters.
#[derive(FromForm, Serialize)]
pub struct Few {
    q: Scalar<Text<1, 256>>,
    #[field(default = Scalar(Int(1)))]
    page: Scalar<Int<1, 10_000>>,
    #[field(default = Scalar(Int(20)))]
    limit: Scalar<Int<1, 100>>,
}

/// 8 parameters.
#[derive(FromForm, Serialize)]
pub struct Medium {
    q: Scalar<Text<1, 256>>,
    #[field(default = Scalar(Int(1)))]
    page: Scalar<Int<1, 10_000>>,
    #[field(default = Scalar(Int(20)))]
    limit: Scalar<Int<1, 100>>,
    #[field(default = Scalar(Sort::Relevance))]
    sort: Scalar<Sort>,
    min_price: Scalar<Nullable<Number<0, 1_000_000>>>,
    max_price: Scalar<Nullable<Number<0, 1_000_000>>>,
    in_stock: Scalar<Nullable<Bool>>,
    category: Scalar<Nullable<Text<1, 64>>>,
}

/// 17 parameters: repeated keys, booleans, enums, optionals.
#[derive(FromForm, Serialize)]
pub struct Many {
    q: Scalar<Text<1, 256>>,
    #[field(default = Scalar(Int(1)))]
    page: Scalar<Int<1, 10_000>>,
    #[field(default = Scalar(Int(20)))]
    limit: Scalar<Int<1, 100>>,
    #[field(default = Scalar(Sort::Relevance))]
    sort: Scalar<Sort>,
    min_price: Scalar<Nullable<Number<0, 1_000_000>>>,
    max_price: Scalar<Nullable<Number<0, 1_000_000>>>,
    in_stock: Scalar<Nullable<Bool>>,
    category: Scalar<Nullable<Text<1, 64>>>,
    #[field(default = Scalar(Order::Desc))]
    order: Scalar<Order>,
    #[field(validate = at_most(20))]
    brand: Vec<Text<1, 64>>,
    #[field(validate = at_most(20))]
    tag: Vec<Text<1, 64>>,
    #[field(validate = at_most(20))]
    color: Vec<Color>,
    rating_min: Scalar<Nullable<Int<1, 5>>>,
    #[field(default = Scalar(Currency::Usd))]
    currency: Scalar<Currency>,
    #[field(default = Scalar(Bool(false)))]
    include_variants: Scalar<Bool>,
    since: Scalar<Nullable<Date>>,
    #[field(default = Scalar(Language("en".to_owned())))]
    lang: Scalar<Language>,
}

/// `GET /query/few?q&page&limit`
#[get("/query/few?<query..>")]
pub fn few(query: form::Result<'_, Few>) -> Result<Json<Few>, ApiError> {
    Ok(Json(query?))
}

/// `GET /query/medium?…` (8 parameters).
#[get("/query/medium?<query..>")]
pub fn medium(query: form::Result<'_, Medium>) -> Result<Json<Medium>, ApiError> {
    Ok(Json(query?))
}

/// `GET /query/many?…` (17 parameters).
#[get("/query/many?<query..>")]
pub fn many(query: form::Result<'_, Many>) -> Result<Json<Many>, ApiError> {
    Ok(Json(query?))
}
