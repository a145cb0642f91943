/**
 * The cache behind one small contract: expiring values, a lock, and counters taken in batches.
 * Two backends: Redis through ioredis (shared by every process of a target), and an in-process
 * map (the embedded default). Every Redis call fails fast while Redis is down (no offline queue,
 * no resent commands: a caller that gets an error knows the command was not applied, and falls
 * back to Postgres), and the client reconnects by itself.
 */
import { Redis } from 'ioredis';
import { withTimeout } from './timeout.ts';

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

/** The field of a taken batch that holds its id: not a base62 code, so it never collides with one. */
const BATCH_FIELD = '#batch';

const TAKE_BATCH = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[2], '${BATCH_FIELD}', ARGV[1])
end
return redis.call('HGETALL', KEYS[2])`;

const FINISH_BATCH = `
if redis.call('HGET', KEYS[1], '${BATCH_FIELD}') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface Scripts {
  takeBatch(pending: string, processing: string, id: string): Promise<string[]>;
  finishBatch(processing: string, id: string): Promise<number>;
  unlockIf(key: string, token: string): Promise<number>;
}

function toBatch(flat: string[]): Batch | null {
  const counts: Record<string, number> = {};
  let id: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!, value = flat[i + 1]!;
    if (field === BATCH_FIELD) id = value;
    else counts[field] = Number(value);
  }
  return id === undefined ? null : { id, counts };
}

/**
 * Redis. Resolves once connected, or after `readyTimeoutMs` if Redis is down (the cache then
 * reports itself down and callers fall back until the client reconnects).
 */
export async function redisCache(
  url: string,
  log: (line: string) => void = () => {},
  readyTimeoutMs = 2000,
): Promise<Cache> {
  const redis = new Redis(url, {
    // ioredis' documented throughput option: the commands of one event-loop turn go out as one pipeline.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: 1000,
    connectTimeout: 2000,
    // Reconnect for ever, quickly: recovery is measured in the degradation tests.
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  redis.defineCommand('takeBatch', { lua: TAKE_BATCH, numberOfKeys: 2 });
  redis.defineCommand('finishBatch', { lua: FINISH_BATCH, numberOfKeys: 1 });
  redis.defineCommand('unlockIf', { lua: UNLOCK, numberOfKeys: 1 });
  const scripts = redis as unknown as Scripts;

  let up = false;
  let closing = false;
  redis.on('ready', () => {
    if (!up) log('redis: connected');
    up = true;
  });
  redis.on('error', (err: Error) => {
    if (up && !closing) log(`redis: connection lost (${err.message}); falling back to Postgres until it returns`);
    up = false;
  });
  redis.on('close', () => {
    if (up && !closing) log('redis: connection closed; reconnecting');
    up = false;
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, readyTimeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  return {
    backend: 'redis',
    get: (key) => redis.get(key),
    async set(key, value, ttlMs) {
      await redis.set(key, value, 'PX', ttlMs);
    },
    async del(key) {
      await redis.del(key);
    },
    async lock(key, ttlMs) {
      const token = crypto.randomUUID();
      return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : null;
    },
    async unlock(key, token) {
      await scripts.unlockIf(key, token);
    },
    async increment(key, field) {
      await redis.hincrby(key, field, 1);
    },
    async takeBatch(pending, processing) {
      return toBatch(await scripts.takeBatch(pending, processing, crypto.randomUUID()));
    },
    async finishBatch(processing, id) {
      await scripts.finishBatch(processing, id);
    },
    async ping(timeoutMs = 1000) {
      try {
        return (await withTimeout(redis.ping(), timeoutMs)) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      closing = true;
      try {
        await withTimeout(redis.quit(), 1000);
      } catch {
        redis.disconnect();
      }
    },
  };
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
