"""Every SQL statement a Python target may send per request: the text of contract/sql.ts, which a
test compares with what Postgres saw (pg_stat_statements)."""

ITEM = "id, name, description, price::float8 AS price, stock"

PING = "SELECT 1"
SELECT_ITEMS = f"SELECT {ITEM} FROM items ORDER BY id LIMIT $1 OFFSET $2"
SELECT_ITEM = f"SELECT {ITEM} FROM items WHERE id = $1"
INSERT_ITEM = f"INSERT INTO items (name, description, price, stock) VALUES ($1, $2, $3, $4) RETURNING {ITEM}"
SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = $1"
SELECT_RECIPES = (
    "SELECT r.id, r.name, r.servings, r.minutes, i.name AS ingredient, i.amount "
    "FROM (SELECT id, name, servings, minutes FROM recipes ORDER BY id LIMIT $1) AS r "
    "JOIN ingredients AS i ON i.recipe_id = r.id ORDER BY r.id, i.position"
)
INSERT_URL = "INSERT INTO urls (code, url) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING code"
SELECT_URL = "SELECT url FROM urls WHERE code = $1"
SELECT_STATS = "SELECT code, url, clicks FROM urls WHERE code = $1"
COUNT_ONE_CLICK = "UPDATE urls SET clicks = clicks + 1 WHERE code = $1"
RECORD_BATCH = "INSERT INTO click_batches (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id"
ADD_BATCH = (
    "UPDATE urls AS u SET clicks = u.clicks + v.value::bigint "
    "FROM jsonb_each_text($1::text::jsonb) AS v WHERE u.code = v.key"
)
PRUNE_BATCHES = "DELETE FROM click_batches WHERE applied_at < now() - interval '1 day'"
