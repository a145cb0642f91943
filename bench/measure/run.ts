/**
 * One run = targets × workloads × repeats, interleaved: repeat-major, then workload, then target,
 * so that the targets of a workload are measured side by side and repeats are spread over the
 * run. Each (target, workload, repeat): start the target pinned to the server cores, poll
 * /health, verify the workload's responses, warm up, measure while sampling /proc, stop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byId, type Endpoint, reaches } from '../../contract/catalogue.ts';
import { catalogueCase } from '../../conformance/suite.ts';
import { type Health, offers } from '../../contract/health.ts';
import { drive, type Driven, type Driver, pickDriver } from './drivers.ts';
import { gitState, machine, pythonPackages, versions } from './machine.ts';
import { runtimeEnv } from './runtime-env.ts';
import { watchWorkers, workerFigures } from './multicore.ts';
import { calibrateDrivers, CALIBRATION_TARGET, calibrationProbes } from './calibrate.ts';
import { type HostChecker, hostOutlier, MAX_ATTEMPTS, openHostChecker } from './hostcheck.ts';
import { start, type Started } from '../../targets/process.ts';
import { dataEnv, resetsData, services, servicesAccount, ServicesStatus } from './services.ts';
import { CLOCK_TICKS, sample } from './sampling.ts';
import {
  type Cell,
  Cell as CellSchema,
  type Figures,
  type Limiter,
  type Repeat,
  RunMeta,
  type Sample,
} from '../results/schema.ts';
import { medianOfPresent } from '../results/stats.ts';
import { cellKey, cellSummary } from '../results/summary.ts';
import { cpuCount, parseCpuList } from './cpus.ts';
import { type CpuAccount, cpuMark, foreignCpuPct, openCpuAccount, untilIdle } from './cgroup.ts';
import { notServed, targetByName } from '../../targets/table.ts';

export interface BenchOptions {
  targets: string[];
  workloads: string[];
  mode: 'closed' | 'rate';
  connections: number;
  rate?: number;
  durationS: number;
  warmupS: number;
  /** Rounds every cell gets (and, adaptive, the rounds before convergence is judged). */
  repeats: number;
  /** Adaptive: a cell not converged gets rounds up to this many (default: repeats, not adaptive). */
  maxRepeats?: number;
  /** CPU per unit's relative interval half-width at which a cell has converged (0.05). */
  targetHalfWidth?: number;
  /** Seeds each round's shuffled order (recorded in run.json). */
  seed?: number;
  /** End a closed-loop run with the fixed-rate table (every target of a workload at one offered rate). */
  rateTable?: boolean;
  /** Why the run is a functional check, not figures (server and generator share a core). */
  functional?: string;
  serverCores: string;
  generatorCores: string;
  driver: 'auto' | Driver;
  backend: 'embedded' | 'services';
  /** DATABASE_URL and REDIS_URL for the targets when backend is services. */
  serviceEnv: Record<string, string>;
  quick: boolean;
  /** Why no fast driver could be had for request/response cells (then k6 ran them, and limited them). */
  peakDriverMissing?: string;
  outDir: string;
  runId: string;
}

/** A generator above this share of its cores limits the throughput it can show. */
export const GENERATOR_BOUND_PCT = 90;

/** The database a cell's requests reached: none, the target's embedded one, or the real services. */
export function backendOf(endpoint: Endpoint, health: Partial<Health>): Cell['backend'] {
  const db = health.db?.backend;
  if (!reaches(endpoint, 'db') || !db || db === 'none') return 'none';
  return db === 'postgres' ? 'services' : 'embedded';
}

/**
 * The server's figures for the measured phase, joined with what the generator reported. The
 * generator is the limit when its cores are near full — every process on them counts, not only
 * the driver's — and its cost per unit is its own report (loadgen) or its process's sampled CPU.
 */
export function figures(
  driven: Driven,
  serverCpu: { ns: number; source: string },
  samples: Sample[],
  generatorCores: number,
  /** Postgres + Redis CPU over the window, when they were measured (pinned with the generator). */
  backendNs?: number,
  serverCores = 1,
  mode: 'closed' | 'rate' = 'closed',
): Figures {
  const medianOf = (pick: (s: Sample) => number | undefined) => medianOfPresent(samples.map(pick));
  const generatorCpuPct = (medianOf((s) => s.generatorCpuPct) ?? 0) / generatorCores;
  const generatorCoreBusyPct = medianOf((s) => s.generatorCoreBusyPct);
  const stealPct = medianOf((s) => s.stealPct);
  // The services share the generator cores: their part of those cores' busy time is not the driver's.
  const backendPct = backendNs === undefined ? 0 : (100 * backendNs) / 1e9 / driven.durationS / generatorCores;
  const generatorCpuUsPerUnit = driven.extra.driver_cpu_us_per_unit ??
    (driven.units > 0 ? (generatorCpuPct / 100) * generatorCores * driven.durationS * 1e6 / driven.units : undefined);
  const serverCpuPct = (100 * serverCpu.ns) / 1e9 / driven.durationS / serverCores;
  const generatorBound = Math.max(generatorCpuPct, (generatorCoreBusyPct ?? 0) - backendPct) >= GENERATOR_BOUND_PCT;
  return {
    units: driven.units,
    durationS: driven.durationS,
    throughput: driven.units / driven.durationS,
    errorRate: driven.errorRate,
    latencyMs: driven.latencyMs,
    serverCpuUsPerUnit: serverCpu.ns / 1000 / driven.units,
    serverCpuSource: serverCpu.source,
    serverPeakRssBytes: Math.max(0, ...samples.map((s) => s.serverRssBytes)),
    serverEndRssBytes: samples.at(-1)?.serverRssBytes ?? 0,
    generatorCpuPct,
    ...(generatorCoreBusyPct === undefined ? {} : { generatorCoreBusyPct }),
    ...(generatorCpuUsPerUnit === undefined ? {} : { generatorCpuUsPerUnit }),
    ...(stealPct === undefined ? {} : { stealPct }),
    ...(backendNs === undefined ? {} : { backendCpuUsPerUnit: backendNs / 1000 / driven.units }),
    generatorBound,
    serverCpuPct,
    limiter: limiterOf({ mode, serverCpuPct, generatorBound, generatorCoreBusyPct, backendPct }),
    droppedIterations: driven.droppedIterations,
    extra: driven.extra,
  };
}

/** A server whose cores are at least this busy is the limit of its window. */
export const SERVER_BOUND_PCT = 90;

/**
 * What held a window (see Limiter): a saturated server first (its figures are its capacity), then
 * saturated generator cores — the backend's when Postgres and Redis took at least half of that
 * busy time, else the driver's — then the offered rate of a fixed-rate window, else latency.
 */
export function limiterOf(w: {
  mode: 'closed' | 'rate';
  serverCpuPct: number;
  generatorBound: boolean;
  generatorCoreBusyPct: number | undefined;
  /** The services' share of the generator cores, %. */
  backendPct: number;
}): Limiter {
  if (w.serverCpuPct >= SERVER_BOUND_PCT) return 'server';
  const coresFull = (w.generatorCoreBusyPct ?? 0) >= GENERATOR_BOUND_PCT;
  if (w.backendPct >= GENERATOR_BOUND_PCT || (coresFull && 2 * w.backendPct >= w.generatorCoreBusyPct!)) {
    return 'backend';
  }
  if (w.generatorBound) return 'generator';
  return w.mode === 'rate' ? 'rate' : 'latency';
}

/** The k6 scripts' error threshold, applied to every driver: at or above it a repeat has failed. */
export const MAX_ERROR_RATE = 0.01;

/** Why a driven repeat does not count: the driver's own verdict, nothing completed, or too many errors. */
export function failureOf(
  driven: Pick<Driven, 'failure' | 'units' | 'durationS' | 'errorRate'>,
): string | undefined {
  if (driven.failure) return driven.failure;
  if (driven.units === 0) return `nothing completed in the ${driven.durationS.toFixed(1)} s measured`;
  if (driven.errorRate >= MAX_ERROR_RATE) {
    return `error rate ${(driven.errorRate * 100).toFixed(1)}% (the limit is ${MAX_ERROR_RATE * 100}%)`;
  }
  return undefined;
}

/**
 * Connections for the heavy workloads (CPU and memory stress) in closed loop. A request's latency is
 * about connections × service time: at 50, a target taking 120 ms a request (primes on one Python
 * worker) completes nothing in a few seconds' window. Four keep one server core busy.
 */
export const HEAVY_CONNECTIONS = 4;

export const connectionsFor = (endpoint: { heavy?: boolean }, connections: number): number =>
  endpoint.heavy ? Math.min(connections, HEAVY_CONNECTIONS) : connections;

export interface Progress {
  (line: string): void;
}

/** One target × workload of the matrix, in the run's mode — or at the fixed-rate table's rate. */
export interface CellPlan {
  target: string;
  workload: string;
  phase?: 'main' | 'rate-table';
  rate?: number;
}

/** The matrix: every target × workload a target serves; what it does not serve is recorded as skipped. */
function planCells(o: BenchOptions): { plans: CellPlan[]; skipped: RunMeta['skipped'] } {
  const plans: CellPlan[] = [];
  const skipped: RunMeta['skipped'] = [];
  for (const workload of o.workloads) {
    const endpoint = byId(workload);
    for (const target of o.targets) {
      const why = notServed(targetByName(target), endpoint);
      if (why) skipped.push({ target, workload, ...why });
      else plans.push({ target, workload });
    }
  }
  return { plans, skipped };
}

/** The services as a run finds them (versions, settings, rows, keys), read through `services.sh facts`. */
const ServiceFacts = RunMeta.shape.services.unwrap();

/** run.json as it starts: the commit, the machine, every version and setting, the matrix. */
function startMeta(o: BenchOptions, skipped: RunMeta['skipped'], startedAt: Date): RunMeta {
  const env = runtimeEnv();
  return {
    id: o.runId,
    startedAt: startedAt.toISOString(),
    git: gitState(),
    machine: machine(),
    versions: versions(),
    ...(o.backend === 'services' ? { services: services(ServiceFacts, 'facts') } : {}),
    pythonPackages: pythonPackages(),
    settings: {
      mode: o.mode,
      connections: o.connections,
      ...(o.rate ? { rate: o.rate } : {}),
      durationS: o.durationS,
      warmupS: o.warmupS,
      repeats: o.repeats,
      ...(o.maxRepeats && o.maxRepeats > o.repeats ? { maxRepeats: o.maxRepeats } : {}),
      targetHalfWidth: o.targetHalfWidth ?? TARGET_HALF_WIDTH,
      seed: o.seed ?? 1,
      rateTable: o.rateTable ?? false,
      serverCores: o.serverCores,
      generatorCores: o.generatorCores,
      driver: o.driver,
      backend: o.backend,
      ...(o.backend === 'services' ? { servicesCores: o.generatorCores } : {}),
      quick: o.quick,
      ...(o.functional ? { functional: o.functional } : {}),
      ...(o.peakDriverMissing ? { peakDriverMissing: o.peakDriverMissing } : {}),
      ...(Object.keys(env).length > 0 ? { runtimeEnv: env } : {}),
    },
    targets: o.targets.map((name) => {
      const t = targetByName(name);
      return { name, language: t.language, description: t.description, settings: t.settings };
    }),
    workloads: o.workloads,
    cells: [],
    skipped,
    failedRepeats: 0,
    rounds: [],
  };
}

/** A cell has converged when CPU per unit's 95 % interval is within ±5 % of its median. */
export const TARGET_HALF_WIDTH = 0.05;

/** What one repeat of a cell gave: its result, or that the target lacks what the workload needs. */
type Measured =
  | { kind: 'result'; result: Repeat; backend: Cell['backend']; line: string }
  | { kind: 'unavailable'; reason: string };

interface RepeatContext {
  o: BenchOptions;
  plan: CellPlan;
  repeat: number;
  scratch: string;
  serverCoreCount: number;
  generatorCoreCount: number;
  /** Postgres and Redis in a cgroup, for their CPU per unit on data cells (services runs). */
  backendAccount?: CpuAccount;
  /** The fixed loop on the server core, timed before and after the measured phase. */
  host: HostChecker;
}

let accounts = 0;

const modeOf = (o: BenchOptions, plan: CellPlan) => (plan.rate ? 'rate' : o.mode);
const rateOf = (o: BenchOptions, plan: CellPlan) => plan.rate ?? o.rate;

/**
 * One window of one cell: start the target pinned (in a cgroup of its own where one can be made,
 * for exact CPU time), read what it offers, verify the workload's response, warm up, wait for the
 * server to go idle, then measure while sampling the server and the generator, with the host
 * checked on the server core just before and after; always stop it.
 */
async function measureRepeat(c: RepeatContext): Promise<Measured> {
  const { o, plan, repeat } = c;
  const endpoint = byId(plan.workload);
  const mode = modeOf(o, plan), rate = rateOf(o, plan);
  const driver = pickDriver(endpoint, mode, o.driver);
  const connections = connectionsFor(endpoint, o.connections);
  let server: Started | undefined;
  const account = openCpuAccount(`gauntlet-${process.pid}-${++accounts}`);
  // The driver in a cgroup of its own, so that what else ran during the window can be told apart.
  const driverAccount = account && openCpuAccount(`gauntlet-driver-${process.pid}-${accounts}`);
  try {
    // Equal conditions: every data cell starts from the seed (no rows, URLs, clicks or cache
    // entries left by the cell before it).
    if (o.backend === 'services' && resetsData(endpoint)) services(ServicesStatus, 'reset');
    server = await start(targetByName(plan.target), {
      wrap: ['taskset', '-c', o.serverCores],
      env: {
        WORKERS: String(c.serverCoreCount),
        ...dataEnv(o.backend === 'services' ? o.serviceEnv : undefined, [endpoint]),
      },
    });
    account?.addGroup(server.child.pid!);
    // Exactly the listeners and workers the target's idiom gives for this many cores, before any load.
    const workers = await watchWorkers(targetByName(plan.target), c.serverCoreCount, server.child.pid!, server.port);
    const healthBody = await (await fetch(`${server.baseUrl}/health`)).text();
    const has = new Set(offers(healthBody));
    const missing = endpoint.needs.filter((n) => !has.has(n));
    if (missing.length > 0) {
      return {
        kind: 'unavailable',
        reason: `the target offers no ${missing.join(' or ')} (its /health: ${healthBody})`,
      };
    }
    const backend = backendOf(endpoint, JSON.parse(healthBody) as Partial<Health>);
    const ctx = { baseUrl: server.baseUrl, has, fetch, network: true, families: new Set([endpoint.family]) };
    await catalogueCase(endpoint).run(ctx).catch((err) => {
      throw new Error(`verification failed: ${(err as Error).message.slice(0, 400)}`);
    });
    const base = {
      baseUrl: server.baseUrl,
      endpoint,
      mode,
      connections,
      ...(rate ? { rate } : {}),
      generatorCores: o.generatorCores,
    };
    if (o.warmupS > 0) {
      await drive(driver, {
        ...base,
        durationS: o.warmupS,
        summaryPath: join(c.scratch, 'warmup.json'),
        onStart: () => {},
      });
    }
    if (account) await untilIdle(account);
    const hostBefore = await c.host.check();
    let generatorPid: number | undefined;
    const sampling = sample(server.child.pid!, () => generatorPid, {
      server: parseCpuList(o.serverCores),
      generator: parseCpuList(o.generatorCores),
    });
    const workerSplit = workers.start();
    const before = sampling.mark();
    const cpuBefore = account?.usageNs();
    const backendAccount = reaches(endpoint, 'db') || reaches(endpoint, 'cache') ? c.backendAccount : undefined;
    const backendBefore = backendAccount?.usageNs();
    const marked = () => cpuMark(account, driverAccount, c.backendAccount);
    const markBefore = marked();
    const driven = await drive(driver, {
      ...base,
      durationS: o.durationS,
      summaryPath: join(c.scratch, `${plan.target}__${plan.workload}-${repeat}.json`),
      onStart: (pid) => {
        generatorPid = pid;
        driverAccount?.addTree(pid);
      },
    });
    const after = sampling.mark();
    const split = workerSplit();
    const cpuAfter = account?.usageNs();
    const backendAfter = backendAccount?.usageNs();
    const markAfter = markBefore && marked();
    const foreign = markBefore && markAfter ? foreignCpuPct(markBefore, markAfter) : undefined;
    const samples = sampling.stop();
    // The requests the driver left in flight finish first: a server still computing (a stress cell
    // on a slow target) would share the core with the check loop and read as a slow host.
    if (account) await untilIdle(account);
    const hostAfter = await c.host.check();
    const failure = failureOf(driven);
    // Nothing completed: no figure to compute (CPU per request would divide by zero).
    if (driven.units === 0) throw new Error(failure!);
    const serverCpu = cpuBefore !== undefined && cpuAfter !== undefined
      ? { ns: cpuAfter - cpuBefore, source: account!.source }
      : {
        ns: ((after.server.ticks - before.server.ticks) / CLOCK_TICKS) * 1e9,
        source: '/proc ticks',
      };
    const backendNs = backendBefore !== undefined && backendAfter !== undefined
      ? backendAfter - backendBefore
      : undefined;
    const f: Figures = {
      ...figures(driven, serverCpu, samples, c.generatorCoreCount, backendNs, c.serverCoreCount, mode),
      ...workerFigures(split),
      ...(foreign === undefined ? {} : { foreignCpuPct: foreign }),
      host: { calibrationNs: [hostBefore, hostAfter], attempts: 1 },
    };
    const result: Repeat = failure
      ? { state: 'failed', repeat, reason: failure }
      : { state: 'ok', repeat, figures: f, samples };
    return { kind: 'result', result, backend, line: progressLine(f, endpoint, driver, failure) };
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]!.slice(0, 500);
    return { kind: 'result', result: { state: 'failed', repeat, reason }, backend: 'none', line: `FAILED ${reason}` };
  } finally {
    await server?.stop();
    account?.close();
    driverAccount?.close();
  }
}

/**
 * A window, measured again (at most MAX_ATTEMPTS in all) while its host was far out of line —
 * steal, or the loop on the server core much slower than the run's usual — so one bad moment of a
 * shared host does not become a figure. `history` holds every check of the run, and grows here.
 */
async function measureWindow(c: RepeatContext, history: number[], log: Progress): Promise<Measured> {
  for (let attempt = 1;; attempt++) {
    const m = await measureRepeat(c);
    if (m.kind !== 'result' || m.result.state !== 'ok') return m;
    const f = m.result.figures;
    const checks = f.host!.calibrationNs;
    const outlier = hostOutlier(checks, f.stealPct, history, f.foreignCpuPct);
    history.push(...checks);
    if (!outlier) {
      f.host = { calibrationNs: checks, attempts: attempt };
      return m;
    }
    if (attempt >= MAX_ATTEMPTS) {
      f.host = { calibrationNs: checks, attempts: attempt, outlier };
      return m;
    }
    log(`      host out of line (${outlier}): measuring ${c.plan.workload} on ${c.plan.target} again`);
  }
}

function progressLine(f: Figures, endpoint: Endpoint, driver: Driver, failure: string | undefined): string {
  const unit = endpoint.expect.kind === 'websocket-echo' ? 'msg' : 'req';
  return `${Math.round(f.throughput).toLocaleString('en')} ${unit}/s, p99 ${f.latencyMs.p99.toFixed(2)} ms, ` +
    `${f.serverCpuUsPerUnit.toFixed(1)} µs CPU each, peak RSS ${(f.serverPeakRssBytes / 2 ** 20).toFixed(0)} MiB, ` +
    `${driver} at ${f.generatorCpuPct.toFixed(0)}%` +
    (f.generatorCoreBusyPct === undefined ? '' : ` (cores ${f.generatorCoreBusyPct.toFixed(0)}% busy)`) +
    (f.limiter ? `, ${f.limiter}-bound` : '') +
    (f.workerCpuShares
      ? `, workers ${f.workerCpuShares.map((x) => `${Math.round(100 * x)}%`).join('/')}${
        f.workerCpuUneven ? ' (uneven)' : ''
      }`
      : '') +
    (failure ? ` FAILED: ${failure}` : '');
}

/** The cell with one more repeat, summarised again. */
function withRepeat(
  o: BenchOptions,
  plan: CellPlan,
  previous: Cell | undefined,
  m: Extract<Measured, { kind: 'result' }>,
): Cell {
  const endpoint = byId(plan.workload);
  const connections = connectionsFor(endpoint, o.connections);
  const mode = modeOf(o, plan);
  const repeats = [...(previous?.repeats ?? []), m.result];
  return CellSchema.parse({
    target: plan.target,
    workload: plan.workload,
    family: endpoint.family,
    driver: pickDriver(endpoint, mode, o.driver),
    mode,
    ...(plan.phase === 'rate-table' ? { phase: 'rate-table', rate: plan.rate } : {}),
    ...(mode === 'closed' && connections !== o.connections ? { connections } : {}),
    unit: endpoint.expect.kind === 'websocket-echo' ? 'message' : 'request',
    backend: previous && previous.backend !== 'none' ? previous.backend : m.backend,
    repeats,
    ...cellSummary(repeats, o.targetHalfWidth ?? TARGET_HALF_WIDTH),
  });
}

/** What an interrupted run already holds: its run.json and its cells, for `--resume`. */
export interface Resumed {
  meta: RunMeta;
  cells: Cell[];
}

/**
 * Whether a cell gets a window in `round`: never twice in a round (a resumed run skips what it
 * holds); always in the first `repeats` rounds; after them only while it has not converged, has
 * an ok window to converge from, and has failed fewer than `repeats` times.
 */
export function wantsRound(cell: Cell | undefined, round: number, repeats: number): boolean {
  if (cell?.repeats.some((r) => r.repeat === round)) return false;
  if (round <= repeats) return true;
  if (!cell || cell.converged) return false;
  const failed = cell.repeats.filter((r) => r.state === 'failed').length;
  return cell.repeats.some((r) => r.state === 'ok') && failed < repeats;
}

/** mulberry32: a small seeded generator, so a round's order can be rebuilt from the seed in run.json. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Fisher–Yates with `random`. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A round's order: the workloads shuffled, and within each workload its targets shuffled and run
 * back to back — so the windows a paired ratio compares are minutes apart at most, and no target
 * is always first (or last) after a given neighbour. Seeded by the run's seed, phase and round.
 */
export function roundOrder<P extends CellPlan>(plans: readonly P[], seed: number, round: number, phase = 'main'): P[] {
  const random = seededRandom(seed * 7919 + round * 104_729 + (phase === 'main' ? 0 : 1_000_003));
  const byWorkload = new Map<string, P[]>();
  for (const p of plans) byWorkload.set(p.workload, [...(byWorkload.get(p.workload) ?? []), p]);
  return shuffle([...byWorkload.keys()], random).flatMap((w) => shuffle(byWorkload.get(w)!, random));
}

/** The workloads of the fixed-rate table: the headline ones a fixed-rate driver can run (no varying request). */
export const rateTableWorkloads = (workloads: readonly string[]): string[] =>
  workloads.filter((w) => byId(w).headline && !byId(w).vary);

/** Rates are offered at this share of the slowest target's closed-loop median, so every target keeps them. */
export const RATE_TABLE_SHARE = 0.5;

/** `x` rounded down to two significant digits (at least 1): 4,537 → 4,500; 9.4 → 9; 0.4 → 1. */
export function roundRateDown(x: number): number {
  if (!(x >= 1)) return 1;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / step) * step;
}

/**
 * The fixed-rate table's offered rate per workload: RATE_TABLE_SHARE of the slowest target's
 * closed-loop median throughput, rounded down — one load every target of the workload sustains,
 * at which their CPU per request compares cost at equal load. Workloads no cell measured are left out.
 */
export function rateTableRates(cells: Iterable<Cell>, workloads: readonly string[]): Record<string, number> {
  const slowest = new Map<string, number>();
  for (const c of cells) {
    if (c.phase === 'rate-table' || c.mode !== 'closed' || !c.median || !workloads.includes(c.workload)) continue;
    slowest.set(c.workload, Math.min(slowest.get(c.workload) ?? Infinity, c.median.throughput));
  }
  return Object.fromEntries([...slowest].map(([w, t]) => [w, roundRateDown(t * RATE_TABLE_SHARE)]));
}

/**
 * The whole run: plan the matrix, write run.json, then round by round — each round every cell that
 * wants one (see wantsRound) in a shuffled order (see roundOrder), each window measured by
 * `measureWindow` and its cell file rewritten after it — then, in a closed-loop run with the rate
 * table on, the same rounds for the fixed-rate table. run.json is finished even when the run is
 * interrupted; with `resumed`, only what it does not hold yet is measured.
 */
export async function runBench(
  o: BenchOptions,
  log: Progress,
  signal: AbortSignal,
  resumed?: Resumed,
): Promise<RunMeta> {
  const startedAt = new Date();
  mkdirSync(join(o.outDir, 'cells'), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'gauntlet-bench-'));
  const { plans, skipped: planned } = planCells(o);
  const meta: RunMeta = resumed
    ? { ...resumed.meta, resumedAt: [...(resumed.meta.resumedAt ?? []), startedAt.toISOString()] }
    : startMeta(o, planned, startedAt);
  const { skipped } = meta;
  const writeMeta = () =>
    writeFileSync(join(o.outDir, 'run.json'), JSON.stringify(RunMeta.parse(meta), null, 2) + '\n');
  writeMeta();

  // Each driver's own cost per unit, measured once against the fastest target's cheapest endpoint
  // (kept from the first sitting of a resumed run).
  if (!meta.driverCalibration) {
    const rateTable = new Set(o.rateTable && o.mode === 'closed' ? rateTableWorkloads(o.workloads) : []);
    const uses = plans.flatMap((p) =>
      [o.mode, ...(rateTable.has(p.workload) ? ['rate' as const] : [])].map((mode) => ({
        driver: pickDriver(byId(p.workload), mode, o.driver),
        workload: p.workload,
        mode,
      }))
    );
    meta.driverCalibration = await calibrateDrivers(calibrationProbes(uses), {
      generatorCores: o.generatorCores,
      serverCores: o.serverCores,
      durationS: Math.min(o.durationS, 5),
      connections: o.connections,
      // The fastest target that serves every family, of those in the run (a quick run has no rust).
      target: ['rust', 'bun', 'uws'].find((t) => o.targets.includes(t)) ?? CALIBRATION_TARGET,
      ...(o.rate ? { rate: o.rate } : {}),
    }, log);
    writeMeta();
  }

  const cells = new Map<string, Cell>((resumed?.cells ?? []).map((c) => [cellKey(c), c]));
  const maxRepeats = Math.max(o.repeats, o.maxRepeats ?? o.repeats);
  const t0 = performance.now();
  let done = 0;
  const backendAccount = o.backend === 'services' ? servicesAccount(o.generatorCores, log) : undefined;
  const host = openHostChecker(o.serverCores);
  const history = [...cells.values()].flatMap((c) =>
    c.repeats.flatMap((r) => (r.state === 'ok' && r.figures.host ? r.figures.host.calibrationNs : []))
  );
  const context = {
    o,
    scratch,
    host,
    serverCoreCount: cpuCount(o.serverCores),
    generatorCoreCount: cpuCount(o.generatorCores),
    ...(backendAccount ? { backendAccount } : {}),
  };

  const phase = async (name: 'main' | 'rate-table', phasePlans: CellPlan[]) => {
    for (let round = 1; round <= maxRepeats; round++) {
      const wanted = phasePlans.filter((p) => wantsRound(cells.get(cellKey(p)), round, o.repeats));
      if (wanted.length === 0) continue;
      const order = roundOrder(wanted, meta.settings.seed ?? 1, round, name);
      const record = { phase: name, round, order: order.map(cellKey), startedAt: new Date().toISOString() };
      meta.rounds = [...(meta.rounds ?? []), record];
      writeMeta();
      for (const [i, plan] of order.entries()) {
        if (signal.aborted) throw new Error('interrupted');
        const m = await measureWindow({ ...context, plan, repeat: round }, history, log);
        done++;
        const where = `[${name === 'main' ? '' : 'rate '}round ${round}, ${i + 1}/${order.length}]`;
        if (m.kind === 'unavailable') {
          if (!skipped.some((s) => s.target === plan.target && s.workload === plan.workload)) {
            skipped.push({ target: plan.target, workload: plan.workload, reason: m.reason });
          }
          log(`${where} skip ${plan.workload} on ${plan.target}: ${m.reason}`);
          phasePlans.splice(phasePlans.indexOf(plan), 1);
          continue;
        }
        log(
          `${where} ${plan.workload}${plan.rate ? ` at ${plan.rate}/s` : ''} on ${plan.target}: ${m.line}` +
            elapsed(t0, done),
        );
        if (m.result.state === 'failed') meta.failedRepeats = (meta.failedRepeats ?? 0) + 1;
        const key = cellKey(plan);
        const cell = withRepeat(o, plan, cells.get(key), m);
        cells.set(key, cell);
        writeFileSync(join(o.outDir, 'cells', `${key}.json`), JSON.stringify(cell, null, 2) + '\n');
        if (!meta.cells.includes(`cells/${key}.json`)) meta.cells.push(`cells/${key}.json`);
      }
      Object.assign(record, { finishedAt: new Date().toISOString() });
      writeMeta();
    }
  };

  try {
    await phase('main', [...plans]);
    if (o.rateTable && o.mode === 'closed') {
      meta.rateTable ??= rateTableRates(cells.values(), rateTableWorkloads(o.workloads));
      const ratePlans = plans.flatMap((p) => {
        const rate = meta.rateTable![p.workload];
        return rate && cells.get(cellKey(p))?.median ? [{ ...p, phase: 'rate-table' as const, rate }] : [];
      });
      log(`fixed-rate table: ${Object.entries(meta.rateTable).map(([w, r]) => `${w} at ${r}/s`).join(', ')}`);
      writeMeta();
      await phase('rate-table', ratePlans);
    }
  } finally {
    host.close();
    backendAccount?.close();
    rmSync(scratch, { recursive: true, force: true });
    meta.finishedAt = new Date().toISOString();
    meta.wallTimeS = (resumed?.meta.wallTimeS ?? 0) + Math.round((Date.now() - startedAt.getTime()) / 1000);
    writeMeta();
  }
  return meta;
}

/** Time so far and windows measured: an adaptive run cannot know its end in advance. */
function elapsed(t0: number, done: number): string {
  const s = Math.round((performance.now() - t0) / 1000);
  return `  (${done} windows, ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s)`;
}
