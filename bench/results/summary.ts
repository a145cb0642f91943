/** A cell's summary over its repeats: pure, over the result types. */
import { type Cell, type Figures, type Interval, Limiter, type Repeat } from './schema.ts';
import { converged, median, medianInterval, medianOfPresent, relativeRange } from './stats.ts';

/** `{ key: median }` over the values present, or nothing (cells from before the figure existed). */
function optionalMedian<K extends string>(key: K, values: (number | undefined)[]): Partial<Record<K, number>> {
  const m = medianOfPresent(values);
  return m === undefined ? {} : { [key]: m } as Partial<Record<K, number>>;
}

/** A cell's file name and its key in run.json's round orders: `<target>__<workload>[__rate]`. */
export const cellKey = (p: { target: string; workload: string; phase?: string }): string =>
  `${p.target}__${p.workload}${p.phase === 'rate-table' ? '__rate' : ''}`;

/** Medians and spreads over the ok repeats of a cell. */
export function cellMedians(repeats: Repeat[]): Pick<Cell, 'median' | 'spread'> {
  const ok = repeats.flatMap((r) => (r.state === 'ok' ? [r.figures] : []));
  if (ok.length === 0) return { spread: {} };
  const scalar = (f: (x: Figures) => number) => median(ok.map(f));
  const keys = [...new Set(ok.flatMap((f) => Object.keys(f.extra)))];
  const med: Cell['median'] = {
    units: scalar((f) => f.units),
    durationS: scalar((f) => f.durationS),
    throughput: scalar((f) => f.throughput),
    errorRate: scalar((f) => f.errorRate),
    latencyMs: {
      avg: scalar((f) => f.latencyMs.avg),
      p50: scalar((f) => f.latencyMs.p50),
      p90: scalar((f) => f.latencyMs.p90),
      p95: scalar((f) => f.latencyMs.p95),
      p99: scalar((f) => f.latencyMs.p99),
      max: scalar((f) => f.latencyMs.max),
    },
    serverCpuUsPerUnit: scalar((f) => f.serverCpuUsPerUnit),
    serverPeakRssBytes: scalar((f) => f.serverPeakRssBytes),
    serverEndRssBytes: scalar((f) => f.serverEndRssBytes),
    generatorCpuPct: scalar((f) => f.generatorCpuPct),
    ...optionalMedian('generatorCoreBusyPct', ok.map((f) => f.generatorCoreBusyPct)),
    ...optionalMedian('generatorCpuUsPerUnit', ok.map((f) => f.generatorCpuUsPerUnit)),
    ...optionalMedian('stealPct', ok.map((f) => f.stealPct)),
    ...optionalMedian('backendCpuUsPerUnit', ok.map((f) => f.backendCpuUsPerUnit)),
    generatorBound: ok.some((f) => f.generatorBound),
    droppedIterations: scalar((f) => f.droppedIterations),
    extra: Object.fromEntries(keys.map((k) => [k, median(ok.flatMap((f) => (k in f.extra ? [f.extra[k]!] : [])))])),
  };
  const spreads = {
    throughput: relativeRange(ok.map((f) => f.throughput)),
    p99: relativeRange(ok.map((f) => f.latencyMs.p99)),
    serverCpuUsPerUnit: relativeRange(ok.map((f) => f.serverCpuUsPerUnit)),
    serverPeakRssBytes: relativeRange(ok.map((f) => f.serverPeakRssBytes)),
  };
  return { median: med, spread: spreads };
}

/** The figures a cell's intervals are kept for, and how each is read from a repeat. */
const INTERVAL_FIGURES: Record<string, (f: Figures) => number | undefined> = {
  throughput: (f) => f.throughput,
  serverCpuUsPerUnit: (f) => f.serverCpuUsPerUnit,
  p50: (f) => f.latencyMs.p50,
  p99: (f) => f.latencyMs.p99,
  backendCpuUsPerUnit: (f) => f.backendCpuUsPerUnit,
  serverPeakRssBytes: (f) => f.serverPeakRssBytes,
};

/** Each figure's median and 95 % interval over the ok repeats (the figures every repeat has). */
export function cellIntervals(repeats: readonly Repeat[]): Record<string, Interval> {
  const ok = repeats.flatMap((r) => (r.state === 'ok' ? [r.figures] : []));
  const out: Record<string, Interval> = {};
  if (ok.length === 0) return out;
  for (const [name, pick] of Object.entries(INTERVAL_FIGURES)) {
    const values = ok.map(pick);
    if (values.every((v): v is number => v !== undefined)) out[name] = medianInterval(values);
  }
  return out;
}

/** The limiter most of a cell's ok windows had (ties: the order of Limiter's values); none before limiters. */
export function cellLimiter(repeats: readonly Repeat[]): Limiter | undefined {
  const counts = new Map<Limiter, number>();
  for (const r of repeats) {
    if (r.state === 'ok' && r.figures.limiter) counts.set(r.figures.limiter, (counts.get(r.figures.limiter) ?? 0) + 1);
  }
  let best: Limiter | undefined;
  for (const limiter of Limiter.options) {
    if ((counts.get(limiter) ?? 0) > (best === undefined ? 0 : counts.get(best)!)) best = limiter;
  }
  return best;
}

/** A cell's summary with its intervals, limiter and whether CPU per unit has converged to `halfWidth`. */
export function cellSummary(
  repeats: Repeat[],
  halfWidth = 0.05,
): Pick<Cell, 'median' | 'spread' | 'intervals' | 'converged' | 'limiter'> {
  const intervals = cellIntervals(repeats);
  const cpu = intervals.serverCpuUsPerUnit;
  const limiter = cellLimiter(repeats);
  return {
    ...cellMedians(repeats),
    intervals,
    converged: cpu !== undefined && converged(cpu, halfWidth),
    ...(limiter ? { limiter } : {}),
  };
}
