import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POOL_MAX, poolMaxPerWorker } from './db.ts';

describe('poolMaxPerWorker', () => {
  it('shares the per-target bound out over the workers, rounded up', () => {
    assert.equal(POOL_MAX, 16);
    assert.deepEqual([1, 2, 3, 4, 8, 16, 32].map(poolMaxPerWorker), [16, 8, 6, 4, 2, 1, 1]);
    assert.equal(poolMaxPerWorker(), 16);
  });
  it('gives Postgres 16 connections whenever the worker count divides 16, at most 16 + N − 1 otherwise', () => {
    for (const n of [1, 2, 4, 8, 16]) assert.equal(n * poolMaxPerWorker(n), 16);
    for (let n = 1; n <= 64; n++) assert.ok(n * poolMaxPerWorker(n) <= Math.max(16 + n - 1, n), String(n));
  });
});
