/**
 * The data layer the app receives through `createApp(deps)`: a database and a cache, with their
 * reachability for `/health`. open.ts opens the backends the configuration names; workerd composes
 * its own (runtimes/workerd/data.ts). Nothing here loads a driver.
 */
import type { Health } from '../../contract/health.ts';
import type { Cache } from './cache.ts';
import type { Db } from './db.ts';

export type { Batch, Cache } from './cache.ts';
export type { Db, Query } from './db.ts';

export interface Data {
  db: Db;
  cache: Cache;
  /** Whether each backend answers now (a bounded ping of each, concurrently). */
  health(): Promise<Health>;
  /** Registers work to finish before the connections close (the shortener's last click flush). */
  onClose(hook: () => Promise<void>): void;
  /** Runs the close hooks, then closes the cache and the database. */
  close(): Promise<void>;
}

export function composeData(db: Db, cache: Cache): Data {
  const hooks: (() => Promise<void>)[] = [];
  let closing: Promise<void> | undefined;
  return {
    db,
    cache,
    async health() {
      const [dbUp, cacheUp] = await Promise.all([db.ping(), cache.ping()]);
      return { db: { backend: db.backend, up: dbUp }, cache: { backend: cache.backend, up: cacheUp } };
    },
    onClose(hook) {
      hooks.push(hook);
    },
    close() {
      closing ??= (async () => {
        for (const hook of hooks) {
          try {
            await hook();
          } catch (err) {
            console.error(`data: a close hook failed: ${(err as Error).message}`);
          }
        }
        await cache.close();
        await db.close();
      })();
      return closing;
    },
  };
}

/** `db postgres, cache redis` — for the startup line. */
export const describeData = (data: Data): string => `db ${data.db.backend}, cache ${data.cache.backend}`;
