import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { compiled } from './compiled.ts';
import { small } from '../workloads/json/schemas.ts';

test('compiled: a schema zod cannot compile is refused at start-up, not kept on the slower parser', () => {
  // An async refine is what z.compile refuses: the keyword is the point, there is nothing to await.
  // deno-lint-ignore require-await
  const nonEmpty = async (s: string) => s !== '';
  assert.throws(() => compiled(z.object({ a: z.string().refine(nonEmpty) })), /async/);
});

test('compiled: the same output and the same issues as the schema it compiles', () => {
  const plain = z.object({ n: z.int().min(1), tags: z.array(z.string()).max(2), note: z.string().default('-') });
  const fast = compiled(plain);
  for (const input of [{ n: 3, tags: ['a'] }, { n: 0, tags: ['a', 'b', 'c'] }, { n: '3', tags: [] }, null]) {
    assert.deepEqual(fast.safeParse(input), plain.safeParse(input));
  }
});

/** Whether zod's generated fast path runs first: z.compile's wrapper keeps the parser it falls back to. */
const isCompiled = (schema: z.ZodType) =>
  typeof (schema._zod.run as { __originalRun?: unknown }).__originalRun === 'function';

test('compiled: the JSON schema the app and the bare controls share runs on the fast path', () => {
  assert.equal(isCompiled(z.object({ a: z.string() })), false);
  assert.equal(isCompiled(small), true);
  const payload = { id: 1, name: 'x', price: 1.5, in_stock: true, tags: ['a'], extra: 1 };
  assert.deepEqual(small.parse(payload), { id: 1, name: 'x', price: 1.5, in_stock: true, tags: ['a'] });
});
