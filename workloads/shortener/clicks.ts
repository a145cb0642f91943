/**
 * Click counting, exactly once. A redirect adds 1 to the code's field of a pending counter hash in
 * the cache; every 250 ms a flush atomically takes the pending hash as a batch with an id, adds it
 * to urls.clicks in one transaction that also records the id (so a batch retried after a lost
 * reply is skipped, never counted twice), and only then deletes the batch. A failed flush leaves
 * the batch to be retried first. With the cache down, a redirect counts itself in Postgres.
 */
import type { Data } from '../../src/data/index.ts';
import { PENDING_KEY, PROCESSING_KEY } from '../../contract/shortener.ts';
import { SQL } from '../../contract/sql.ts';
const FLUSH_INTERVAL_MS = 250;

export interface Clicks {
  /** Counts one redirect of `code`; throws `unavailable` only if neither the cache nor Postgres takes it. */
  count(code: string): Promise<void>;
  /** Applies everything pending now (the periodic flush, on demand). */
  flush(): Promise<void>;
  /** Stops the periodic flush and applies what is left. */
  stop(): Promise<void>;
}

export function createClicks({ db, cache }: Data, intervalMs = FLUSH_INTERVAL_MS): Clicks {
  let failing = false;
  let running: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  /** One batch: taken, applied, finished. False when there was nothing to take. */
  async function applyOne(): Promise<boolean> {
    const batch = await cache.takeBatch(PENDING_KEY, PROCESSING_KEY);
    if (!batch) return false;
    await db.transaction(async (query) => {
      const fresh = await query(SQL.recordBatch, [batch.id]);
      if (fresh.length > 0) await query(SQL.addBatch, [JSON.stringify(batch.counts)]);
    });
    await cache.finishBatch(PROCESSING_KEY, batch.id);
    return true;
  }

  /** A batch left by a failed flush first, then the pending one. */
  async function drain(): Promise<void> {
    for (let round = 0; round < 3 && await applyOne(); round++);
  }

  function flush(): Promise<void> {
    running = running.then(async () => {
      try {
        await drain();
        if (failing) console.error('shortener: click flush recovered');
        failing = false;
      } catch (err) {
        if (!failing) console.error(`shortener: click flush failed, will retry: ${(err as Error).message}`);
        failing = true;
      }
    });
    return running;
  }

  const schedule = () => {
    if (!stopped) timer = setTimeout(() => void flush().then(schedule), intervalMs);
  };
  schedule();
  db.query(SQL.pruneBatches).catch(() => {});

  return {
    async count(code) {
      try {
        await cache.increment(PENDING_KEY, code);
      } catch {
        await db.query(SQL.countOneClick, [code]);
      }
    },
    flush,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (let attempt = 0; attempt < 3; attempt++) {
        await flush();
        if (!failing) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}
