/**
 * The cache on Redis through ioredis, shared by every process of a target. Every Redis call fails
 * fast while Redis is down (no offline queue, no resent commands: a caller that gets an error knows
 * the command was not applied, and falls back to Postgres), and the client reconnects by itself.
 * Loaded only when REDIS_URL is set (open.ts).
 */
import { Redis } from 'ioredis';
import type { Batch, Cache } from './cache.ts';
import { withTimeout } from './timeout.ts';

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
