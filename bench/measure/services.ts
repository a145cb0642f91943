/**
 * Postgres and Redis for the data cells, through scripts/services.sh, whose every command ends
 * with one JSON line (read through a schema here, never scraped). `reset` puts both back to the
 * seed between cells: the rows a db-create cell added, the URLs and clicks of a shortener cell,
 * and the cache entries a target leaves behind (they outlive it by up to 60 s).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Endpoint } from '../../contract/catalogue.ts';
import { ROOT } from '../../targets/table.ts';
import { type CpuAccount, openCpuAccount, processTree } from './cgroup.ts';

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

/**
 * Whether a workload reads or writes what `services.sh reset` puts back to the seed: on a services
 * run it starts from the seed (no rows, URLs, clicks or cache entries left by the cell before it).
 */
export const resetsData = (endpoint: Endpoint): boolean => endpoint.needs.some((n) => n === 'db' || n === 'cache');

/**
 * The data settings a target starts with to serve `endpoints`: the services' URLs on a services
 * run (`serviceEnv`); without services, the app's embedded database only when one of them needs a
 * database (nothing set), else `GAUNTLET_DATA=off`.
 */
export function dataEnv(
  serviceEnv: Readonly<Record<string, string>> | undefined,
  endpoints: readonly Endpoint[],
): Record<string, string> {
  if (serviceEnv) return { ...serviceEnv };
  return endpoints.some((e) => e.needs.includes('db')) ? {} : { GAUNTLET_DATA: 'off' };
}

/** The services' URLs when both are up now, else undefined. */
export function runningServices(): ServiceUrls | undefined {
  const status = services(ServicesStatus, 'status');
  if (!status.postgres.up || !status.redis.up) return undefined;
  return { DATABASE_URL: status.DATABASE_URL, REDIS_URL: status.REDIS_URL };
}

/**
 * Postgres and Redis pinned to `cores` (on 2 cores: with the generator, away from the server) and
 * put in a cgroup of their own, so that a data cell's backend CPU can be read like the server's.
 * New Postgres backends are forked by the postmaster, and inherit both.
 */
export function servicesAccount(cores: string, log: (line: string) => void = () => {}): CpuAccount | undefined {
  const status = services(ServicesStatus, 'status');
  const pids = [status.postgres.pid, status.redis.pid].filter((p): p is number => typeof p === 'number');
  // A bench running beside this one (the services are shared) has them in its own cgroup: leave
  // them there, and go without their CPU figure.
  const taken = pids.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes('gauntlet-');
    } catch {
      return false;
    }
  });
  if (taken !== undefined) {
    log(`the services are in another run's cgroup (pid ${taken}): no backend CPU figures in this run`);
    return undefined;
  }
  for (const pid of pids) {
    for (const each of processTree(pid)) {
      spawnSync('taskset', ['-a', '-p', '-c', cores, String(each)], { stdio: 'ignore' });
    }
  }
  const account = openCpuAccount(`gauntlet-backend-${process.pid}`);
  for (const pid of pids) account?.addTree(pid);
  return account;
}
