/**
 * Every SQL statement a target may send per request (docs/contract.md, "shortener and db"): the
 * Hono app sends exactly these strings, the baselines the same text in their languages, and a
 * test reads Postgres' pg_stat_statements to check that nothing else goes out per request.
 */

const ITEM = 'id, name, description, price::float8 AS price, stock';

export const SQL = {
  /** `/health`'s reachability probe. */
  ping: 'SELECT 1',
  selectItems: `SELECT ${ITEM} FROM items ORDER BY id LIMIT $1 OFFSET $2`,
  selectItem: `SELECT ${ITEM} FROM items WHERE id = $1`,
  insertItem: `INSERT INTO items (name, description, price, stock) VALUES ($1, $2, $3, $4) RETURNING ${ITEM}`,
  selectWorld: 'SELECT id, randomnumber FROM world WHERE id = $1',
  selectRecipes: 'SELECT r.id, r.name, r.servings, r.minutes, i.name AS ingredient, i.amount ' +
    'FROM (SELECT id, name, servings, minutes FROM recipes ORDER BY id LIMIT $1) AS r ' +
    'JOIN ingredients AS i ON i.recipe_id = r.id ORDER BY r.id, i.position',
  insertUrl: 'INSERT INTO urls (code, url) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING code',
  selectUrl: 'SELECT url FROM urls WHERE code = $1',
  selectStats: 'SELECT code, url, clicks FROM urls WHERE code = $1',
  countOneClick: 'UPDATE urls SET clicks = clicks + 1 WHERE code = $1',
  recordBatch: 'INSERT INTO click_batches (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id',
  addBatch: 'UPDATE urls AS u SET clicks = u.clicks + v.value::bigint ' +
    'FROM jsonb_each_text($1::text::jsonb) AS v WHERE u.code = v.key',
  pruneBatches: "DELETE FROM click_batches WHERE applied_at < now() - interval '1 day'",
} as const;

/**
 * A statement in a form that compares across clients and with pg_stat_statements, which writes
 * every parameter and constant as `$n`: constants and parameters become `$`, lower case, no
 * spaces around punctuation or trailing semicolon.
 */
export const normaliseSql = (text: string): string =>
  text.trim().replace(/;$/, '')
    .replace(/'(?:[^']|'')*'/g, '$').replace(/\$\d+/g, '$').replace(/\b\d+(?:\.\d+)?\b/g, '$')
    .replace(/\s+/g, ' ').replace(/\s*([(),=<>+-])\s*/g, '$1').toLowerCase();
