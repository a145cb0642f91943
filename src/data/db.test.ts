import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../errors.ts';
import postgres from 'postgres';
import { POOL_MAX, poolMaxPerWorker, poolOptions, RECONNECT_MAX_S, reconnectBackoff, stallGuard } from './db.ts';
import { postgresDb } from './postgres.ts';

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

describe('reconnectBackoff: a closed connection is opened again within RECONNECT_MAX_S', () => {
  it("grows as postgres.js's own (3× per failure, jittered) and stops at the cap, however many failures", () => {
    for (let retries = 0; retries <= 60; retries++) {
      const uncapped = 3 ** retries / 100;
      for (let draw = 0; draw < 20; draw++) {
        const s = reconnectBackoff(retries);
        assert.ok(s >= 0.5 * Math.min(uncapped, RECONNECT_MAX_S), `${retries} failures: ${s} s`);
        assert.ok(s <= Math.min(uncapped, RECONNECT_MAX_S), `${retries} failures: ${s} s`);
      }
    }
  });

  it("is the pool's backoff (postgres.js keeps it as given)", () => {
    const sql = postgres('postgres://nobody@127.0.0.1:1/none', poolOptions());
    assert.equal(sql.options.backoff, reconnectBackoff);
    assert.equal(sql.options.max, POOL_MAX);
  });
});

describe('the pool answers reads 503 once it has stalled (stallGuard)', () => {
  const never = () => new Promise<never>(() => {});
  const settle = (p: Promise<unknown>, ms: number) =>
    Promise.race([p.then((v) => ({ v }), (e) => ({ e })), new Promise((r) => setTimeout(() => r('pending'), ms))]);

  it('a read on a pool that finishes nothing is answered 503 after the stall time; a write is left to wait', async () => {
    const guard = stallGuard(never as never, 100);
    try {
      const read = guard.query('SELECT url FROM urls WHERE code = $1', ['x']);
      const write = guard.query('UPDATE urls SET clicks = clicks + 1 WHERE code = $1', ['x']);
      const got = await settle(read, 1000) as { e: ApiError };
      assert.ok(got.e instanceof ApiError && got.e.code === 'unavailable', JSON.stringify(got));
      assert.equal(await settle(write, 300), 'pending');
    } finally {
      guard.stop();
    }
  });

  it('a pool whose other queries fail at once (refused) has stalled too: the held read is answered 503', async () => {
    const pool = ((text: string) => text === 'SELECT held' ? never() : Promise.reject(new Error('refused'))) as never;
    const guard = stallGuard(pool, 100);
    try {
      const held = guard.query('SELECT held');
      const failing = setInterval(() => guard.query('SELECT 1').catch(() => {}), 5);
      const got = await settle(held, 1000) as { e: ApiError };
      clearInterval(failing);
      assert.ok(got.e instanceof ApiError && got.e.code === 'unavailable', JSON.stringify(got));
    } finally {
      guard.stop();
    }
  });

  it('a busy pool that keeps finishing queries never has a read cut, however long it waits', async () => {
    let calls = 0;
    const pool =
      ((text: string) =>
        text === 'SELECT slow' ? never() : new Promise((r) => setTimeout(() => r([{ n: ++calls }]), 5))) as never;
    const guard = stallGuard(pool, 100);
    try {
      const slow = guard.query('SELECT slow');
      for (const end = Date.now() + 500; Date.now() < end;) await guard.query('SELECT 1');
      assert.equal(await settle(slow, 10), 'pending');
      assert.deepEqual(await guard.query('SELECT 1'), [{ n: calls }]);
    } finally {
      guard.stop();
    }
  });

  it('postgres.js on a server that closes every connection (Postgres starting or stopping): a read is answered 503', async () => {
    // postgres.js opens the connection of such a query again and again (with a backoff) for as long as
    // the server keeps closing it: without the guard the read below never settles.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const db = postgresDb(`postgres://nobody@127.0.0.1:${port}/none`);
    try {
      const got = await settle(db.query('SELECT url FROM urls WHERE code = $1', ['x']), 10_000) as { e: ApiError };
      assert.ok(got.e instanceof ApiError && got.e.code === 'unavailable', JSON.stringify(got));
    } finally {
      await db.close().catch(() => {});
      await new Promise((r) => server.close(r));
    }
  });
});
