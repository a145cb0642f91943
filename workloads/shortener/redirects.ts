/**
 * Code → URL, cache-aside, with a stampede guard: when a hot code's cache entry expires under
 * load, one database read refills it. Within a process, concurrent misses for a code share one
 * lookup (single flight); across processes, the lookup that takes the cache lock (SET NX PX) reads
 * Postgres and fills the cache while the others poll the cache for that fill, for a bounded time.
 * With the cache down, every lookup reads Postgres directly.
 */
import type { Data } from '../../src/data/index.ts';
import { LOCK_KEY, URL_KEY } from '../../contract/shortener.ts';
import { SQL } from '../../contract/sql.ts';
/** Cached value of a code that does not exist (no URL is empty). */
const MISSING = '';

const URL_TTL_MS = 60_000;
const MISSING_TTL_MS = 5_000;
const LOCK_TTL_MS = 2_000;
/** Pauses between polls while another process fills the cache, then a read of our own. */
const WAIT_STEPS_MS = [5, 10, 20, 40, ...Array<number>(19).fill(50)];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Resolver {
  /** The code's URL, or null when there is no such code. Throws `unavailable` if Postgres is needed and down. */
  resolve(code: string): Promise<string | null>;
}

export function createResolver({ db, cache }: Data): Resolver {
  const flights = new Map<string, Promise<string | null>>();

  const readDb = async (code: string): Promise<string | null> =>
    (await db.query<{ url: string }>(SQL.selectUrl, [code]))[0]?.url ?? null;

  const fromCache = (value: string | null): string | null | undefined =>
    value === null ? undefined : value === MISSING ? null : value;

  async function fill(code: string, url: string | null): Promise<void> {
    await cache.set(URL_KEY(code), url ?? MISSING, url === null ? MISSING_TTL_MS : URL_TTL_MS);
  }

  async function lookup(code: string): Promise<string | null> {
    let token: string | null;
    try {
      token = await cache.lock(LOCK_KEY(code), LOCK_TTL_MS);
    } catch {
      return await readDb(code); // cache down
    }
    if (token !== null) {
      try {
        // A holder before us may have filled it between our miss and our lock.
        const filled = fromCache(await cache.get(URL_KEY(code)).catch(() => null));
        if (filled !== undefined) return filled;
        const url = await readDb(code);
        await fill(code, url).catch(() => {}); // a cache that failed since: the next miss refills it
        return url;
      } finally {
        await cache.unlock(LOCK_KEY(code), token).catch(() => {});
      }
    }
    for (const pause of WAIT_STEPS_MS) {
      await sleep(pause);
      const filled = fromCache(await cache.get(URL_KEY(code)).catch(() => null));
      if (filled !== undefined) return filled;
    }
    return await readDb(code); // the holder is slow or gone: do not wait longer than ~1 s
  }

  return {
    async resolve(code) {
      let cached: string | null;
      try {
        cached = await cache.get(URL_KEY(code));
      } catch {
        return await readDb(code); // cache down
      }
      const hit = fromCache(cached);
      if (hit !== undefined) return hit;
      let flight = flights.get(code);
      if (!flight) {
        flight = lookup(code).finally(() => flights.delete(code));
        flights.set(code, flight);
      }
      return await flight;
    },
  };
}
