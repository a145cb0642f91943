-- Gauntlet's data: the one schema every target uses (the Hono app, the Rust and Python baselines).
-- Idempotent: applied by scripts/services.sh `up`, and by the app itself on its embedded PGlite.
-- Only SQL that Postgres 15 and PGlite both run. docs/contract.md ("shortener and db") says what
-- each endpoint reads and writes.

-- /db/items: 10,000 seeded rows; POST /db/items appends.
CREATE TABLE IF NOT EXISTS items (
  id          serial PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL,
  price       numeric(10, 2) NOT NULL,
  stock       integer NOT NULL
);

-- /api/v1/recipes: 1,000 recipes with 5–12 ingredients each, listed in `position` order.
CREATE TABLE IF NOT EXISTS recipes (
  id       integer PRIMARY KEY,
  name     text NOT NULL,
  servings integer NOT NULL,
  minutes  integer NOT NULL
);

CREATE TABLE IF NOT EXISTS ingredients (
  recipe_id integer NOT NULL REFERENCES recipes (id),
  position  integer NOT NULL,
  name      text NOT NULL,
  amount    text NOT NULL,
  PRIMARY KEY (recipe_id, position)
);

-- The shortener: Postgres is the source of truth for codes and click counts.
CREATE TABLE IF NOT EXISTS urls (
  code       text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z]{7}$'),
  url        text NOT NULL,
  clicks     bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Click batches already added to urls.clicks: a batch is applied in the same transaction that
-- records its id here, so a batch retried after a lost reply is never counted twice.
CREATE TABLE IF NOT EXISTS click_batches (
  id         text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- TechEmpower's World table (their DDL leaves the column unquoted, so Postgres folds it to
-- `randomnumber`; the JSON key is `randomNumber`).
CREATE TABLE IF NOT EXISTS world (
  id           integer PRIMARY KEY,
  randomnumber integer NOT NULL
);
