/**
 * The shortener's invariants, in-process on the embedded data layer: the stampede bound (counted
 * with a wrapper around the database's query), exact click counts through failed and retried
 * flushes, a flush on stop, and codes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Data, Db } from '../../src/data/index.ts';
import { inProcessApp, openEmbeddedData } from '../../test/in-process.ts';
import { createClicks } from './clicks.ts';
import { newCode } from './codes.ts';
import { ALPHABET, CODE, SEEDED_CODES, seededCode } from '../../contract/shortener.ts';
import { UNKNOWN_CODE } from './conformance.ts';
import { createResolver } from './redirects.ts';
import { URL_KEY } from '../../contract/shortener.ts';
import { SQL } from '../../contract/sql.ts';

let data: Data;
before(async () => {
  data = await openEmbeddedData();
});
after(() => data.close());

/** `data` with its database's query wrapped to count the redirect lookups. */
function counting(inner: Data): { data: Data; reads: () => number } {
  let reads = 0;
  const db: Db = {
    ...inner.db,
    query: (text, params) => {
      if (text === SQL.selectUrl) reads++;
      return inner.db.query(text, params);
    },
  };
  return { data: { ...inner, db }, reads: () => reads };
}

async function newUrl(db: Db): Promise<string> {
  const code = newCode();
  await db.query('INSERT INTO urls (code, url) VALUES ($1, $2)', [code, `https://example.com/test/${code}`]);
  return code;
}

const clicksOf = async (db: Db, code: string) =>
  Number((await db.query<{ clicks: number }>('SELECT clicks FROM urls WHERE code = $1', [code]))[0]!.clicks);

describe('stampede', () => {
  it('200 concurrent redirects of a hot code whose entry expired make one database read', async () => {
    const { data: counted, reads } = counting(data);
    const app = inProcessApp(counted);
    for (let round = 0; round < 3; round++) {
      await data.cache.del(URL_KEY('celeb04'));
      const before = reads();
      const replies = await Promise.all(Array.from({ length: 200 }, () => app.request('/celeb04')));
      assert.deepEqual([...new Set(replies.map((r) => r.status))], [302]);
      assert.equal(reads() - before, 1, `round ${round}: ${reads() - before} reads`);
    }
    const warm = reads();
    await Promise.all(Array.from({ length: 50 }, () => app.request('/celeb04')));
    assert.equal(reads(), warm, 'a cached code reads nothing');
  });

  it('an unknown code is cached as missing: 200 concurrent lookups, one read', async () => {
    const { data: counted, reads } = counting(data);
    const app = inProcessApp(counted);
    await data.cache.del(URL_KEY(UNKNOWN_CODE));
    const replies = await Promise.all(Array.from({ length: 200 }, () => app.request(`/${UNKNOWN_CODE}`)));
    assert.deepEqual([...new Set(replies.map((r) => r.status))], [404]);
    assert.equal(reads(), 1);
  });

  it('resolvers sharing a cache (as processes share Redis) read once: the lock and the wait for its fill', async () => {
    const { data: counted, reads } = counting(data);
    const resolvers = Array.from({ length: 4 }, () => createResolver(counted));
    await data.cache.del(URL_KEY('celeb05'));
    const urls = await Promise.all(resolvers.flatMap((r) => Array.from({ length: 50 }, () => r.resolve('celeb05'))));
    assert.deepEqual([...new Set(urls)], ['https://example.com/celebrity/5']);
    assert.equal(reads(), 1);
  });
});

describe('clicks', () => {
  it('are flushed on stop', async () => {
    const code = await newUrl(data.db);
    const clicks = createClicks(data, 60_000);
    await Promise.all(Array.from({ length: 37 }, () => clicks.count(code)));
    assert.equal(await clicksOf(data.db, code), 0, 'nothing applied before a flush');
    await clicks.stop();
    assert.equal(await clicksOf(data.db, code), 37);
  });

  it('a batch applied but not finished (the reply lost) is retried and skipped, never counted twice', async () => {
    const code = await newUrl(data.db);
    let fail = true;
    const flaky: Data = {
      ...data,
      cache: {
        ...data.cache,
        finishBatch(processing, id) {
          if (fail) {
            fail = false;
            return Promise.reject(new Error('connection lost'));
          }
          return data.cache.finishBatch(processing, id);
        },
      },
    };
    const clicks = createClicks(flaky, 60_000);
    for (let i = 0; i < 10; i++) await clicks.count(code);
    await clicks.flush(); // applied, then finishing fails
    assert.equal(await clicksOf(data.db, code), 10);
    for (let i = 0; i < 5; i++) await clicks.count(code);
    await clicks.flush(); // retries the held batch (skipped by its id), then the new one
    await clicks.stop();
    assert.equal(await clicksOf(data.db, code), 15);
  });

  it('a failed transaction keeps the batch for the next flush', async () => {
    const code = await newUrl(data.db);
    let fail = true;
    const flaky: Data = {
      ...data,
      db: {
        ...data.db,
        transaction(fn) {
          if (fail) {
            fail = false;
            return Promise.reject(new Error('database down'));
          }
          return data.db.transaction(fn);
        },
      },
    };
    const clicks = createClicks(flaky, 60_000);
    for (let i = 0; i < 7; i++) await clicks.count(code);
    await clicks.flush();
    assert.equal(await clicksOf(data.db, code), 0);
    await clicks.stop();
    assert.equal(await clicksOf(data.db, code), 7);
  });

  it('with the cache down, a click is counted in Postgres at once', async () => {
    const code = await newUrl(data.db);
    const down: Data = {
      ...data,
      cache: { ...data.cache, increment: () => Promise.reject(new Error('cache down')) },
    };
    const clicks = createClicks(down, 60_000);
    await Promise.all(Array.from({ length: 4 }, () => clicks.count(code)));
    assert.equal(await clicksOf(data.db, code), 4);
    await clicks.stop();
  });
});

describe('codes', () => {
  it('new codes are 7 base62 characters, every character drawn', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newCode();
      assert.match(code, CODE);
      for (const ch of code) seen.add(ch);
    }
    assert.equal(seen.size, ALPHABET.length);
  });

  it('the seeded codes are distinct, base62, and do not include the unknown code of the tests', () => {
    const codes = new Set(Array.from({ length: SEEDED_CODES }, (_, i) => seededCode(i + 1)));
    assert.equal(codes.size, SEEDED_CODES);
    assert.ok(!codes.has(UNKNOWN_CODE));
    for (const code of ['celeb01', 'celeb05']) assert.ok(!codes.has(code));
    assert.equal(seededCode(41989), '000FM9o'); // as seed.sql computes it
  });

  it('the seeded codes in the database are exactly those seededCode names', async () => {
    const rows = await data.db.query<{ code: string }>(
      "SELECT code FROM urls WHERE url LIKE 'https://example.com/articles/%' ORDER BY split_part(substr(url, 30), '?', 1)::int",
    );
    assert.equal(rows.length, SEEDED_CODES);
    rows.forEach((row, i) => assert.equal(row.code, seededCode(i + 1)));
  });
});
