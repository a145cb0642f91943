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

export function loadConfig(env: Env): Config {
  return {
    port: port(env),
    host: env.HOST || '127.0.0.1',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    data: flag(env, 'GAUNTLET_DATA'),
  };
}
