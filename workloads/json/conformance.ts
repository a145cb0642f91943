import { assertError, assertJson, type Case, fixtureText, postJson, request } from '../../conformance/harness.ts';

const small = JSON.parse(fixtureText('json/small.json'));
const medium = JSON.parse(fixtureText('json/medium.json'));
const large = JSON.parse(fixtureText('json/large.json'));

type Mutation = [name: string, path: string, mutate: () => unknown, issuePath: (string | number)[]];

const without = (o: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
const clone = <T>(v: T): T => structuredClone(v);

const mutations: Mutation[] = [
  ['a missing field', '/json/small', () => without(small, 'name'), ['name']],
  ['a string for an integer', '/json/small', () => ({ ...small, id: '12345' }), ['id']],
  ['a fraction for an integer', '/json/small', () => ({ ...small, id: 1.5 }), ['id']],
  ['an object where a scalar belongs (extra nesting)', '/json/small', () => ({ ...small, id: { value: 12345 } }), [
    'id',
  ]],
  ['a number inside a string array', '/json/small', () => ({ ...small, tags: ['a', 7] }), ['tags', 1]],
  ['a wrong type in a nested object', '/json/medium', () => {
    const v = clone(medium);
    v.customer.email = 42;
    return v;
  }, ['customer', 'email']],
  ['a null in a nested object', '/json/medium', () => {
    const v = clone(medium);
    v.customer.address = null;
    return v;
  }, ['customer', 'address']],
  ['a wrong type deep in an array', '/json/large', () => {
    const v = clone(large);
    v.products[3].variants[1].stock = '12';
    return v;
  }, ['products', 3, 'variants', 1, 'stock']],
  ['an array for the top-level object', '/json/small', () => [small], []],
];

export const cases: Case[] = [
  ...mutations.map(([name, path, mutate, issuePath]): Case => ({
    name: `POST ${path} with ${name} → 422 at ${JSON.stringify(issuePath)}`,
    run: async (ctx) =>
      assertError(await postJson(ctx, path, JSON.stringify(mutate())), 422, 'validation_failed', issuePath),
  })),
  {
    name: 'unknown keys are dropped from the validated object',
    run: async (ctx) =>
      assertJson(await postJson(ctx, '/json/small', JSON.stringify({ ...small, extra: 1 })), 200, small),
  },
  {
    name: 'POST /json/medium with malformed JSON → 400, with text/plain → 415',
    async run(ctx) {
      assertError(
        await postJson(ctx, '/json/medium', fixtureText('json/medium.json').slice(0, 500)),
        400,
        'invalid_body',
      );
      const reply = await request(ctx, 'POST', '/json/medium', {
        headers: { 'content-type': 'text/plain' },
        body: fixtureText('json/medium.json'),
      });
      assertError(reply, 415, 'unsupported_media_type');
    },
  },
  {
    name: 'Content-Type application/json; charset=utf-8 is accepted',
    async run(ctx) {
      const reply = await request(ctx, 'POST', '/json/small', {
        headers: { 'content-type': 'Application/JSON; charset=utf-8' },
        body: fixtureText('json/small.json'),
      });
      assertJson(reply, 200, small);
    },
  },
];
