import assert from 'node:assert/strict';
import { assertError, assertJson, type Case, fixtureText, get, postJson, request } from '../../conformance/harness.ts';

const needs: Case['needs'] = ['db'];

/** Rows of src/data/seed.sql, exactly as every target must return them. */
const ITEM_1 = {
  id: 1,
  name: 'Compact mug 1',
  description: 'Seed item 1, batch 2: c4ca4238a0b923820dcc509a6f75849b',
  price: 80.19,
  stock: 729,
};
const ITEM_10000 = {
  id: 10000,
  name: 'Classic chair 10000',
  description: 'Seed item 10000, batch 10: b7a782741f667201b54880c925faec4b',
  price: 693,
  stock: 0,
};
const RECIPE_1 = {
  id: 1,
  name: 'Quick lentil soup 1',
  servings: 2,
  minutes: 47,
  ingredients: [
    { name: 'paprika', amount: '250 g' },
    { name: 'butter', amount: '1' },
    { name: 'cream', amount: '100 g' },
    { name: 'rice', amount: '3' },
    { name: 'ginger', amount: '2 tbsp' },
    { name: 'spinach', amount: '1 pinch' },
    { name: 'onion', amount: '1 tsp' },
    { name: 'cumin', amount: '200 ml' },
  ],
};
/** The seed's World rows: randomNumber = 1 + (7919 id + 4973) mod 10,000. */
const worldNumber = (id: number): number => 1 + (id * 7919 + 4973) % 10000;
/** The seed's ingredient count of recipe r: 5 + (7r + 4) mod 8. */
const ingredientCount = (r: number): number => 5 + (r * 7 + 4) % 8;

type World = { id: number; randomNumber: number };

function assertWorld(row: World): void {
  assert.deepEqual(Object.keys(row).sort(), ['id', 'randomNumber']);
  assert.ok(Number.isInteger(row.id) && row.id >= 1 && row.id <= 10000, `id ${row.id}`);
  assert.equal(row.randomNumber, worldNumber(row.id), `randomNumber of World ${row.id}`);
}

const item = JSON.parse(fixtureText('db/item.json'));
const ids = (body: unknown) => (body as { items: { id: number }[] }).items.map((i) => i.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const cases: Case[] = [
  ...['/db/random', '/db/queries?n=5'].map((path): Case => ({
    name: `GET ${path} carries Server, Date, Content-Type and a length (TechEmpower's header checks)`,
    needs,
    wire: true,
    async run(ctx) {
      const reply = await get(ctx, path);
      assert.equal(reply.status, 200, reply.text.slice(0, 200));
      for (const header of ['server', 'date', 'content-type']) {
        assert.ok(reply.headers.get(header), `${header} header present`);
      }
      assert.match(reply.headers.get('content-type')!, /^application\/json/i);
      const length = reply.headers.get('content-length');
      if (length !== null) assert.equal(Number(length), new TextEncoder().encode(reply.text).length);
      else assert.match(reply.headers.get('transfer-encoding') ?? '', /chunked/i, 'Content-Length or chunked');
    },
  })),
  {
    name: 'db: GET /db/items defaults to the first 20 items by id',
    needs,
    async run(ctx) {
      const reply = await get(ctx, '/db/items');
      assert.equal(reply.status, 200, reply.text.slice(0, 200));
      const body = reply.json() as { items: unknown[]; limit: number; offset: number };
      assert.equal(body.limit, 20);
      assert.equal(body.offset, 0);
      assert.deepEqual(ids(body), range(1, 20));
      assert.deepEqual(body.items[0], ITEM_1);
    },
  },
  {
    name: 'db: limit and offset page through the seeded items (limit 100, offsets up to 100,000)',
    needs,
    async run(ctx) {
      const last = (await get(ctx, '/db/items?limit=20&offset=9980')).json() as { items: unknown[] };
      assert.deepEqual(ids(last), range(9981, 10000));
      assert.deepEqual(last.items.at(-1), ITEM_10000);
      assert.deepEqual(ids((await get(ctx, '/db/items?limit=100&offset=50')).json()), range(51, 150));
      const far = await get(ctx, '/db/items?offset=100000&limit=1');
      assert.equal(far.status, 200);
      assert.deepEqual(far.json(), { items: [], limit: 1, offset: 100000 });
    },
  },
  ...([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=100001', 'offset'],
    ['offset=1e3', 'offset'],
  ] as const).map(([qs, param]): Case => ({
    name: `db: GET /db/items?${qs} → 422 at ["${param}"]`,
    needs,
    run: async (ctx) => assertError(await get(ctx, `/db/items?${qs}`), 422, 'validation_failed', [param]),
  })),
  {
    name: 'db: GET /db/items/{id} → the row; an id with no row → 404; a bad id → 422 at ["id"]',
    needs,
    async run(ctx) {
      assertJson(await get(ctx, '/db/items/1'), 200, ITEM_1);
      assertError(await get(ctx, '/db/items/2147483647'), 404, 'not_found');
      for (const bad of ['0', 'abc', '-1', '1.5', '2147483648', '%201']) {
        assertError(await get(ctx, `/db/items/${bad}`), 422, 'validation_failed', ['id']);
      }
    },
  },
  {
    name: 'db: POST /db/items inserts the validated row → 201, then GET returns it',
    needs,
    async run(ctx) {
      const reply = await postJson(ctx, '/db/items', JSON.stringify({ ...item, extra: 'dropped' }));
      assert.equal(reply.status, 201, reply.text.slice(0, 200));
      const row = reply.json() as typeof item & { id: number };
      assert.ok(Number.isInteger(row.id) && row.id > 10000, `a new id after the seed: ${row.id}`);
      assert.deepEqual(row, { id: row.id, ...item });
      assertJson(await get(ctx, `/db/items/${row.id}`), 200, row);
      const edges = { name: 'x'.repeat(200), description: '', price: 1_000_000, stock: 0 };
      const edge = await postJson(ctx, '/db/items', JSON.stringify(edges));
      assert.equal(edge.status, 201, edge.text.slice(0, 200));
      assert.deepEqual({ ...(edge.json() as object), id: 0 }, { id: 0, ...edges });
    },
  },
  ...([
    ['no name', { ...item, name: undefined }, 'name'],
    ['an empty name', { ...item, name: '' }, 'name'],
    ['a 201-character name', { ...item, name: 'x'.repeat(201) }, 'name'],
    ['a 2,001-character description', { ...item, description: 'x'.repeat(2001) }, 'description'],
    ['a negative price', { ...item, price: -1 }, 'price'],
    ['a price over 1,000,000', { ...item, price: 1_000_000.01 }, 'price'],
    ['a price with three decimals', { ...item, price: 12.345 }, 'price'],
    ['a price as a string', { ...item, price: '12.50' }, 'price'],
    ['a fractional stock', { ...item, stock: 1.5 }, 'stock'],
    ['a negative stock', { ...item, stock: -1 }, 'stock'],
  ] as const).map(([what, body, path]): Case => ({
    name: `db: POST /db/items with ${what} → 422 at ["${path}"]`,
    needs,
    run: async (ctx) =>
      assertError(await postJson(ctx, '/db/items', JSON.stringify(body)), 422, 'validation_failed', [path]),
  })),
  {
    name: 'db: POST /db/items: malformed JSON → 400, text/plain → 415',
    needs,
    async run(ctx) {
      assertError(await postJson(ctx, '/db/items', '{"name":'), 400, 'invalid_body');
      const plain = await request(ctx, 'POST', '/db/items', {
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(item),
      });
      assertError(plain, 415, 'unsupported_media_type');
    },
  },
  {
    name: 'db: GET /db/random → one World row {id, randomNumber}',
    needs,
    async run(ctx) {
      for (let i = 0; i < 5; i++) {
        const reply = await get(ctx, '/db/random');
        assert.equal(reply.status, 200);
        assert.match(reply.headers.get('content-type') ?? '', /^application\/json/i);
        assertWorld(reply.json() as World);
      }
    },
  },
  ...([
    ['n=20', 20],
    ['n=1', 1],
    ['n=500', 500],
    ['n=501', 500],
    ['n=100000000000000000000', 500],
    ['n=0', 1],
    ['n=-5', 1],
    ['n=foo', 1],
    ['n=2.5', 1],
    ['n=', 1],
    ['', 1],
  ] as const).map(([qs, count]): Case => ({
    name: `db: GET /db/queries?${qs} → ${count} World row(s) (TechEmpower's rule)`,
    needs,
    async run(ctx) {
      const reply = await get(ctx, `/db/queries?${qs}`);
      assert.equal(reply.status, 200, reply.text.slice(0, 200));
      const rows = reply.json() as World[];
      assert.ok(Array.isArray(rows), 'an array, even of one');
      assert.equal(rows.length, count);
      rows.forEach(assertWorld);
    },
  })),
  {
    name: 'db: GET /api/v1/recipes → the first 10 recipes with their ingredients in order, about 3.5 KB',
    needs,
    async run(ctx) {
      const reply = await get(ctx, '/api/v1/recipes');
      assert.equal(reply.status, 200, reply.text.slice(0, 200));
      const bytes = new TextEncoder().encode(reply.text).length;
      assert.ok(bytes >= 3300 && bytes <= 3900, `${bytes} bytes`);
      const { recipes } = reply.json() as { recipes: (typeof RECIPE_1)[] };
      assert.deepEqual(recipes.map((r) => r.id), range(1, 10));
      assert.deepEqual(recipes[0], RECIPE_1);
      assert.deepEqual(recipes.map((r) => r.ingredients.length), range(1, 10).map(ingredientCount));
    },
  },
  {
    name: 'db: GET /api/v1/recipes?limit=50 → 50 recipes; limit 0, 51 or x → 422 at ["limit"]',
    needs,
    async run(ctx) {
      const { recipes } = (await get(ctx, '/api/v1/recipes?limit=50')).json() as { recipes: { id: number }[] };
      assert.deepEqual(recipes.map((r) => r.id), range(1, 50));
      for (const bad of ['0', '51', 'x']) {
        assertError(await get(ctx, `/api/v1/recipes?limit=${bad}`), 422, 'validation_failed', ['limit']);
      }
    },
  },
];
