//! db: the items list (seed 004), the recipes list with their ingredients, and TechEmpower's db
//! and queries tests. Parameters are Rocket guards of the contract's value types; the SQL, the
//! rows and the item body's rules are gauntlet-data's (`families::db`), reached through the
//! managed `Data`.

use gauntlet_data::Data;
use gauntlet_data::families::db::{self, Item, ItemList, NewItem, Recipes, World};
use rocket::form::{self, FromForm};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{State, get, post};
use serde_json::Value;

use crate::body::JsonBody;
use crate::error::{ApiError, refused};
use crate::values::{Digits, Int, Scalar};

/// `?limit&offset` of `GET /db/items`.
#[derive(FromForm)]
pub struct Page {
    #[field(default = Scalar(Int(20)))]
    limit: Scalar<Int<1, 100>>,
    #[field(default = Scalar(Int(0)))]
    offset: Scalar<Int<0, 100_000>>,
}

/// `GET /db/items?limit&offset`: limit 1…100 (default 20), offset 0…100,000 (default 0).
#[get("/db/items?<page..>")]
pub async fn list(
    data: &State<Data>,
    page: form::Result<'_, Page>,
) -> Result<Json<ItemList>, ApiError> {
    let Page {
        limit: Scalar(Int(limit)),
        offset: Scalar(Int(offset)),
    } = page?;
    Ok(Json(db::list(data.db()?, limit, offset).await?))
}

/// An item id: digits only, 1…2,147,483,647.
type ItemId = Digits<1, { i32::MAX as i64 }>;

/// `GET /db/items/<id>` → the item, or 404.
#[get("/db/items/<id>")]
pub async fn get_item(
    data: &State<Data>,
    id: Result<ItemId, String>,
) -> Result<Json<Item>, ApiError> {
    let Digits(id) = id.map_err(refused("id"))?;
    let id = i32::try_from(id).expect("within the checked range");
    Ok(Json(db::get_item(data.db()?, id).await?))
}

/// `POST /db/items` `{name, description, price, stock}` → 201 the inserted row.
#[post("/db/items", format = "json", data = "<body>")]
pub async fn create_item(
    data: &State<Data>,
    body: Result<JsonBody<Value>, ApiError>,
) -> Result<(Status, Json<Item>), ApiError> {
    let new = NewItem::validate(body?.0)?;
    let item = db::create_item(data.db()?, &new).await?;
    Ok((Status::Created, Json(item)))
}

/// `POST /db/items` with any other `Content-Type` (or none).
#[post("/db/items", rank = 2)]
pub fn create_item_wrong_type() -> ApiError {
    ApiError::UnsupportedMediaType("application/json")
}

/// `GET /db/random`: TechEmpower's db test, one random World row (`Server: Rocket`, as on
/// every response).
#[get("/db/random")]
pub async fn random(data: &State<Data>) -> Result<Json<World>, ApiError> {
    let world = db::worlds(data.db()?, 1).await?.pop().expect("one row");
    Ok(Json(world))
}

/// `GET /db/queries?n=`: TechEmpower's queries test, n random World rows. `n` is any text
/// (TechEmpower's rule turns whatever is not an integer into 1); Rocket's query parsing is
/// lenient, so a repeated `n` gives its first value.
#[get("/db/queries?<n>")]
pub async fn queries(data: &State<Data>, n: Option<&str>) -> Result<Json<Vec<World>>, ApiError> {
    let worlds = db::worlds(data.db()?, db::queries_param(n)).await?;
    Ok(Json(worlds))
}

/// `?limit` of `GET /api/v1/recipes`.
#[derive(FromForm)]
pub struct RecipesPage {
    #[field(default = Scalar(Int(10)))]
    limit: Scalar<Int<1, 50>>,
}

/// `GET /api/v1/recipes?limit` (1…50, default 10): the first recipes by id, each with its
/// ingredients in order.
#[get("/api/v1/recipes?<page..>")]
pub async fn recipes(
    data: &State<Data>,
    page: form::Result<'_, RecipesPage>,
) -> Result<Json<Recipes>, ApiError> {
    let RecipesPage {
        limit: Scalar(Int(limit)),
    } = page?;
    Ok(Json(db::recipes(data.db()?, limit).await?))
}
