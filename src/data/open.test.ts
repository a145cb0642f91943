/**
 * openData loads a driver only for the backend the configuration names. node:test runs each file
 * in a process of its own, and this one imports no driver before its hook is in place, so the
 * hook sees every load of postgres.js, ioredis and PGlite that opening the data layer causes.
 */
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';
import { describe, it } from 'node:test';

const DRIVERS = ['postgres', 'ioredis', '@electric-sql/pglite'] as const;
const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, next) {
    if ((DRIVERS as readonly string[]).includes(specifier)) loaded.add(specifier);
    return next(specifier, context);
  },
});

describe('openData: only the configured backends are loaded', () => {
  it('the app and the data layer modules load no driver by themselves', async () => {
    await import('../../workloads/app.ts');
    await import('./index.ts');
    await import('./open.ts');
    await import('./db.ts');
    await import('./cache.ts');
    assert.deepEqual([...loaded], []);
  });

  it('DATABASE_URL without REDIS_URL: postgres.js and the in-process cache, neither ioredis nor PGlite', async () => {
    const { openData } = await import('./open.ts');
    // postgres.js opens its connections on the first query: nothing listens here, and none is made.
    const data = await openData({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', redisUrl: undefined });
    try {
      assert.equal(data.db.backend, 'postgres');
      assert.equal(data.cache.backend, 'memory');
      assert.deepEqual([...loaded], ['postgres']);
    } finally {
      await data.close();
    }
  });
});
