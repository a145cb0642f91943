/**
 * A target as the resilience suite handles it: started pinned to the server cores (on a port it
 * can be restarted on after a kill), asked whether it still answers, measured for the RSS of its
 * whole process tree and its open connections, killed with SIGKILL, and its services reset and
 * restarted without blocking the event loop the load runs on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import postgres from 'postgres';
import { z } from 'zod';
import { byId } from '../../contract/catalogue.ts';
import { offers } from '../../contract/health.ts';
import { catalogueCase } from '../../conformance/suite.ts';
import { start, type Started } from '../../targets/process.ts';
import { ROOT, targetByName } from '../../targets/table.ts';
import { ServicesStatus } from '../measure/services.ts';
import { processTreeAt } from '../measure/listeners.ts';
import { processUsage } from '../measure/sampling.ts';

export interface ServerOptions {
  serverCores: string;
  /** DATABASE_URL and REDIS_URL, or none (the embedded data layer). */
  serviceEnv: Record<string, string>;
}

export async function startTarget(name: string, o: ServerOptions, port?: number): Promise<Started> {
  return await start(targetByName(name), {
    wrap: ['taskset', '-c', o.serverCores],
    env: { WORKERS: '1', ...o.serviceEnv },
    ...(port === undefined ? {} : { port }),
  });
}

/** Undefined when the target offers what `workload` needs and answers its catalogue request correctly. */
export async function unservable(server: Started, workload: string): Promise<string | undefined> {
  const endpoint = byId(workload);
  const body = await (await fetch(`${server.baseUrl}/health`)).text();
  const has = new Set(offers(body));
  const missing = endpoint.needs.filter((n) => !has.has(n));
  if (missing.length > 0) return `the target offers no ${missing.join(' or ')} (its /health: ${body})`;
  const ctx = { baseUrl: server.baseUrl, has, fetch, network: true, families: new Set([endpoint.family]) };
  try {
    await catalogueCase(endpoint).run(ctx);
  } catch (err) {
    return `verification failed: ${(err as Error).message.slice(0, 300)}`;
  }
  return undefined;
}

/** The process is alive and /health answers within `timeoutMs`. */
export async function answers(server: Started, timeoutMs = 5000): Promise<boolean> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return false;
  try {
    const res = await fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** SIGKILL to the target's whole process group (it was started detached, as its own group). */
export function killHard(server: Started): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    try {
      process.kill(-server.child.pid!, 'SIGKILL');
    } catch {
      server.child.kill('SIGKILL');
    }
  });
}

/** Resident memory of the target's process tree (the orchestrator's /proc reading, per process). */
export function treeRssBytes(rootPid: number): number {
  let bytes = 0;
  for (const pid of processTreeAt(rootPid)) bytes += processUsage(pid).rssBytes;
  return bytes;
}

/** Established TCP connections the target's process tree holds (sockets other than its listeners). */
export function openConnections(rootPid: number, port: number): number {
  const established = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${rootPid}/net/${table}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // state 01 = ESTABLISHED, on the target's own port (its side of a client's connection)
      if (f.length > 9 && f[3] === '01' && parseInt(f[1]!.split(':')[1]!, 16) === port) established.add(Number(f[9]));
    }
  }
  let held = 0;
  for (const pid of processTreeAt(rootPid)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && established.has(Number(m[1]))) held++;
      } catch {
        // closed meanwhile
      }
    }
  }
  return held;
}

/** `scripts/services.sh <args>` without blocking the event loop; its last stdout line through `schema`. */
export function servicesAsync<T>(schema: z.ZodType<T>, ...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/services.sh', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`scripts/services.sh ${args.join(' ')}: ${err.trim()}`));
      try {
        resolve(schema.parse(JSON.parse(out.trim().split('\n').at(-1) ?? '')));
      } catch (e) {
        reject(e);
      }
    });
  });
}

export const servicesStatus = (...args: string[]) => servicesAsync(ServicesStatus, ...args);

/** Services a fault stopped and has not started again: an interrupted run starts them as it exits. */
const stopped = new Set<'redis' | 'postgres'>();
process.on('exit', () => {
  for (const service of stopped) spawnSync('bash', ['scripts/services.sh', 'start', service], { cwd: ROOT });
});

/** Stops a service for a fault (scripts/services.sh stop). */
export async function stopService(service: 'redis' | 'postgres'): Promise<void> {
  stopped.add(service);
  await servicesStatus('stop', service);
}

/** Starts a stopped service again; resolves when scripts/services.sh has. */
export async function startService(service: 'redis' | 'postgres'): Promise<void> {
  await servicesStatus('start', service);
  stopped.delete(service);
}

/** Redis answers PING (a fresh connection, ≤ 500 ms). */
export function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Postgres answers `SELECT 1` on a fresh connection (≤ 1 s). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 1, idle_timeout: 1, onnotice: () => {} });
  try {
    await Promise.race([sql`SELECT 1`, new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** Polls `probe` every 20 ms until it answers or `timeoutMs` passes; resolves to when it first answered. */
export async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await probe()) return performance.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}

const Clicks = z.array(z.object({ code: z.string(), clicks: z.coerce.number() }));

/** Every code's click count in Postgres, and what waits unflushed in Redis (should be nothing after a clean stop). */
export async function readClicks(urls: { DATABASE_URL: string }): Promise<Map<string, number>> {
  const sql = postgres(urls.DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = Clicks.parse(await sql`SELECT code, clicks FROM urls WHERE clicks > 0`);
    return new Map(rows.map((r) => [r.code, r.clicks]));
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** How many of `keys` exist in Redis (an inline command on a fresh connection). */
export function redisExists(url: string, keys: string[]): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let reply = '';
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error('redis: no answer to EXISTS'));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`EXISTS ${keys.join(' ')}\r\n`));
    socket.on('data', (d) => {
      reply += d;
      const m = /^:(\d+)\r\n/.exec(reply);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
  });
}
