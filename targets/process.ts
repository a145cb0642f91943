/**
 * Starting and stopping targets: spawn on a port, poll until /health answers (never a fixed
 * sleep), stop with SIGTERM and then SIGKILL for the whole process group. A target runs in a
 * process group of its own, which a signal to ours does not reach: every target still running when
 * this process exits (normally, by process.exit, or by `exitOnSignal`) gets SIGKILL to its group.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT, type Target } from './table.ts';

export interface Started {
  target: Target;
  port: number;
  baseUrl: string;
  child: ChildProcess;
  /** Everything the server printed, for diagnosing a failed start. */
  output(): string;
  stop(): Promise<number | null>;
}

/** A free loopback port, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(
        () => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))),
      );
    });
  });
}

/** The targets this process started that have not exited yet. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

/**
 * For a command-line tool that starts targets and has no cleanup of its own: SIGINT and SIGTERM
 * end the process (status 130 / 143), and so, through the exit hook above, every target it started.
 */
export function exitOnSignal(log: (line: string) => void = console.error): void {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping ${running.size} target${running.size === 1 ? '' : 's'} and exiting`);
      process.exit(status);
    });
  }
}

const built = new Set<string>();

/** Runs the target's build step once per process. */
export function build(target: Target): void {
  if (!target.build || built.has(target.name)) return;
  const [command, ...args] = target.build as [string, ...string[]];
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`building ${target.name} failed (exit ${result.status})`);
  built.add(target.name);
}

export interface StartOptions {
  port?: number;
  env?: Record<string, string | undefined>;
  /** Prefix the command, e.g. ['taskset', '-c', '0'] to pin the server to a core. */
  wrap?: string[];
  /** How long to poll /health before giving up. */
  timeoutMs?: number;
}

async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer from ${baseUrl}/health within ${timeoutMs} ms`);
}

export async function start(target: Target, options: StartOptions = {}): Promise<Started> {
  build(target);
  const port = options.port ?? await freePort();
  const [command, ...args] = [...(options.wrap ?? []), ...target.command] as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches every child it spawns
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const started: Started = {
    target,
    port,
    baseUrl,
    child,
    output: () => output,
    stop: () => stop(child),
  };
  try {
    await waitForHealth(baseUrl, child, options.timeoutMs ?? 60_000);
  } catch (err) {
    await stop(child);
    throw new Error(`${target.name}: ${(err as Error).message}\n${output}`);
  }
  return started;
}

/** SIGTERM to the group; SIGKILL if it has not exited within the grace period. Resolves to the exit code. */
export function stop(child: ChildProcess, graceMs = 5000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    signalGroup(child, 'SIGTERM');
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}
