/**
 * The data workloads against real Postgres and Redis (scripts/services.sh up), run by `npm test`
 * only when both are up (a stage of its own: it stops and starts the services):
 *   - the Redis lock holds across processes: four data layers sharing one Redis read once;
 *   - per target, the stampede bound seen from Postgres itself (pg_stat_statements);
 *   - per target, degrade and recover: Redis down (redirects go on from Postgres, clicks counted
 *     there, nothing lost across the restart), then Postgres down (503 `unavailable`, cached
 *     redirects go on, the target recovers by itself).
 * A target takes part when its /health reports postgres and redis (baselines without the data
 * families are skipped). TEST_TARGETS names them (default node,bun,deno).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { start, type Started } from '../targets/process.ts';
import { declaredFamilies, targetByName } from '../targets/table.ts';
import type { Data, Db } from '../src/data/index.ts';
import { openData } from '../src/data/open.ts';
import { createResolver } from '../workloads/shortener/redirects.ts';
import { URL_KEY } from '../contract/shortener.ts';
import { services, ServicesStatus } from '../bench/measure/services.ts';
import { SQL } from '../contract/sql.ts';

const SETTLE_MS = 1200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { DATABASE_URL, REDIS_URL } = services(ServicesStatus, 'status');
const env = { DATABASE_URL, REDIS_URL };
/** The targets that serve the shortener (every test here shortens and redirects). */
const targets = (process.env.TEST_TARGETS ?? 'node,bun,deno').split(',').filter(Boolean)
  .filter((name) => declaredFamilies(targetByName(name)).has('shortener'));

/** Polls `check` until it holds (bounded); the last failure is the error. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms ${last}`);
}

interface Health {
  status: string;
  db: { backend: string; up: boolean };
  cache: { backend: string; up: boolean };
}

const health = async (base: string) => await (await fetch(`${base}/health`)).json() as Health;

async function shorten(base: string): Promise<{ code: string; url: string }> {
  const url = `https://example.com/services-test/${crypto.randomUUID()}`;
  const res = await fetch(`${base}/api/shorten`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return { code: ((await res.json()) as { code: string }).code, url };
}

/** `n` concurrent redirects of `code`; every one must be a 302 to `url`. */
async function redirects(base: string, code: string, url: string, n: number): Promise<void> {
  const replies = await Promise.all(
    Array.from({ length: n }, () => fetch(`${base}/${code}`, { redirect: 'manual' })),
  );
  for (const res of replies) {
    await res.arrayBuffer();
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), url);
  }
}

async function clicks(base: string, code: string): Promise<number> {
  const res = await fetch(`${base}/api/stats/${code}`);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { clicks: number }).clicks;
}

describe('data services', { timeout: 600_000 }, () => {
  let sql: postgres.Sql;
  let redis: Redis;
  before(() => {
    sql = postgres(env.DATABASE_URL, { max: 2, onnotice: () => {} });
    redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {}); // down on purpose in the degradation cases
  });
  after(async () => {
    services(ServicesStatus, 'start', 'postgres');
    services(ServicesStatus, 'start', 'redis');
    await sql.end();
    redis.disconnect();
  });

  it('services.sh reset puts both back to the seed: items, short URLs, clicks, cache keys', async () => {
    await sql`INSERT INTO items (name, description, price, stock) VALUES ('extra', 'a db-create row', 1, 1)`;
    await sql`INSERT INTO urls (code, url) VALUES ('zzReset', 'https://example.com/reset')`;
    await sql`UPDATE urls SET clicks = clicks + 3 WHERE code = 'celeb01'`;
    await redis.set('gauntlet:url:zzReset', 'https://example.com/reset');
    services(ServicesStatus, 'reset');
    const [counts] = await sql`
      SELECT (SELECT count(*) FROM items)::int AS items, (SELECT max(id) FROM items)::int AS top,
             (SELECT count(*) FROM urls)::int AS urls, (SELECT sum(clicks) FROM urls)::int AS clicks`;
    assert.deepEqual({ ...counts }, { items: 10_000, top: 10_000, urls: 100_005, clicks: 0 });
    assert.deepEqual(await redis.keys('gauntlet:*'), []);
  });

  it('the Redis lock holds across processes: four data layers, 200 concurrent lookups, one read', async () => {
    const layers: Data[] = await Promise.all(
      Array.from({ length: 4 }, () => openData({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL })),
    );
    try {
      let reads = 0;
      const resolvers = layers.map((data) => {
        const db: Db = {
          ...data.db,
          query: (text, params) => {
            if (text === SQL.selectUrl) reads++;
            return data.db.query(text, params);
          },
        };
        return createResolver({ ...data, db });
      });
      await redis.del(URL_KEY('celeb03'));
      const urls = await Promise.all(resolvers.flatMap((r) => Array.from({ length: 50 }, () => r.resolve('celeb03'))));
      assert.deepEqual([...new Set(urls)], ['https://example.com/celebrity/3']);
      assert.equal(reads, 1);
    } finally {
      await Promise.all(layers.map((data) => data.close()));
    }
  });

  for (const name of targets) {
    it(`${name}: a clean stop flushes the clicks it holds (Postgres + the in-process cache)`, async (t) => {
      // Without Redis the pending counts live only in the process: only its flush on stop saves them.
      const server = await start(targetByName(name), { env: { ...env, REDIS_URL: '' }, timeoutMs: 120_000 });
      try {
        const h = await health(server.baseUrl);
        if (h.db?.backend !== 'postgres' || h.cache?.backend !== 'memory') {
          return t.skip(`${name} reports db ${h.db?.backend}, cache ${h.cache?.backend}`);
        }
        const { code, url } = await shorten(server.baseUrl);
        await redirects(server.baseUrl, code, url, 40);
        assert.equal(await server.stop(), 0, `exits cleanly; it printed:\n${server.output()}`);
        const [row] = await sql`SELECT clicks::int AS clicks FROM urls WHERE code = ${code}`;
        assert.equal(row!.clicks, 40);
      } finally {
        await server.stop();
      }
    });

    describe(name, () => {
      let server: Started | undefined;
      let skip: string | false = false;
      before(async () => {
        server = await start(targetByName(name), { env, timeoutMs: 120_000 });
        const h = await health(server.baseUrl);
        if (h.db?.backend !== 'postgres' || h.cache?.backend !== 'redis') {
          skip = `${name} reports db ${h.db?.backend}, cache ${h.cache?.backend}`;
        }
      });
      after(async () => {
        const code = await server?.stop();
        if (!skip) assert.equal(code, 0, `${name} exits cleanly; it printed:\n${server?.output()}`);
      });

      it('a hot code whose cache entry expires under 200 concurrent redirects: one Postgres read', async (t) => {
        if (skip) return t.skip(skip);
        const reads = async () =>
          Number(
            (await sql`SELECT coalesce(sum(calls), 0)::int AS calls FROM pg_stat_statements
                       WHERE query ILIKE 'select url from urls%'`)[0]!.calls,
          );
        for (let round = 0; round < 2; round++) {
          await redis.del(URL_KEY('celeb05'));
          const before = await reads();
          await redirects(server!.baseUrl, 'celeb05', 'https://example.com/celebrity/5', 200);
          assert.equal(await reads() - before, 1, `round ${round}`);
        }
      });

      it('Redis down: redirects go on from Postgres, health says so, no click lost or doubled', async (t) => {
        if (skip) return t.skip(skip);
        const base = server!.baseUrl;
        const { code, url } = await shorten(base);
        await redirects(base, code, url, 30);
        await sleep(SETTLE_MS);
        assert.equal(await clicks(base, code), 30);
        await redirects(base, code, url, 20); // pending in Redis when it stops: kept by its save
        services(ServicesStatus, 'stop', 'redis');
        try {
          const h = await health(base);
          assert.equal(h.status, 'degraded');
          assert.deepEqual(h.cache, { backend: 'redis', up: false });
          await redirects(base, code, url, 25);
        } finally {
          services(ServicesStatus, 'start', 'redis');
        }
        await eventually('the cache reported up again', async () => (await health(base)).cache.up);
        await redirects(base, code, url, 15);
        await eventually(
          'all 90 clicks counted',
          async () => (await clicks(base, code)) === 90,
          5000,
        );
        await sleep(SETTLE_MS);
        assert.equal(await clicks(base, code), 90, 'and not one more');
      });

      it('Postgres down: 503 unavailable, cached redirects go on, and the target recovers by itself', async (t) => {
        if (skip) return t.skip(skip);
        const base = server!.baseUrl;
        const { code, url } = await shorten(base);
        await redirects(base, code, url, 10); // now cached
        services(ServicesStatus, 'stop', 'postgres');
        try {
          for (const path of ['/db/items', '/db/random', `/api/stats/${code}`]) {
            const res = await fetch(`${base}${path}`);
            assert.equal(res.status, 503, path);
            assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unavailable');
          }
          const created = await fetch(`${base}/api/shorten`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ url }),
          });
          assert.equal(created.status, 503);
          await created.arrayBuffer();
          const h = await health(base);
          assert.equal(h.status, 'degraded');
          assert.deepEqual(h.db, { backend: 'postgres', up: false });
          await redirects(base, code, url, 10); // from the cache; counted in Redis
        } finally {
          services(ServicesStatus, 'start', 'postgres');
        }
        await eventually('GET /db/items answers again', async () => (await fetch(`${base}/db/items`)).status === 200);
        assert.equal((await health(base)).status, 'ok');
        await eventually(
          'the clicks made during the outage are applied',
          async () => (await clicks(base, code)) === 20,
        );
        assert.equal(server!.child.exitCode, null, 'still running');
      });
    });
  }
});
