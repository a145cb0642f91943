/**
 * The seeds' own setups, measured as labelled reference rows (issue 15, item 3). Seed 002: its two
 * Python systems launched as it launched them (`django-seed002`, `starlette-seed002`) on its recipes
 * endpoint, each beside our own target of the same code, in closed loop as our db-recipes cells
 * are driven. Seed 003: its `hey` fixed-rate run (bench/measure/seed003.ts).
 *
 * A window is measured as the orchestrator measures a cell's: the target pinned to the server
 * cores in a cgroup of its own (exact CPU time of every worker process), /health polled, the
 * workload's response verified, a warm-up, the server left to go idle, then the load while /proc is
 * sampled; the target is always stopped. Rows are interleaved: every row once per repeat, in turn.
 */
import { join } from 'node:path';
import { byId } from '../../contract/catalogue.ts';
import { offers } from '../../contract/health.ts';
import { catalogueCase } from '../../conformance/suite.ts';
import { start, type Started } from '../../targets/process.ts';
import { type Target, targetByName } from '../../targets/table.ts';
import type { Reference } from '../results/reference.ts';
import type { LatencyMs, ReferenceFigures, ReferenceRepeat, ReferenceRow, Sample } from '../results/schema.ts';
import { ReferenceRow as ReferenceRowSchema } from '../results/schema.ts';
import { referenceSummary, SEED_SETUPS, type SeedSetup, seedSide } from '../results/seed-rows.ts';
import { medianOfPresent } from '../results/stats.ts';
import { type CpuAccount, openCpuAccount, untilIdle } from './cgroup.ts';
import { cpuCount, parseCpuList } from './cpus.ts';
import { drive, pickDriver } from './drivers.ts';
import { CLOCK_TICKS, corePercents, coreTimes, sample } from './sampling.ts';
import { failureOf, GENERATOR_BOUND_PCT } from './run.ts';

export interface SeedsOptions {
  /** Every row of a seed is measured once per repeat, in turn. */
  repeats: number;
  warmupS: number;
  serverCores: string;
  generatorCores: string;
  /** DATABASE_URL and REDIS_URL for the targets (seed 002's rows read Postgres). */
  serviceEnv: Record<string, string>;
  seed002: { durationS: number; connections: number };
  seed003: { requests: number; connections: number; ratePerConnection: number };
  /** Our own targets beside seed 002's setups (default: yes). */
  withOurs: boolean;
  /** Where the drivers write their output. */
  scratch: string;
  /** Postgres + Redis in a cgroup (servicesAccount), for their CPU per response and the generator's share. */
  backend?: CpuAccount;
  /** The published figures (results/reference/). */
  refs: readonly Reference[];
}

/** What one window's load gave, before the server's side is joined to it. */
export interface Loaded {
  requests: number;
  durationS: number;
  errorRate: number;
  latencyMs: LatencyMs;
  statusCodes?: Record<string, number>;
  transportErrors?: number;
  offeredRate?: number;
  /** Why the window does not count, when it does not. */
  failure?: string;
}

/** How a row's load is run. */
export interface Load {
  driver: ReferenceRow['driver'];
  /** The command shape as run here, for the row. */
  describe: string;
  warm(baseUrl: string): Promise<void>;
  run(baseUrl: string, onStart: (pid: number) => void): Promise<Loaded>;
}

export interface Progress {
  (line: string): void;
}

/** The highest 1 s average of the server's CPU from /proc's samples (four of 250 ms), as psrecord --interval 1 sees it. */
export function peakCpuPct(samples: readonly Pick<Sample, 'serverCpuPct'>[], perSecond = 4): number {
  if (samples.length === 0) return 0;
  if (samples.length < perSecond) return samples.reduce((s, x) => s + x.serverCpuPct, 0) / samples.length;
  let peak = 0;
  for (let i = 0; i + perSecond <= samples.length; i++) {
    const slice = samples.slice(i, i + perSecond);
    peak = Math.max(peak, slice.reduce((s, x) => s + x.serverCpuPct, 0) / perSecond);
  }
  return peak;
}

/** Reads a CPU counter (ns) every second while it runs: the highest 1 s share of one core, in %. */
function peakPoller(usageNs: () => number): { stop(): number | undefined } {
  let last = { ns: usageNs(), at: performance.now() };
  let peak: number | undefined;
  const timer = setInterval(() => {
    const now = { ns: usageNs(), at: performance.now() };
    const pct = (100 * (now.ns - last.ns)) / 1e6 / (now.at - last.at);
    peak = Math.max(peak ?? 0, pct);
    last = now;
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

let accounts = 0;

/** One window of one row: start pinned, verify, warm up, measure, stop. */
export async function measureWindow(
  setup: SeedSetup,
  target: Target,
  load: Load,
  o: SeedsOptions,
  repeat: number,
): Promise<ReferenceRepeat> {
  const endpoint = byId(setup.workload);
  const account = openCpuAccount(`gauntlet-seeds-${process.pid}-${++accounts}`);
  let server: Started | undefined;
  try {
    server = await start(target, {
      wrap: ['taskset', '-c', o.serverCores],
      env: { WORKERS: String(cpuCount(o.serverCores)), ...o.serviceEnv },
      timeoutMs: 120_000,
    });
    account?.addGroup(server.child.pid!);
    const healthBody = await (await fetch(`${server.baseUrl}/health`)).text();
    const has = new Set(offers(healthBody));
    const missing = endpoint.needs.filter((n) => !has.has(n));
    if (missing.length > 0) {
      throw new Error(`the target offers no ${missing.join(' or ')} (its /health: ${healthBody})`);
    }
    const ctx = { baseUrl: server.baseUrl, has, fetch, network: true, families: new Set([endpoint.family]) };
    await catalogueCase(endpoint).run(ctx).catch((err) => {
      throw new Error(`verification failed: ${(err as Error).message.slice(0, 400)}`);
    });
    if (o.warmupS > 0) await load.warm(server.baseUrl);
    if (account) await untilIdle(account);

    let generatorPid: number | undefined;
    const serverCpus = parseCpuList(o.serverCores);
    const sampling = sample(server.child.pid!, () => generatorPid, {
      server: serverCpus,
      generator: parseCpuList(o.generatorCores),
    });
    const coresBefore = coreTimes(serverCpus);
    const before = sampling.mark();
    const cpuBefore = account?.usageNs();
    const backendBefore = o.backend?.usageNs();
    const poller = account ? peakPoller(() => account.usageNs()) : undefined;
    const loaded = await load.run(server.baseUrl, (pid) => (generatorPid = pid));
    const exactPeak = poller?.stop();
    const after = sampling.mark();
    const cpuAfter = account?.usageNs();
    const backendAfter = o.backend?.usageNs();
    const coresAfter = coreTimes(serverCpus);
    const samples = sampling.stop();
    const failure = failureOf({ ...loaded, units: loaded.requests });
    if (failure) return { state: 'failed', repeat, reason: failure };

    const serverNs = cpuBefore !== undefined && cpuAfter !== undefined
      ? cpuAfter - cpuBefore
      : ((after.server.ticks - before.server.ticks) / CLOCK_TICKS) * 1e9;
    const backendNs = backendBefore !== undefined && backendAfter !== undefined
      ? backendAfter - backendBefore
      : undefined;
    const generatorCores = cpuCount(o.generatorCores);
    const busy = medianOfPresent(samples.map((s) => s.generatorCoreBusyPct));
    const backendPct = backendNs === undefined ? 0 : (100 * backendNs) / 1e9 / loaded.durationS / generatorCores;
    const figures: ReferenceFigures = {
      requests: loaded.requests,
      durationS: loaded.durationS,
      throughput: loaded.requests / loaded.durationS,
      errorRate: loaded.errorRate,
      latencyMs: loaded.latencyMs,
      ...(loaded.statusCodes ? { statusCodes: loaded.statusCodes } : {}),
      ...(loaded.transportErrors === undefined ? {} : { transportErrors: loaded.transportErrors }),
      ...(loaded.offeredRate ? { offeredRate: loaded.offeredRate } : {}),
      serverCpuUsPerUnit: serverNs / 1000 / loaded.requests,
      serverCpuSource: account && cpuBefore !== undefined ? account.source : '/proc ticks',
      serverCpuPct: (100 * serverNs) / 1e9 / loaded.durationS,
      serverPeakCpuPct: exactPeak ?? peakCpuPct(samples),
      ...(coresAfter.total > coresBefore.total
        ? { serverCoresBusyPct: corePercents(coresBefore, coresAfter).busyPct }
        : {}),
      serverPeakRssBytes: Math.max(0, ...samples.map((s) => s.serverRssBytes)),
      ...(backendNs === undefined ? {} : { backendCpuUsPerUnit: backendNs / 1000 / loaded.requests }),
      ...(busy === undefined ? {} : { generatorCoreBusyPct: busy }),
      generatorBound: (busy ?? 0) - backendPct >= GENERATOR_BOUND_PCT,
    };
    return { state: 'ok', repeat, figures };
  } catch (err) {
    return { state: 'failed', repeat, reason: (err as Error).message.split('\n')[0]!.slice(0, 500) };
  } finally {
    await server?.stop();
    account?.close();
  }
}

/** A row from its setup, its load and its repeats (validated). */
export function referenceRow(
  setup: SeedSetup,
  target: Target,
  load: Load,
  repeats: ReferenceRepeat[],
  refs: readonly Reference[],
): ReferenceRow {
  return ReferenceRowSchema.parse({
    id: setup.id,
    seed: setup.seed,
    setup: setup.setup,
    label: setup.label,
    target: setup.target,
    workload: setup.workload,
    ...seedSide(setup, refs),
    driver: load.driver,
    load: load.describe,
    settings: { ...(target.reference ? { reference: target.reference } : {}), ...target.settings },
    repeats,
    ...referenceSummary(repeats),
  });
}

const progressLine = (r: ReferenceRepeat): string =>
  r.state === 'failed'
    ? `FAILED ${r.reason}`
    : `${Math.round(r.figures.throughput).toLocaleString('en')} req/s, avg ${r.figures.latencyMs.avg.toFixed(2)} ms, ` +
      `p99 ${r.figures.latencyMs.p99.toFixed(2)} ms, server CPU ${r.figures.serverCpuPct.toFixed(0)}% ` +
      `(peak ${r.figures.serverPeakCpuPct.toFixed(0)}%), ${r.figures.serverCpuUsPerUnit.toFixed(1)} µs/req, ` +
      `RSS ${(r.figures.serverPeakRssBytes / 2 ** 20).toFixed(0)} MiB, server cores ` +
      `${r.figures.serverCoresBusyPct?.toFixed(0) ?? '?'}% busy, generator ${
        r.figures.generatorCoreBusyPct?.toFixed(0) ?? '?'
      }%` +
      (r.figures.generatorBound ? ' (generator-bound)' : '');

/**
 * Measures `setups` repeat-major (every row once per repeat, in turn) with the load `loadFor`
 * gives each; `onRows` sees the rows after every window (to write them as they grow).
 */
export async function measureRows(
  setups: readonly SeedSetup[],
  loadFor: (setup: SeedSetup) => Load,
  o: SeedsOptions,
  log: Progress,
  signal: AbortSignal,
  onRows: (rows: ReferenceRow[]) => void = () => {},
): Promise<ReferenceRow[]> {
  const plans = setups.map((setup) => ({ setup, target: targetByName(setup.target), load: loadFor(setup) }));
  const repeats = new Map<string, ReferenceRepeat[]>(setups.map((s) => [s.id, []]));
  const rows = () => plans.map((p) => referenceRow(p.setup, p.target, p.load, repeats.get(p.setup.id)!, o.refs));
  const total = plans.length * o.repeats;
  let done = 0;
  for (let repeat = 1; repeat <= o.repeats; repeat++) {
    for (const { setup, target, load } of plans) {
      if (signal.aborted) throw new Error('interrupted');
      const result = await measureWindow(setup, target, load, o, repeat);
      repeats.get(setup.id)!.push(result);
      log(`[${++done}/${total}] r${repeat} ${setup.id} (${setup.target}, ${setup.workload}): ${progressLine(result)}`);
      onRows(rows());
    }
  }
  return rows();
}

/** Seed 002's closed loop as our db-recipes cells run it: the orchestrator's driver, its connections, the seed's minute. */
export function seed002Load(o: SeedsOptions): Load {
  const endpoint = byId('db-recipes');
  const driver = pickDriver(endpoint, 'closed', 'auto');
  const { durationS, connections } = o.seed002;
  let windows = 0;
  const base = { endpoint, mode: 'closed' as const, connections, generatorCores: o.generatorCores };
  return {
    driver,
    describe: `${driver}, closed loop, ${connections} connections, ${durationS} s (+ ${o.warmupS} s warm-up), ` +
      `GET ${endpoint.request.path}`,
    async warm(baseUrl) {
      await drive(driver, {
        ...base,
        baseUrl,
        durationS: o.warmupS,
        summaryPath: join(o.scratch, `seed002-warm-${++windows}.json`),
        onStart: () => {},
      });
    },
    async run(baseUrl, onStart) {
      const driven = await drive(driver, {
        ...base,
        baseUrl,
        durationS,
        summaryPath: join(o.scratch, `seed002-${++windows}.json`),
        onStart,
      });
      return {
        requests: driven.units,
        durationS: driven.durationS,
        errorRate: driven.errorRate,
        latencyMs: driven.latencyMs,
        ...(driven.failure ? { failure: driven.failure } : {}),
      };
    },
  };
}

/** Seed 002's rows: each of its systems as it launched them and, unless left out, ours beside them. */
export function seed002Setups(withOurs: boolean): SeedSetup[] {
  return SEED_SETUPS.filter((s) => s.seed === '002' && (withOurs || s.setup === 'seed'));
}

/** Seed 002's reference rows, measured here. */
export function measureSeed002(
  o: SeedsOptions,
  log: Progress,
  signal: AbortSignal,
  onRows?: (rows: ReferenceRow[]) => void,
): Promise<ReferenceRow[]> {
  const load = seed002Load(o);
  return measureRows(seed002Setups(o.withOurs), () => load, o, log, signal, onRows);
}
