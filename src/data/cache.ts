/**
 * The cache behind one small contract: expiring values, a lock, and counters taken in batches.
 * Two backends: Redis (redis.ts, shared by every process of a target), and the in-process map
 * here (the embedded default).
 */

/** Counts taken from a counter hash, under the id that makes applying them idempotent. */
export interface Batch {
  id: string;
  counts: Record<string, number>;
}

export interface Cache {
  readonly backend: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** SET NX PX: the token that releases the lock, or null while someone else holds it. */
  lock(key: string, ttlMs: number): Promise<string | null>;
  /** Releases the lock if `token` still holds it (it may have expired and been taken since). */
  unlock(key: string, token: string): Promise<void>;
  /** Adds 1 to `field` of the counter hash `key`. */
  increment(key: string, field: string): Promise<void>;
  /**
   * Atomically moves the counter hash `pending` to `processing` under a fresh batch id and
   * returns it; returns the batch already in `processing` (an earlier flush that failed) first.
   */
  takeBatch(pending: string, processing: string): Promise<Batch | null>;
  /** Deletes `processing` if it still holds batch `id` (call it once the batch is applied). */
  finishBatch(processing: string, id: string): Promise<void>;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The in-process cache: a bounded map with expiry, counters in maps. One process, so one lock holder. */
export function memoryCache(maxEntries = 200_000): Cache {
  const values = new Map<string, { value: string; expires: number }>();
  const counters = new Map<string, Map<string, number>>();
  const batches = new Map<string, Batch>();

  const read = (key: string): string | null => {
    const entry = values.get(key);
    if (!entry) return null;
    if (entry.expires <= Date.now()) {
      values.delete(key);
      return null;
    }
    return entry.value;
  };
  const write = (key: string, value: string, ttlMs: number) => {
    values.delete(key); // re-inserted last: the map's order is the eviction order
    values.set(key, { value, expires: Date.now() + ttlMs });
    if (values.size > maxEntries) values.delete(values.keys().next().value!);
  };

  return {
    backend: 'memory',
    get: (key) => Promise.resolve(read(key)),
    set(key, value, ttlMs) {
      write(key, value, ttlMs);
      return Promise.resolve();
    },
    del(key) {
      values.delete(key);
      return Promise.resolve();
    },
    lock(key, ttlMs) {
      if (read(key) !== null) return Promise.resolve(null);
      const token = crypto.randomUUID();
      write(key, token, ttlMs);
      return Promise.resolve(token);
    },
    unlock(key, token) {
      if (read(key) === token) values.delete(key);
      return Promise.resolve();
    },
    increment(key, field) {
      let counter = counters.get(key);
      if (!counter) counters.set(key, counter = new Map());
      counter.set(field, (counter.get(field) ?? 0) + 1);
      return Promise.resolve();
    },
    takeBatch(pending, processing) {
      const held = batches.get(processing);
      if (held) return Promise.resolve(held);
      const counter = counters.get(pending);
      if (!counter || counter.size === 0) return Promise.resolve(null);
      counters.delete(pending);
      const batch = { id: crypto.randomUUID(), counts: Object.fromEntries(counter) };
      batches.set(processing, batch);
      return Promise.resolve(batch);
    },
    finishBatch(processing, id) {
      if (batches.get(processing)?.id === id) batches.delete(processing);
      return Promise.resolve();
    },
    ping: () => Promise.resolve(true),
    close() {
      values.clear();
      return Promise.resolve();
    },
  };
}
