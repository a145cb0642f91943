/**
 * Opens the data layer the configuration names: Postgres when DATABASE_URL is set, else PGlite in
 * process; Redis when REDIS_URL is set, else an in-process map.
 */
import type { Config } from '../config.ts';
import { memoryCache } from './cache.ts';
import { composeData, type Data } from './index.ts';

/** Opens the backends the configuration names (the embedded ones for what it leaves unset). */
export async function openData(
  config: Pick<Config, 'databaseUrl' | 'redisUrl'> & Partial<Pick<Config, 'workers'>>,
  log: (line: string) => void = () => {},
): Promise<Data> {
  // Each driver is loaded only when configured: a process that runs without Postgres, Redis or
  // PGlite does not keep their code alive in its heap (ioredis and postgres.js are 2 MB of it on
  // Bun), which every full collection would mark again.
  const { databaseUrl, redisUrl } = config;
  const [db, cache] = await Promise.all([
    databaseUrl
      ? import('./postgres.ts').then((m) => m.postgresDb(databaseUrl, config.workers))
      : import('./pglite.ts').then((m) => m.pgliteDb(log)),
    redisUrl ? import('./redis.ts').then((m) => m.redisCache(redisUrl, log)) : memoryCache(),
  ]);
  return composeData(db, cache);
}
