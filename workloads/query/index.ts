/** Query strings of 3, 8 and 17 parameters: parse, coerce, validate, echo the typed object. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Issue } from '../../src/errors.ts';
import {
  assertValid,
  boolText,
  dateText,
  fromQuery,
  intText,
  many,
  matching,
  numberText,
  one,
  params,
  text,
} from '../../src/validation.ts';

const few = {
  q: one(text(1, 256)),
  page: one(intText(1, 10000).default(1)),
  limit: one(intText(1, 100).default(20)),
};

const medium = {
  ...few,
  sort: one(z.enum(['relevance', 'price_asc', 'price_desc', 'newest', 'rating']).default('relevance')),
  min_price: one(numberText(0, 1_000_000).nullable().default(null)),
  max_price: one(numberText(0, 1_000_000).nullable().default(null)),
  in_stock: one(boolText.nullable().default(null)),
  category: one(text(1, 64).nullable().default(null)),
};

const manyParams = {
  ...medium,
  order: one(z.enum(['asc', 'desc']).default('desc')),
  brand: many(text(1, 64), 20),
  tag: many(text(1, 64), 20),
  color: many(z.enum(['red', 'green', 'blue', 'black', 'white']), 20),
  rating_min: one(intText(1, 5).nullable().default(null)),
  currency: one(z.enum(['USD', 'EUR', 'GBP', 'JPY']).default('USD')),
  include_variants: one(boolText.default(false)),
  since: one(dateText.nullable().default(null)),
  lang: one(matching(/^[a-z]{2}$/, 'expected a two-letter language code').default('en')),
};

export default function query(): Hono {
  const app = new Hono();
  for (const [name, shape] of [['few', few], ['medium', medium], ['many', manyParams]] as const) {
    const parse = params(shape);
    app.get(`/query/${name}`, (c) => {
      const issues: Issue[] = [];
      const value = parse(fromQuery(c.req.url), issues);
      assertValid(issues);
      return c.json(value);
    });
  }
  return app;
}
