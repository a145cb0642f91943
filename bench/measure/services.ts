/**
 * Postgres and Redis for the data cells, through scripts/services.sh, whose every command ends
 * with one JSON line (read through a schema here, never scraped); and the cache reset between
 * cells: the shortener's cache entries outlive a target by up to 60 s, so one target would find
 * the cache warmed by the one before. They are deleted before each shortener cell; the click
 * counts waiting to be applied (`gauntlet:clicks:*`) never are.
 */
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { CACHE_KEY_PATTERNS } from '../../contract/shortener.ts';
import { ROOT } from '../../targets/table.ts';

export interface ServiceUrls {
  DATABASE_URL: string;
  REDIS_URL: string;
}

const Urls = { DATABASE_URL: z.string().min(1), REDIS_URL: z.string().min(1) };
const Service = z.object({ up: z.boolean(), port: z.number(), version: z.string().nullable() });
/** `services.sh status` (and `start`/`stop`). */
export const ServicesStatus = z.object({ ...Urls, postgres: Service, redis: Service });
export type ServicesStatus = z.infer<typeof ServicesStatus>;
/** `services.sh up`: both answering, with their versions. */
export const ServicesUp = z.object({ ...Urls, postgres: z.string(), redis: z.string() });
export type ServicesUp = z.infer<typeof ServicesUp>;

/** Runs `scripts/services.sh <args>` and parses its last stdout line with `schema`; throws with its stderr. */
export function services<T>(schema: z.ZodType<T>, ...args: string[]): T {
  const result = spawnSync('bash', ['scripts/services.sh', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`scripts/services.sh ${args.join(' ')}: ${result.stderr.trim()}`);
  return schema.parse(JSON.parse(result.stdout.trim().split('\n').at(-1) ?? ''));
}

/** The services' URLs when both are up now, else undefined. */
export function runningServices(): ServiceUrls | undefined {
  const status = services(ServicesStatus, 'status');
  if (!status.postgres.up || !status.redis.up) return undefined;
  return { DATABASE_URL: status.DATABASE_URL, REDIS_URL: status.REDIS_URL };
}

export async function clearShortenerCache(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await redis.connect();
  let deleted = 0;
  try {
    for (const pattern of CACHE_KEY_PATTERNS) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
