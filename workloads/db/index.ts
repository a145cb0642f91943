/**
 * DB-backed lists: seed 004's `/db/items`, seed 002's recipes list (~3.5 KB per response), and
 * TechEmpower's db and queries tests. Parameterised SQL through the pool; the exact statements are
 * in docs/contract.md so that every target sends the same ones.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { compiled } from '../../src/compiled.ts';
import type { AppDeps } from '../../src/deps.ts';
import type { Db } from '../../src/data/index.ts';
import { ApiError, type Issue } from '../../src/errors.ts';
import { techJson } from '../../src/techempower.ts';
import { assertValid, check, fromQuery, intText, one, params, pathId, text } from '../../src/validation.ts';
import { bodies } from '../../src/body.ts';
import { SQL } from '../../contract/sql.ts';

const MAX_OFFSET = 100_000;
const WORLD_ROWS = 10_000;
const MAX_QUERIES = 500;

const listQuery = params({
  limit: one(intText(1, 100).default(20)),
  offset: one(intText(0, MAX_OFFSET).default(0)),
});
const recipesQuery = params({ limit: one(intText(1, 50).default(10)) });

/** A price in whole cents: 12.5 and 12.34 are, 12.345 is not. */
const cents = (p: number) => Math.round(p * 100) / 100 === p;
const newItem = compiled(z.object({
  name: text(1, 200),
  description: text(0, 2000),
  price: z.number().min(0).max(1_000_000).refine(cents, { message: 'expected at most two decimal places' }),
  stock: z.number().int().min(0).max(2147483647),
}));

/** TechEmpower's rule for the count: an integer is clamped to 1…500; anything else is 1. */
export function queriesCount(raw: string | undefined): number {
  if (raw === undefined || !/^-?[0-9]+$/.test(raw)) return 1;
  const n = Number(raw);
  return n < 1 ? 1 : n > MAX_QUERIES ? MAX_QUERIES : n;
}

const randomWorldId = () => 1 + Math.floor(Math.random() * WORLD_ROWS);

interface RecipeRow {
  id: number;
  name: string;
  servings: number;
  minutes: number;
  ingredient: string;
  amount: string;
}

interface Recipe {
  id: number;
  name: string;
  servings: number;
  minutes: number;
  ingredients: { name: string; amount: string }[];
}

/** Folds the join's rows (ordered by recipe, then position) into recipes with their ingredients. */
export function groupRecipes(rows: RecipeRow[]): Recipe[] {
  const recipes: Recipe[] = [];
  let current: Recipe | undefined;
  for (const row of rows) {
    if (current?.id !== row.id) {
      current = { id: row.id, name: row.name, servings: row.servings, minutes: row.minutes, ingredients: [] };
      recipes.push(current);
    }
    current.ingredients.push({ name: row.ingredient, amount: row.amount });
  }
  return recipes;
}

export default function db(deps: AppDeps): Hono {
  const app = new Hono();
  const readItem = bodies(deps).validator(newItem);
  const database = (): Db => {
    if (!deps.data) throw new ApiError('unavailable', 'this server runs without a data layer');
    return deps.data.db;
  };

  app.get('/db/items', async (c) => {
    const issues: Issue[] = [];
    const q = listQuery(fromQuery(c.req.url), issues);
    assertValid(issues);
    const items = await database().query(SQL.selectItems, [q!.limit, q!.offset]);
    return c.json({ items, limit: q!.limit, offset: q!.offset });
  });

  app.get('/db/items/:id', async (c) => {
    const issues: Issue[] = [];
    const id = check(pathId, c.req.param('id'), issues, ['id']);
    assertValid(issues);
    const item = (await database().query(SQL.selectItem, [id]))[0];
    if (!item) throw new ApiError('not_found', `no item ${id}`);
    return c.json(item);
  });

  app.post('/db/items', async (c) => {
    const item = await readItem(c);
    const [row] = await database().query(SQL.insertItem, [item.name, item.description, item.price, item.stock]);
    return c.json(row, 201);
  });

  const world = async (d: Db) => {
    const row = (await d.query<{ id: number; randomnumber: number }>(SQL.selectWorld, [randomWorldId()]))[0]!;
    return { id: row.id, randomNumber: row.randomnumber };
  };

  app.get('/db/random', async () => techJson(await world(database())));

  app.get('/db/queries', async (c) => {
    const d = database();
    const n = queriesCount(c.req.query('n'));
    return techJson(await Promise.all(Array.from({ length: n }, () => world(d))));
  });

  app.get('/api/v1/recipes', async (c) => {
    const issues: Issue[] = [];
    const q = recipesQuery(fromQuery(c.req.url), issues);
    assertValid(issues);
    const rows = await database().query<RecipeRow>(SQL.selectRecipes, [q!.limit]);
    return c.json({ recipes: groupRecipes(rows) });
  });

  return app;
}
