/**
 * Serving from N workers (WORKERS > 1, one per server core): the process started becomes the
 * primary. It starts N workers running the same entry with GAUNTLET_WORKER set — node:cluster
 * workers on Node (uWS included), child processes of the same command on Bun (Bun's own guide)
 * and Deno — and each worker listens on the port itself with SO_REUSEPORT, so the kernel shares
 * the connections out. The primary serves nothing: it passes SIGTERM/SIGINT on and exits once
 * every worker has, 0 when each exited 0. A worker that exits unasked stops the others (a cell
 * must not go on measuring fewer workers than it says), and the primary exits 1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

/** Whether this process is a worker started by a primary (and so serves). */
export const isWorker = (): boolean => process.env.GAUNTLET_WORKER !== undefined;

const g = globalThis as { Bun?: unknown; Deno?: typeof Deno };

/** A started worker: its pid, a stop request, and how it ended (0 is a clean stop). */
interface WorkerProcess {
  pid: number | undefined;
  terminate(): void;
  exited: Promise<number | string>;
}

const fromChild = (child: ChildProcess): WorkerProcess => ({
  pid: child.pid,
  terminate: () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'),
  exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
});

/**
 * Deno: through Deno.Command, whose status is the child's own (its node:child_process reports a
 * child it has signalled as killed by that signal, whatever status the child exited with). The
 * flags are the primary's permissions but `run` (only the primary starts processes), and
 * --unstable-net: Deno.serve's reusePort is unstable in Deno 2.9 and refused without it.
 */
function denoWorker(deno: typeof Deno, env: Record<string, string>): WorkerProcess {
  const permissions = (['net', 'env', 'read', 'write', 'sys', 'ffi'] as const)
    .filter((name) => deno.permissions.querySync({ name }).state === 'granted')
    .map((name) => `--allow-${name}`);
  const args = ['run', ...permissions, '--unstable-net', fileURLToPath(deno.mainModule), ...process.argv.slice(2)];
  const child = new deno.Command(deno.execPath(), { args, env, stdout: 'inherit', stderr: 'inherit' }).spawn();
  let done = false;
  const exited = child.status.then((s) => {
    done = true;
    return s.signal ?? s.code;
  });
  return { pid: child.pid, terminate: () => !done && child.kill('SIGTERM'), exited };
}

/** Starts one worker of this same entry, with `env` added. */
function startWorker(env: Record<string, string>): WorkerProcess {
  if (g.Deno) return denoWorker(g.Deno, env);
  if (g.Bun) {
    const [command, ...args] = [process.execPath, ...process.argv.slice(1)] as [string, ...string[]];
    return fromChild(spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }));
  }
  return fromChild(cluster.fork(env).process);
}

/** How this runtime starts its workers, for the start-up line. */
export const workerIdiom = (): string =>
  g.Bun
    ? 'Bun child processes, Bun.serve reusePort'
    : g.Deno
    ? 'Deno child processes (--unstable-net), Deno.serve reusePort'
    : 'node:cluster workers, listen reusePort';

/** Runs `workers` workers until a stop signal; the process exits once they all have. */
export function runPrimary(workers: number, log: (line: string) => void): void {
  const children: WorkerProcess[] = [];
  let stopping = false, failed = false, left = workers;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.terminate();
  };
  for (let i = 1; i <= workers; i++) {
    const child = startWorker({ GAUNTLET_WORKER: String(i) });
    children.push(child);
    child.exited.then((status) => {
      // A worker ended by SIGTERM or SIGINT was stopped by someone (the process group's stop, sent
      // before its handlers were set, at start-up): a stop, not a failure.
      const asked = status === 'SIGTERM' || status === 'SIGINT';
      if (status !== 0 && !asked) failed = true;
      if (asked) stop();
      if (!stopping) {
        log(`worker ${i} (pid ${child.pid}) exited unasked (${status}): stopping the others`);
        stop();
      } else if (status !== 0 && !asked) log(`worker ${i} (pid ${child.pid}) stopped with ${status}`);
      if (--left === 0) process.exit(failed ? 1 : 0);
    });
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  log(`primary pid ${process.pid}: ${workers} workers (${workerIdiom()})`);
}
