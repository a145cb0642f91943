/**
 * Multi-core runs: every target of a run serves from N workers, N the number of server cores in
 * the `--server-cores` CPU list (never the machine's count), in its ecosystem's idiom
 * (targets/workers.ts). This module decides whether a run can be made at all (`planMultiCore`),
 * and gives each cell its listener check and CPU split per worker (`watchWorkers`).
 */
import { byId } from '../../contract/catalogue.ts';
import { type Target, targetByName } from '../../targets/table.ts';
import { describeMultiCore, expectedListeners, scales } from '../../targets/workers.ts';
import { cpuCount, parseCpuList } from './cpus.ts';
import { describeListeners, type Listeners, waitForListeners } from './listeners.ts';
import { snapshotWorkerCpu, type WorkerCpu, workerCpu } from './worker-cpu.ts';

/** WORKERS for every target of a run: one worker per server core of the CPU list. */
export const workersFor = (serverCores: string): number => cpuCount(serverCores);

/** The CPUs two lists share. */
export const sharedCpus = (a: string, b: string): number[] => {
  const other = new Set(parseCpuList(b));
  return parseCpuList(a).filter((cpu) => other.has(cpu));
};

export interface MultiCoreRun {
  targets: string[];
  workloads: string[];
  serverCores: string;
  generatorCores: string;
  backend: 'embedded' | 'services';
  /** --targets was given (else the targets are the default list, from which those that cannot scale are dropped). */
  targetsGiven: boolean;
}

export interface MultiCorePlan {
  /** WORKERS for every target. */
  workers: number;
  /** The targets to run: the given ones, or the default list without those that cannot scale. */
  targets: string[];
  /** Default targets left out because they cannot run `workers` workers, and why. */
  dropped: string[];
  /** Why the run cannot be made as asked (the CLI exits 2 with it). */
  refusal?: string;
  /** Why the run's figures are a functional check, not figures (run.json `settings.functional`). */
  functional?: string;
}

/**
 * What a run with these settings does with more than one server core: refused when a given target
 * cannot serve from N workers (a run never mixes single- and multi-core targets) or when a data
 * workload would run on the embedded backend (its database and cache would be one per worker:
 * docs/contract.md); labelled functional when the server and generator share a core.
 */
export function planMultiCore(run: MultiCoreRun): MultiCorePlan {
  const workers = workersFor(run.serverCores);
  const shared = sharedCpus(run.serverCores, run.generatorCores);
  const functional = shared.length === 0 ? undefined : `the server cores (${run.serverCores}) and the generator ` +
    `cores (${run.generatorCores}) share CPU ${shared.join(', ')}: the load generator competes with the server ` +
    'for it, so this run checks that everything works; its figures are not comparable measurements';
  const plan: MultiCorePlan = { workers, targets: run.targets, dropped: [], ...(functional ? { functional } : {}) };
  if (workers === 1) return plan;

  const single = run.targets.map(targetByName).filter((t) => !scales(t.multiCore));
  if (single.length > 0 && !run.targetsGiven) {
    plan.targets = run.targets.filter((name) => !single.some((t) => t.name === name));
    plan.dropped = single.map((t) => `${t.name} (${describeMultiCore(t.multiCore)})`);
  } else if (single.length > 0) {
    return {
      ...plan,
      refusal: `--server-cores ${run.serverCores} runs every target on ${workers} workers, and ` +
        `${single.map((t) => `${t.name} cannot (${describeMultiCore(t.multiCore)})`).join('; ')}. ` +
        'A run never mixes single- and multi-core targets: drop ' +
        `${single.length === 1 ? 'it' : 'them'} from --targets, or measure ${
          single.length === 1 ? 'it' : 'them'
        } in a run with one server core`,
    };
  }
  if (run.backend === 'embedded') {
    const data = run.workloads.filter((id) => byId(id).needs.some((n) => n === 'db' || n === 'cache'));
    if (data.length > 0) {
      return {
        ...plan,
        refusal: `with ${workers} workers the data workloads (${data.join(', ')}) need --services: the embedded ` +
          "database (PGlite) and cache are each worker's own, so a URL shortened on one worker is unknown to the " +
          'next and every count is split (docs/contract.md, "Workers"). Add --services, or drop them from --workloads',
      };
    }
  }
  return plan;
}

/** A cell's view of its server's workers: checked before the load, their CPU split over the window. */
export interface WorkerWatch {
  listeners: Listeners;
  /** What was found, for the progress line and logs. */
  line: string;
  /** Call right before the measured load; the returned function gives the split right after it. */
  start(): () => WorkerCpu;
}

/**
 * Waits (at most `timeoutMs`) until the server started from `target` with WORKERS=`workers` shows
 * exactly its expected listening sockets, holders and workers; rejects with what differs.
 */
export async function watchWorkers(
  target: Target,
  workers: number,
  pid: number,
  port: number,
  timeoutMs = 10_000,
): Promise<WorkerWatch> {
  const expected = expectedListeners(target.multiCore, workers);
  const listeners = await waitForListeners(pid, port, expected, timeoutMs);
  const count = expected.workerThreads ? workers : expected.workerProcesses;
  return {
    listeners,
    line: describeListeners(listeners),
    start() {
      const before = snapshotWorkerCpu(listeners, expected.workerThreads);
      return () => workerCpu(before, snapshotWorkerCpu(listeners, expected.workerThreads), count);
    },
  };
}

/** The optional Figures fields of a window's split (none with one worker: nothing to split). */
export function workerFigures(split: WorkerCpu): { workerCpuShares?: number[]; workerCpuUneven?: boolean } {
  return split.shares.length < 2 ? {} : { workerCpuShares: split.shares, workerCpuUneven: split.uneven };
}
