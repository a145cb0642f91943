//! db: parameterised SQL through the pool — the items list (seed 004), the recipes list with
//! their ingredients (~3.5 KB per response), and TechEmpower's db and queries tests. The
//! target checks the query and path parameters (limit, offset, id: its framework's value
//! rules); the JSON body of `POST /db/items` is checked here (`NewItem::validate`).

use futures_util::future::try_join_all;
use rand::Rng;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use tokio_postgres::{Row, types::Type};

use crate::{
    DataError, Error, Issue,
    db::{Db, classify, column},
};

/// `ITEM` of docs/contract.md: the columns of an item, price as float8 (a JSON number).
macro_rules! item_columns {
    () => {
        "id, name, description, price::float8 AS price, stock"
    };
}

const SELECT_ITEMS_SQL: &str = concat!(
    "SELECT ",
    item_columns!(),
    " FROM items ORDER BY id LIMIT $1 OFFSET $2"
);
const SELECT_ITEM_SQL: &str = concat!("SELECT ", item_columns!(), " FROM items WHERE id = $1");
const INSERT_ITEM_SQL: &str = concat!(
    "INSERT INTO items (name, description, price, stock) VALUES ($1, $2, $3, $4) RETURNING ",
    item_columns!()
);
const SELECT_WORLD_SQL: &str = "SELECT id, randomnumber FROM world WHERE id = $1";
const SELECT_RECIPES_SQL: &str = "SELECT r.id, r.name, r.servings, r.minutes, i.name AS ingredient, i.amount \
     FROM (SELECT id, name, servings, minutes FROM recipes ORDER BY id LIMIT $1) AS r \
     JOIN ingredients AS i ON i.recipe_id = r.id ORDER BY r.id, i.position";

const WORLD_ROWS: i32 = 10_000;
const MAX_QUERIES: usize = 500;

#[derive(Serialize)]
pub struct Item {
    id: i32,
    name: String,
    description: String,
    #[serde(serialize_with = "number")]
    price: f64,
    stock: i32,
}

/// A whole number of dollars as a JSON integer (`693`, as the other targets write it), any
/// other price as the shortest decimal that reads back the same (`80.19`).
fn number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

fn item(row: &Row) -> Result<Item, DataError> {
    Ok(Item {
        id: column(row, 0)?,
        name: column(row, 1)?,
        description: column(row, 2)?,
        price: column(row, 3)?,
        stock: column(row, 4)?,
    })
}

#[derive(Serialize)]
pub struct ItemList {
    items: Vec<Item>,
    limit: i64,
    offset: i64,
}

/// `GET /db/items?limit&offset` (limit 1…100, default 20; offset 0…100,000, default 0: checked
/// by the target).
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<ItemList, Error> {
    let rows = db.query(SELECT_ITEMS_SQL, &[&limit, &offset]).await?;
    let items = rows.iter().map(item).collect::<Result<_, _>>()?;
    Ok(ItemList {
        items,
        limit,
        offset,
    })
}

/// `GET /db/items/{id}` (1…2,147,483,647, checked by the target) → the item, or 404.
pub async fn get_item(db: &Db, id: i32) -> Result<Item, Error> {
    let rows = db.query(SELECT_ITEM_SQL, &[&id]).await?;
    let row = rows.first().ok_or(Error::NotFound)?;
    Ok(item(row)?)
}

/// `POST /db/items` with a valid body → the inserted row (201).
pub async fn create_item(db: &Db, new: &NewItem) -> Result<Item, Error> {
    // `$3` is sent as float8 (Postgres casts it to the column's numeric(10, 2) exactly: a price
    // has at most two decimals, so its 15-digit decimal form is the price itself).
    let rows = db
        .query_typed(
            INSERT_ITEM_SQL,
            &[Type::TEXT, Type::TEXT, Type::FLOAT8, Type::INT4],
            &[&new.name, &new.description, &new.price, &new.stock],
        )
        .await?;
    let row = rows
        .first()
        .ok_or_else(|| Error::Internal("INSERT … RETURNING gave no row".to_owned()))?;
    Ok(item(row)?)
}

/// The body of `POST /db/items`, validated.
pub struct NewItem {
    name: String,
    description: String,
    price: f64,
    stock: i32,
}

impl NewItem {
    /// name 1…200 and description 0…2,000 code points; price 0…1,000,000 in whole cents;
    /// stock an integer 0…2,147,483,647; every issue reported together.
    pub fn validate(body: Value) -> Result<NewItem, Error> {
        let Value::Object(mut body) = body else {
            return Err(Error::Invalid(vec![Issue::body("expected an object")]));
        };
        let mut check = Check::default();
        let name = text(&mut check, &mut body, "name", 1, 200);
        let description = text(&mut check, &mut body, "description", 0, 2000);
        let price = match body.get("price") {
            None => fail(&mut check, "price", "required"),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(p) if !(0.0..=1_000_000.0).contains(&p) => {
                    fail(&mut check, "price", "expected a number from 0 to 1000000")
                }
                Some(p) if (p * 100.0).round() / 100.0 != p => {
                    fail(&mut check, "price", "expected at most two decimal places")
                }
                Some(p) => Some(p),
                None => fail(&mut check, "price", "expected a number"),
            },
            Some(_) => fail(&mut check, "price", "expected a number"),
        };
        let stock = match body.get("stock") {
            None => fail(&mut check, "stock", "required"),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(s) if s.fract() != 0.0 => fail(&mut check, "stock", "expected an integer"),
                Some(s) if !(0.0..=f64::from(i32::MAX)).contains(&s) => fail(
                    &mut check,
                    "stock",
                    "expected an integer from 0 to 2147483647",
                ),
                Some(s) => Some(s as i32),
                None => fail(&mut check, "stock", "expected an integer"),
            },
            Some(_) => fail(&mut check, "stock", "expected an integer"),
        };
        check.finish()?;
        Ok(NewItem {
            name: name.expect("checked"),
            description: description.expect("checked"),
            price: price.expect("checked"),
            stock: stock.expect("checked"),
        })
    }
}

/// The issues of one body, all reported together.
#[derive(Default)]
struct Check {
    issues: Vec<Issue>,
}

impl Check {
    fn fail(&mut self, field: &'static str, message: &str) {
        self.issues.push(Issue::at(field, message));
    }

    fn finish(self) -> Result<(), Error> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.issues))
        }
    }
}

fn fail<T>(check: &mut Check, name: &'static str, message: &str) -> Option<T> {
    check.fail(name, message);
    None
}

/// A string field of `min..=max` code points.
fn text(
    check: &mut Check,
    body: &mut Map<String, Value>,
    name: &'static str,
    min: usize,
    max: usize,
) -> Option<String> {
    match body.remove(name) {
        None => fail(check, name, "required"),
        Some(Value::String(text)) => {
            if (min..=max).contains(&text.chars().count()) {
                Some(text)
            } else {
                fail(check, name, &format!("expected {min} to {max} characters"))
            }
        }
        Some(_) => fail(check, name, "expected a string"),
    }
}

#[derive(Serialize)]
pub struct World {
    id: i32,
    #[serde(rename = "randomNumber")]
    random_number: i32,
}

/// `count` ids uniform in 1…10,000.
fn random_ids(count: usize) -> Vec<i32> {
    let mut rng = rand::rng();
    (0..count)
        .map(|_| rng.random_range(1..=WORLD_ROWS))
        .collect()
}

/// `n` World rows (`GET /db/random`: 1; `GET /db/queries`: `queries_count`), each read by its
/// own execution of the prepared statement, pipelined on one pooled connection.
pub async fn worlds(db: &Db, n: usize) -> Result<Vec<World>, Error> {
    let ids = random_ids(n);
    let client = db.client().await?;
    let statement = client
        .prepare_cached(SELECT_WORLD_SQL)
        .await
        .map_err(|err| classify(&err))?;
    let reads = ids.iter().map(|id| {
        let (client, statement) = (&client, &statement);
        async move {
            let row = client
                .query_one(statement, &[id])
                .await
                .map_err(|err| classify(&err))?;
            Ok::<_, DataError>(World {
                id: column(&row, 0)?,
                random_number: column(&row, 1)?,
            })
        }
    });
    Ok(try_join_all(reads).await?)
}

/// `n` of `GET /db/queries?n=` from the first `n` parameter's text (`None`: no `n`).
pub fn queries_param(text: Option<&str>) -> usize {
    text.map_or(1, queries_count)
}

/// TechEmpower's rule: an integer (any size) clamped to 1…500; anything else is 1.
pub fn queries_count(text: &str) -> usize {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return 1;
    }
    if negative {
        return 1; // ≤ 0
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 3 {
        return MAX_QUERIES;
    }
    significant
        .parse::<usize>()
        .unwrap_or(0)
        .clamp(1, MAX_QUERIES)
}

#[derive(Serialize)]
pub struct Ingredient {
    name: String,
    amount: String,
}

#[derive(Serialize)]
pub struct Recipe {
    id: i32,
    name: String,
    servings: i32,
    minutes: i32,
    ingredients: Vec<Ingredient>,
}

#[derive(Serialize)]
pub struct Recipes {
    recipes: Vec<Recipe>,
}

/// `GET /api/v1/recipes?limit` (1…50, default 10: checked by the target): the first recipes by
/// id, each with its ingredients in order — one join, folded here.
pub async fn recipes(db: &Db, limit: i64) -> Result<Recipes, Error> {
    let rows = db.query(SELECT_RECIPES_SQL, &[&limit]).await?;
    let mut recipes: Vec<Recipe> = Vec::new();
    for row in &rows {
        let id: i32 = column(row, 0)?;
        if recipes.last().is_none_or(|recipe| recipe.id != id) {
            recipes.push(Recipe {
                id,
                name: column(row, 1)?,
                servings: column(row, 2)?,
                minutes: column(row, 3)?,
                ingredients: Vec::new(),
            });
        }
        let recipe = recipes.last_mut().expect("pushed above");
        recipe.ingredients.push(Ingredient {
            name: column(row, 4)?,
            amount: column(row, 5)?,
        });
    }
    Ok(Recipes { recipes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Segment;

    #[test]
    fn statements_are_the_contracts() {
        assert_eq!(
            SELECT_ITEMS_SQL,
            "SELECT id, name, description, price::float8 AS price, stock FROM items ORDER BY id LIMIT $1 OFFSET $2"
        );
        assert_eq!(
            INSERT_ITEM_SQL,
            "INSERT INTO items (name, description, price, stock) VALUES ($1, $2, $3, $4) RETURNING id, name, description, price::float8 AS price, stock"
        );
        assert_eq!(
            SELECT_RECIPES_SQL,
            "SELECT r.id, r.name, r.servings, r.minutes, i.name AS ingredient, i.amount FROM (SELECT id, name, servings, minutes FROM recipes ORDER BY id LIMIT $1) AS r JOIN ingredients AS i ON i.recipe_id = r.id ORDER BY r.id, i.position"
        );
    }

    #[test]
    fn techempower_query_counts() {
        for (text, n) in [
            ("20", 20),
            ("1", 1),
            ("500", 500),
            ("501", 500),
            ("100000000000000000000", 500),
            ("0", 1),
            ("-5", 1),
            ("-0", 1),
            ("foo", 1),
            ("2.5", 1),
            ("", 1),
            ("12abc", 1),
            ("007", 7),
        ] {
            assert_eq!(queries_count(text), n, "{text:?}");
        }
    }

    #[test]
    fn statements_are_the_contracts_too() {
        assert_eq!(
            SELECT_ITEM_SQL,
            "SELECT id, name, description, price::float8 AS price, stock FROM items WHERE id = $1"
        );
        assert_eq!(
            SELECT_WORLD_SQL,
            "SELECT id, randomnumber FROM world WHERE id = $1"
        );
    }

    #[test]
    fn missing_n_is_one() {
        assert_eq!(queries_param(None), 1);
        assert_eq!(queries_param(Some("20")), 20);
    }

    #[test]
    fn random_ids_are_world_ids() {
        let ids = random_ids(1000);
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| (1..=WORLD_ROWS).contains(id)));
    }

    fn issues(body: Value) -> Vec<Issue> {
        match NewItem::validate(body) {
            Err(Error::Invalid(issues)) => issues,
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn new_items() {
        let item = NewItem::validate(serde_json::json!({
            "name": "Mug", "description": "", "price": 80.19, "stock": 5.0, "extra": true
        }))
        .expect("valid");
        assert_eq!(
            (
                item.name.as_str(),
                item.description.as_str(),
                item.price,
                item.stock
            ),
            ("Mug", "", 80.19, 5)
        );
        assert_eq!(
            issues(serde_json::json!("x")),
            [Issue::body("expected an object")]
        );
        // Every issue together, in the fields' order.
        let all = issues(serde_json::json!({
            "name": "", "description": 1, "price": 1.005, "stock": -1
        }));
        assert_eq!(
            all.iter().map(|issue| &issue.path).collect::<Vec<_>>(),
            ["name", "description", "price", "stock"]
                .map(|field| vec![Segment::Key(field.to_owned())])
                .iter()
                .collect::<Vec<_>>()
        );
        let missing = issues(serde_json::json!({}));
        assert!(missing.iter().all(|issue| issue.message == "required"));
        assert_eq!(missing.len(), 4);
        for (body, field) in [
            (
                serde_json::json!({"name": "a", "description": "", "price": 1_000_000.01, "stock": 0}),
                "price",
            ),
            (
                serde_json::json!({"name": "a", "description": "", "price": "1", "stock": 0}),
                "price",
            ),
            (
                serde_json::json!({"name": "a", "description": "", "price": 1, "stock": 2147483648_i64}),
                "stock",
            ),
            (
                serde_json::json!({"name": "a", "description": "", "price": 1, "stock": 1.5}),
                "stock",
            ),
            (
                serde_json::json!({"name": "a".repeat(201), "description": "", "price": 1, "stock": 0}),
                "name",
            ),
            (
                serde_json::json!({"name": "a", "description": "é".repeat(2001), "price": 1, "stock": 0}),
                "description",
            ),
        ] {
            let found = issues(body);
            assert_eq!(found.len(), 1, "{field}");
            assert_eq!(found[0].path, [Segment::Key(field.to_owned())]);
        }
        // Code points, not bytes: 200 of a two-byte character is a valid name.
        assert!(
            NewItem::validate(serde_json::json!({
                "name": "é".repeat(200), "description": "", "price": 0, "stock": 0
            }))
            .is_ok()
        );
    }

    #[test]
    fn prices_are_json_numbers() {
        let json = |price| {
            serde_json::to_string(&Item {
                id: 1,
                name: String::new(),
                description: String::new(),
                price,
                stock: 0,
            })
            .unwrap()
        };
        assert!(json(80.19).contains(r#""price":80.19,"#));
        assert!(json(693.0).contains(r#""price":693,"#));
    }
}
