import { assertError, assertJson, type Case, get } from '../../conformance/harness.ts';

const ok: [string, unknown][] = [
  ['/stress/cpu/1', { n: 1, primes: 0 }],
  ['/stress/cpu/3', { n: 3, primes: 1 }],
  ['/stress/cpu/10', { n: 10, primes: 4 }],
  ['/stress/cpu/1000000', { n: 1000000, primes: 78498 }],
  ['/stress/memory/1', { mb: 1, pages: 256 }],
  ['/stress/memory/256', { mb: 256, pages: 65536 }],
];

const bad: [string, string][] = [
  ['/stress/cpu/0', 'n'],
  ['/stress/cpu/1000001', 'n'],
  ['/stress/cpu/many', 'n'],
  ['/stress/memory/0', 'mb'],
  ['/stress/memory/257', 'mb'],
  ['/stress/memory/-5', 'mb'],
];

export const cases: Case[] = [
  ...ok.map(([path, echo]): Case => ({
    name: `stress: GET ${path}`,
    run: async (ctx) => assertJson(await get(ctx, path), 200, echo),
  })),
  ...bad.map(([path, param]): Case => ({
    name: `stress: GET ${path} → 422 at ["${param}"]`,
    run: async (ctx) => assertError(await get(ctx, path), 422, 'validation_failed', [param]),
  })),
];
