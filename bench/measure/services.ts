/**
 * Postgres and Redis for the data cells, through scripts/services.sh, whose every command ends
 * with one JSON line (read through a schema here, never scraped). `reset` puts both back to the
 * seed between cells: the rows a db-create cell added, the URLs and clicks of a shortener cell,
 * and the cache entries a target leaves behind (they outlive it by up to 60 s).
 */
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { ROOT } from '../../targets/table.ts';

export interface ServiceUrls {
  DATABASE_URL: string;
  REDIS_URL: string;
}

const Urls = { DATABASE_URL: z.string().min(1), REDIS_URL: z.string().min(1) };
const Service = z.object({
  up: z.boolean(),
  port: z.number(),
  version: z.string().nullable(),
  /** The postmaster's or redis-server's process id, when up. */
  pid: z.number().nullable().optional(),
});
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
