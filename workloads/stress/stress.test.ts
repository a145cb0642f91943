import assert from 'node:assert/strict';
import { it } from 'node:test';
import { countPrimes, touchPages } from './index.ts';

it('countPrimes counts the primes below n', () => {
  const known: [number, number][] = [[1, 0], [2, 0], [3, 1], [10, 4], [100, 25], [7920, 1000], [1_000_000, 78_498]];
  for (const [n, primes] of known) assert.equal(countPrimes(n), primes, `n = ${n}`);
});

it('touchPages writes one byte per 4 KiB page', () => {
  assert.equal(touchPages(1), 256);
  assert.equal(touchPages(3), 768);
});
