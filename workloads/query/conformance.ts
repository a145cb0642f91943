import { assertError, assertJson, type Case, get } from '../../conformance/harness.ts';

const mediumDefaults = {
  q: 'x',
  page: 1,
  limit: 20,
  sort: 'relevance',
  min_price: null,
  max_price: null,
  in_stock: null,
  category: null,
};

const ok: [string, string, unknown][] = [
  ['defaults fill every declared key', '/query/few?q=x', { q: 'x', page: 1, limit: 20 }],
  ['optional keys without a default are null', '/query/medium?q=x', mediumDefaults],
  [
    'every key of the many variant, with lists empty',
    '/query/many?q=x',
    {
      ...mediumDefaults,
      order: 'desc',
      brand: [],
      tag: [],
      color: [],
      rating_min: null,
      currency: 'USD',
      include_variants: false,
      since: null,
      lang: 'en',
    },
  ],
  ['percent-encoded UTF-8 and + round-trip exactly', '/query/few?q=%E2%9C%93+caf%C3%A9%20%F0%9F%9A%80', {
    q: '✓ café 🚀',
    page: 1,
    limit: 20,
  }],
  ['unknown parameters are ignored', '/query/few?q=x&utm_source=y&page=3', { q: 'x', page: 3, limit: 20 }],
  ['in_stock=false is false, not absent', '/query/medium?q=x&in_stock=false', { ...mediumDefaults, in_stock: false }],
];

const bad: [string, string, string][] = [
  ['a missing required parameter', '/query/few', 'q'],
  ['an empty required string', '/query/few?q=', 'q'],
  ['an integer below its range', '/query/few?q=x&page=0', 'page'],
  ['an integer above its range', '/query/few?q=x&limit=101', 'limit'],
  ['a non-integer', '/query/few?q=x&page=2.5', 'page'],
  ['a non-number', '/query/medium?q=x&min_price=cheap', 'min_price'],
  ['an empty number', '/query/medium?q=x&min_price=', 'min_price'],
  ['an unknown enum value', '/query/medium?q=x&sort=popularity', 'sort'],
  ['a boolean spelt yes', '/query/medium?q=x&in_stock=yes', 'in_stock'],
  ['a boolean spelt True', '/query/medium?q=x&in_stock=True', 'in_stock'],
  ['a scalar given twice', '/query/few?q=x&page=1&page=2', 'page'],
  ['an unknown value in a list', '/query/many?q=x&color=red&color=purple', 'color'],
  ['a list over 20 values', `/query/many?q=x${'&color=red'.repeat(21)}`, 'color'],
  ['an impossible date', '/query/many?q=x&since=2025-02-30', 'since'],
  ['a rating out of range', '/query/many?q=x&rating_min=6', 'rating_min'],
];

export const cases: Case[] = [
  ...ok.map(([name, path, echo]): Case => ({
    name: `query: ${name}`,
    run: async (ctx) => assertJson(await get(ctx, path), 200, echo),
  })),
  {
    name: 'query: repeated keys keep every value in order',
    async run(ctx) {
      const reply = await get(ctx, '/query/many?q=x&tag=b&brand=z&tag=a&tag=b');
      const body = reply.json() as { tag: string[]; brand: string[] };
      assertJson(reply, 200, { ...body, tag: ['b', 'a', 'b'], brand: ['z'] });
    },
  },
  ...bad.map(([name, path, param]): Case => ({
    name: `query: ${name} → 422 at ["${param}"]`,
    run: async (ctx) => assertError(await get(ctx, path), 422, 'validation_failed', [param]),
  })),
];
