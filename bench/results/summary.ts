/** A cell's summary over its repeats: pure, over the result types. */
import type { Cell, Figures, Repeat } from './schema.ts';
import { median, medianOfPresent, relativeRange } from './stats.ts';

/** `{ key: median }` over the values present, or nothing (cells from before the figure existed). */
function optionalMedian<K extends string>(key: K, values: (number | undefined)[]): Partial<Record<K, number>> {
  const m = medianOfPresent(values);
  return m === undefined ? {} : { [key]: m } as Partial<Record<K, number>>;
}

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
