//! db: the items list (seed 004), the recipes list with their ingredients (~3.5 KB per
//! response), and TechEmpower's db and queries tests. The parameters are checked here; the
//! SQL, the rows and the item body's rules are gauntlet-data's (`families::db`).

use axum::{
    Json,
    extract::{RawQuery, State},
    http::{StatusCode, header::SERVER},
};
use gauntlet_data::families::db::{self, Item, ItemList, NewItem, Recipes, World};

use crate::{
    common::{
        body::{JsonBytes, decode_json},
        error::ApiError,
        params::{self, Check, Params},
        path::PathParams,
    },
    state::AppState,
    workloads::basic::SERVER_NAME,
};

const MAX_OFFSET: i64 = 100_000;

/// `GET /db/items?limit&offset`: limit 1…100 (default 20), offset 0…100,000 (default 0).
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<ItemList>, ApiError> {
    let query = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let mut check = Check::default();
    let limit = check
        .optional(&query, "limit", params::int(1, 100))
        .unwrap_or(20);
    let offset = check
        .optional(&query, "offset", params::int(0, MAX_OFFSET))
        .unwrap_or(0);
    check.finish()?;
    Ok(Json(db::list(state.data.db()?, limit, offset).await?))
}

/// `GET /db/items/{id}`: id 1…2,147,483,647 in decimal digits → the item, or 404.
pub async fn get_item(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<Item>, ApiError> {
    let mut check = Check::default();
    let id = check.param("id", &id, params::digits(1, i32::MAX.into()));
    check.finish()?;
    let id = i32::try_from(id).expect("within the checked range");
    Ok(Json(db::get_item(state.data.db()?, id).await?))
}

/// `POST /db/items` `{name, description, price, stock}` → 201 the inserted row.
pub async fn create_item(
    State(state): State<AppState>,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let new = NewItem::validate(decode_json(&body)?)?;
    let item = db::create_item(state.data.db()?, &new).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// The `Server` header TechEmpower's verifier requires, as on /plaintext and /json.
type WithServer<T> = ([(axum::http::HeaderName, &'static str); 1], Json<T>);

/// `GET /db/random`: TechEmpower's db test, one random World row.
pub async fn random(State(state): State<AppState>) -> Result<WithServer<World>, ApiError> {
    let world = db::worlds(state.data.db()?, 1)
        .await?
        .pop()
        .expect("one row");
    Ok(([(SERVER, SERVER_NAME)], Json(world)))
}

/// `GET /db/queries?n=`: TechEmpower's queries test, n random World rows (n from the first `n`).
pub async fn queries(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<WithServer<Vec<World>>, ApiError> {
    let query = query.unwrap_or_default();
    let n = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "n")
        .map(|(_, value)| value);
    let n = db::queries_param(n.as_deref());
    let worlds = db::worlds(state.data.db()?, n).await?;
    Ok(([(SERVER, SERVER_NAME)], Json(worlds)))
}

/// `GET /api/v1/recipes?limit` (1…50, default 10): the first recipes by id, each with its
/// ingredients in order.
pub async fn recipes(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Recipes>, ApiError> {
    let query = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let mut check = Check::default();
    let limit = check
        .optional(&query, "limit", params::int(1, 50))
        .unwrap_or(10);
    check.finish()?;
    Ok(Json(db::recipes(state.data.db()?, limit).await?))
}
