/**
 * CPU per worker: how a multi-core server's CPU time split over its workers during a window — the
 * worker processes (utime + stime of /proc/<pid>/stat, every thread of the process included) or,
 * for a server of worker threads, each worker thread (/proc/<pid>/task/<tid>/stat). A spread whose
 * busiest worker used more than UNEVEN_MAX_OVER_MIN times the CPU of the idlest is flagged uneven:
 * the load was not shared out (SO_REUSEPORT hashes connections, and a few long-lived connections
 * can land mostly on one worker), so the cell measured fewer effective cores than it was given.
 * Memory needs nothing here: sampling.ts already sums RSS over the server's whole process group.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpectedListeners } from '../../targets/workers.ts';
import { type Listeners, PROC, workerThreadsOf } from './listeners.ts';

/** A worker CPU spread whose max/min is above this is uneven (documented in docs/contract.md). */
export const UNEVEN_MAX_OVER_MIN = 1.5;

/** utime + stime, in clock ticks, of a stat line (process or thread); undefined when gone. */
function ticksAt(root: string, path: string): number | undefined {
  try {
    const text = readFileSync(join(root, path), 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

/** CPU ticks at one moment: each worker's (`pid` or `pid/tid`), and the whole tree's. */
export interface WorkerCpuSnapshot {
  workers: Map<string, number>;
  treeTicks: number;
}

/**
 * The CPU ticks of each worker of a server whose listeners are `found`, now: its worker processes,
 * or, given `threads` (what a threads-model server's expected listeners name), its worker threads.
 */
export function snapshotWorkerCpu(
  found: Listeners,
  threads?: ExpectedListeners['workerThreads'],
  root = PROC,
): WorkerCpuSnapshot {
  const workers = new Map<string, number>();
  if (threads) {
    for (const t of workerThreadsOf(found, threads.pattern, threads.mainThread)) {
      const ticks = ticksAt(root, `${t.pid}/task/${t.tid}/stat`);
      if (ticks !== undefined) workers.set(`${t.pid}/${t.tid}`, ticks);
    }
  } else {
    for (const pid of found.workers) {
      const ticks = ticksAt(root, `${pid}/stat`);
      if (ticks !== undefined) workers.set(String(pid), ticks);
    }
  }
  const treeTicks = found.tree.reduce((sum, pid) => sum + (ticksAt(root, `${pid}/stat`) ?? 0), 0);
  return { workers, treeTicks };
}

/** How a window's CPU split over the workers: what a cell records. */
export interface WorkerCpu {
  /** Each worker's share of the workers' CPU (sums to 1), busiest first. */
  shares: number[];
  /** Busiest worker's CPU ÷ idlest's (Infinity when one used none; 1 with one worker or no CPU). */
  maxOverMin: number;
  /** maxOverMin above UNEVEN_MAX_OVER_MIN. */
  uneven: boolean;
  /** The share of the whole tree's CPU used outside the workers (a supervisor, a wrapper, helper threads). */
  otherShare: number;
}

/**
 * The split between two snapshots. With more candidate threads than `workers` (a runtime that
 * names its blocking-pool threads like its workers: tokio), the `workers` busiest count.
 */
export function workerCpu(before: WorkerCpuSnapshot, after: WorkerCpuSnapshot, workers: number): WorkerCpu {
  const used = [...after.workers].map(([id, ticks]) => Math.max(0, ticks - (before.workers.get(id) ?? 0)))
    .sort((a, b) => b - a).slice(0, workers);
  while (used.length < workers) used.push(0); // a worker that has exited used nothing since
  const total = used.reduce((a, b) => a + b, 0);
  const tree = Math.max(0, after.treeTicks - before.treeTicks);
  const max = used[0] ?? 0, min = used.at(-1) ?? 0;
  const maxOverMin = total === 0 ? 1 : min === 0 ? Infinity : max / min;
  return {
    shares: used.map((t) => (total === 0 ? 1 / used.length : t / total)),
    maxOverMin,
    uneven: maxOverMin > UNEVEN_MAX_OVER_MIN,
    // Threads are read apart from their process, so the sums can disagree by a tick or two.
    otherShare: tree === 0 ? 0 : Math.min(1, Math.max(0, (tree - total) / tree)),
  };
}

/** `52% / 48%` (busiest first), `uneven` after it when it is. */
export const describeWorkerCpu = (w: WorkerCpu): string =>
  w.shares.map((s) => `${Math.round(s * 100)}%`).join(' / ') + (w.uneven ? ' (uneven)' : '');
