/**
 * Runs the cases with mitata and turns its samples into figures: the median time per operation
 * with its 95 % order-statistic interval (bench/results/stats.ts, the interval every figure of the
 * report carries), operations per second, and Hono ÷ bare where the bare control serves the
 * workload. The figures are pure functions of the samples; only `runSuite` times anything.
 */
import { measure } from 'mitata';
import { formatWithInterval, type MedianInterval, medianInterval, percentile } from '../results/stats.ts';
import {
  type Case,
  CASES,
  check,
  fetchTransport,
  type HandlerName,
  handlers,
  operation,
  type Transport,
} from './cases.ts';
import { nodeReads } from '../../runtimes/node-body.ts';

/**
 * How long to sample. Each sample times a batch of operations sized from a calibration (so a
 * sample lasts about `sampleMs` whatever one operation costs: the clock's microsecond and the cost
 * of reading it vanish), and a case takes samples until `minCpuTimeMs` of them are timed.
 */
export interface Budget {
  /** Sampling stops after this much measured time (mitata's min_cpu_time), once `minSamples` are taken. */
  minCpuTimeMs: number;
  minSamples: number;
  /** medianInterval sums the binomial exactly up to 1,000 values; mitata drops 4 outliers of them. */
  maxSamples: number;
  /** The time one sample aims at; an operation longer than a quarter of it is timed alone. */
  sampleMs: number;
  /** Operations run before sampling (the JIT's warm-up) until this much time has passed; they size the batch. */
  calibrateMs: number;
}

export const FULL: Budget = { minCpuTimeMs: 642, minSamples: 12, maxSamples: 1000, sampleMs: 5, calibrateMs: 100 };
export const QUICK: Budget = { minCpuTimeMs: 100, minSamples: 12, maxSamples: 1000, sampleMs: 2, calibrateMs: 20 };

/**
 * `cpu`: the process's CPU time (user + system, every thread: the garbage collector's helpers and
 * the thread pool's hashing count, time spent waiting for the core does not) — what a change
 * costs, and steady on a shared machine. `wall`: mitata's monotonic clock, which counts every
 * moment another process holds the core.
 */
export type Clock = 'cpu' | 'wall';

/**
 * `fetch`: a Request made in-process, handed to the fetch handler, its Response read (every
 * runtime). `node-server`: through @hono/node-server's listener from an in-memory IncomingMessage
 * to a ServerResponse kept in memory, with the node target's body read (runtimes/node-body.ts):
 * as the node target runs (Node only; bench/micro/node-server.ts).
 */
export type TransportName = 'fetch' | 'node-server';

async function transport(name: TransportName): Promise<Transport> {
  if (name === 'fetch') return fetchTransport;
  if (runtimeName().runtime !== 'node') throw new Error('the node-server transport runs on Node only');
  // Loaded only when asked for: making its listener replaces the global Request and Response.
  return (await import('./node-server.ts')).nodeServerTransport();
}

/** Nanoseconds, for mitata's `now`. */
const clocks: Record<Clock, () => number> = {
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  },
  wall: () => performance.now() * 1e6,
};

export interface CaseResult {
  name: string;
  group: Case['group'];
  workload: string;
  handler: HandlerName;
  /** Nanoseconds per operation: the median of mitata's samples and its 95 % interval. */
  ns: MedianInterval;
  p25Ns: number;
  p75Ns: number;
  /** Operations per sample: 1, or the batch (each sample is then the batch's mean). */
  opsPerSample: number;
  /** Operations timed in all. */
  ops: number;
}

export interface Ratio {
  workload: string;
  /** `app ÷ bare`, `basic ÷ bare`, `app ÷ basic`. */
  name: string;
  median: number;
  /** From the two medians' 95 % intervals, low ÷ high to high ÷ low: conservative, not paired. */
  low: number;
  high: number;
}

export interface SuiteResult {
  runtime: string;
  version: string;
  startedAt: string;
  clock: Clock;
  transport: TransportName;
  budget: Budget;
  cases: CaseResult[];
  ratios: Ratio[];
}

export function runtimeName(): { runtime: string; version: string } {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return { runtime: 'bun', version: g.Bun.version };
  if (g.Deno) return { runtime: 'deno', version: g.Deno.version.deno };
  return { runtime: 'node', version: process.versions.node };
}

/** A real collector between cases where the runtime offers one; never mitata's fallback (a 1 GiB allocation). */
function collector(): false | (() => void) {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.Bun) return () => g.Bun!.gc(true);
  if (typeof g.gc === 'function') return () => g.gc!();
  return false;
}

/** The cases whose name matches `filter` (all without one); none matching is an error. */
export function selectCases(filter?: RegExp, cases: readonly Case[] = CASES): Case[] {
  const picked = cases.filter((c) => !filter || filter.test(c.name));
  if (picked.length === 0) {
    throw new Error(`no case matches ${filter}; the cases: ${cases.map((c) => c.name).join(', ')}`);
  }
  return picked;
}

/** The figures of one case from mitata's samples (ns per operation, each the mean of `opsPerSample`). */
export function summarise(c: Case, samples: readonly number[], opsPerSample: number): CaseResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name: c.name,
    group: c.group,
    workload: c.endpoint.id,
    handler: c.handler,
    ns: medianInterval(sorted),
    p25Ns: percentile(sorted, 25),
    p75Ns: percentile(sorted, 75),
    opsPerSample,
    ops: sorted.length * opsPerSample,
  };
}

/** Hono ÷ bare (app and basic-only), and app ÷ basic, for every workload measured on both. */
export function ratios(results: readonly CaseResult[]): Ratio[] {
  const out: Ratio[] = [];
  const pairs: [HandlerName, HandlerName][] = [
    ['app', 'bare'],
    ['basic', 'bare'],
    ['app', 'basic'],
    ['app', 'listener'],
    ['bare', 'listener'],
  ];
  for (const workload of [...new Set(results.map((r) => r.workload))]) {
    const of = (h: HandlerName) => results.find((r) => r.workload === workload && r.handler === h);
    for (const [a, b] of pairs) {
      const x = of(a), y = of(b);
      if (!x || !y) continue;
      out.push({
        workload,
        name: `${a} ÷ ${b}`,
        median: x.ns.median / y.ns.median,
        low: x.ns.low / y.ns.high,
        high: x.ns.high / y.ns.low,
      });
    }
  }
  return out;
}

/**
 * Runs the operation for `budget.calibrateMs` (warming the JIT up) and returns the operations per
 * sample that make a sample last about `budget.sampleMs`: a multiple of mitata's unrolling (4), or
 * 1 for an operation longer than a quarter of a sample. The cost per operation is the least of
 * four windows of the second half (the first half's include compiling; a window may include a
 * collection or another thread's compiling, which the least leaves out).
 */
export async function batchSize(op: () => Promise<void>, budget: Budget, now: () => number): Promise<number> {
  const half = budget.calibrateMs * 1e6 / 2;
  const window = async (least: number): Promise<number> => {
    const start = now();
    let ops = 0;
    while (now() - start < least || ops < 2) {
      await op();
      ops++;
    }
    return (now() - start) / ops;
  };
  await window(half);
  let perOp = Infinity;
  for (let k = 0; k < 4; k++) perOp = Math.min(perOp, await window(half / 4));
  const perSample = budget.sampleMs * 1e6 / perOp;
  return perSample < 4 ? 1 : Math.min(2 ** 20, 4 * Math.floor(perSample / 4));
}

/**
 * Checks every selected case's response first (all of them, before any timing: a broken case
 * fails the run at once, with every problem listed), warms them all up, then measures them one
 * after the other.
 */
export async function runSuite(options: {
  budget: Budget;
  clock?: Clock;
  transport?: TransportName;
  filter?: RegExp;
  cases?: readonly Case[];
  log?: (line: string) => void;
}): Promise<SuiteResult> {
  const { budget, clock = 'cpu', transport: via = 'fetch', log = () => {} } = options;
  // A node:http listener has no fetch handler to run on the fetch transport.
  const cases = selectCases(
    options.filter,
    (options.cases ?? CASES).filter((c) => via === 'node-server' || c.handler !== 'listener'),
  );
  const by = handlers(via === 'node-server' ? nodeReads : undefined);
  const send = await transport(via);
  const senders = cases.map((c) => send(c.endpoint, by[c.handler]));
  const problems: string[] = [];
  for (const [k, c] of cases.entries()) {
    for (const p of await check(c, senders[k]!)) problems.push(`${c.name}: ${p}`);
  }
  if (problems.length > 0) throw new Error(`responses not as the catalogue expects:\n  ${problems.join('\n  ')}`);

  const startedAt = new Date().toISOString();
  const now = clocks[clock];
  const gc = collector();
  const ops = cases.map((c, k) => operation(c, senders[k]!));
  // Every case once over before any is measured: the code they share (Request, Response, Hono's
  // core) is compiled by then, or the first case measured would pay for it.
  for (const op of ops) {
    for (const start = now(); now() - start < budget.calibrateMs * 1e6;) await op();
  }
  const results: CaseResult[] = [];
  for (const [k, c] of cases.entries()) {
    const op = ops[k]!;
    const batch = await batchSize(op, budget, now);
    const stats = await measure(op, {
      now,
      gc,
      min_cpu_time: budget.minCpuTimeMs * 1e6,
      min_samples: budget.minSamples,
      max_samples: budget.maxSamples,
      // The batch is ours: always batched (or never), whatever the first call took.
      warmup_threshold: Infinity,
      batch_threshold: batch > 1 ? Infinity : -1,
      batch_samples: batch,
    });
    const result = summarise(c, stats.samples, batch);
    results.push(result);
    log(`${c.name}: ${formatNs(result.ns)} (${result.ns.n} samples × ${result.opsPerSample})`);
  }
  return { ...runtimeName(), startedAt, clock, transport: via, budget, cases: results, ratios: ratios(results) };
}

const UNITS: [number, string][] = [[1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
const unitOf = (ns: number): [number, string] => UNITS.find(([s]) => ns >= s) ?? UNITS[UNITS.length - 1]!;

/** A time in ns with its interval, in the unit that fits the median: `3.41 µs (3.38–3.45)`. */
export function formatNs(i: Pick<MedianInterval, 'median' | 'low' | 'high'>): string {
  const [scale, unit] = unitOf(i.median);
  return formatWithInterval({ median: i.median / scale, low: i.low / scale, high: i.high / scale }, ` ${unit}`);
}

/** A range of times in ns, in the unit that fits `median`, to three significant digits: `3.38–3.45`. */
export function formatRange(median: number, low: number, high: number): string {
  const [scale] = unitOf(median);
  const show = (v: number) => Number((v / scale).toPrecision(3)).toLocaleString('en-US');
  return `${show(low)}–${show(high)}`;
}

/** Operations per second from a time in ns: the interval's ends swap. */
export const formatOps = (i: Pick<MedianInterval, 'median' | 'low' | 'high'>): string =>
  formatWithInterval({ median: 1e9 / i.median, low: 1e9 / i.high, high: 1e9 / i.low });

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, k) => k === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`).join('|')}|`;
  return [line(head), rule, ...rows.map(line)];
}

/** The tables printed by the CLI: one per group of cases, then the ratios. */
export function render(result: SuiteResult): string {
  const out = [
    `${result.runtime} ${result.version}, ${result.startedAt}; ${result.transport} transport, ${result.clock} time, ` +
    `per case at least ${result.budget.minCpuTimeMs} ms of samples of about ${result.budget.sampleMs} ms`,
    'time/op: median of the samples (95 % order-statistic interval of the median); p25–p75 of the samples; ' +
    'ops/s from the median',
    '',
  ];
  for (const group of ['routing', 'json', 'families'] as const) {
    const rows = result.cases.filter((r) => r.group === group);
    if (rows.length === 0) continue;
    out.push(`### ${group}`, '');
    out.push(...table(
      ['case', 'time/op (95 % CI)', 'p25–p75', 'ops/s (95 % CI)', 'samples × ops'],
      rows.map((r) => [
        r.name,
        formatNs(r.ns),
        formatRange(r.ns.median, r.p25Ns, r.p75Ns),
        formatOps(r.ns),
        `${r.ns.n} × ${r.opsPerSample}`,
      ]),
    ));
    out.push('');
  }
  if (result.ratios.length > 0) {
    out.push(
      '### Hono ÷ bare',
      '',
      'app ÷ bare, basic ÷ bare: Hono over the bare control; app ÷ basic: what mounting every other family costs',
      ...(result.transport === 'node-server'
        ? [
          "app ÷ listener: all the node target adds over node:http; bare ÷ listener: @hono/node-server's share " +
          '(the bare fetch handler on its listener)',
        ]
        : []),
      "interval: from the two medians' 95 % intervals (low ÷ high to high ÷ low), not paired",
      '',
    );
    out.push(...table(
      ['workload', 'ratio', 'median (interval)'],
      result.ratios.map((r) => [r.workload, r.name, formatWithInterval(r, '×')]),
    ));
    out.push('');
  }
  return out.join('\n');
}
