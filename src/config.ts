/** Configuration, read once from the environment into a typed object; fails fast naming the variable. */

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /**
   * GAUNTLET_DATA=off runs without a data layer (no embedded PGlite either): /health says
   * backend none and the data endpoints answer 503, as the baselines do without DATABASE_URL.
   * The orchestrator uses it for workloads that touch no data, so no target carries an idle
   * embedded database in its CPU and RSS figures.
   */
  data: boolean;
  /**
   * WORKERS (default 1): how many workers serve, each its own process or isolate with its own
   * connection pools (one per server core: the orchestrator sets it from the CPU list). Above 1
   * with the data layer on it needs DATABASE_URL and REDIS_URL: the embedded database and cache
   * would be each worker's own (docs/contract.md, "Workers").
   */
  workers: number;
}

type Env = Record<string, string | undefined>;

function port(env: Env): number {
  const raw = env.PORT ?? '3000';
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value > 65535) {
    throw new Error(`PORT must be an integer 0…65535, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL, got ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new Error(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name] ?? 'on';
  if (raw !== 'on' && raw !== 'off') throw new Error(`${name} must be on or off, got ${JSON.stringify(raw)}`);
  return raw === 'on';
}

/** WORKERS: a positive integer, 1 when unset (also for the bare controls, which read nothing else). */
export function workers(env: Env): number {
  const raw = env.WORKERS || '1';
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value < 1 || value > 1024) {
    throw new Error(`WORKERS must be an integer 1…1024, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function loadConfig(env: Env): Config {
  const config = {
    port: port(env),
    host: env.HOST || '127.0.0.1',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    data: flag(env, 'GAUNTLET_DATA'),
    workers: workers(env),
  };
  if (config.workers > 1 && config.data && !(config.databaseUrl && config.redisUrl)) {
    throw new Error(
      `WORKERS=${config.workers} needs DATABASE_URL and REDIS_URL, or GAUNTLET_DATA=off: the embedded database ` +
        "and cache would be each worker's own, so data written through one worker would be missing from the others",
    );
  }
  return config;
}
