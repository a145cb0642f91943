/**
 * How much of a run's spread the host shares out: every window's deviation from its cell's
 * median, set against the deviations of the windows measured just before and just after it in
 * the same round (other targets, mostly of the same workload — a round runs a workload's targets
 * back to back). A target's own scatter is its own; a host that slows for a minute slows every
 * window in that minute alike. When neighbours' deviations predict a window's, the spread is the
 * host's slow swings, which no count of a cell's own rounds averages away quickly but which a ratio
 * of two targets paired by round cancels. Pure.
 */
import type { Cell, RunMeta } from './schema.ts';
import { median, percentile } from './stats.ts';
import { cellKey } from './summary.ts';

/** Windows on either side of a window, in its round's order, that make its neighbourhood. */
export const NEIGHBOURS = 3;

/** A cell needs this many good windows before a window's deviation from its median means much. */
const MIN_WINDOWS = 3;

export interface SharedDrift {
  /** Windows with a neighbourhood of at least NEIGHBOURS measured windows. */
  windows: number;
  /** Pearson correlation of a window's log deviation with its neighbourhood's median log deviation (undefined: one side constant). */
  correlation: number | undefined;
  /** |window ÷ its cell's median − 1|: p50 and p90 over the windows. */
  deviation: { p50: number; p90: number };
  /** The same after dividing each window by its neighbourhood's median deviation. */
  remaining: { p50: number; p90: number };
}

/**
 * The closed-loop rounds of `rounds` read against `cells` (the server's CPU per unit of each good
 * window, by cell key and round): see the module comment. Undefined when no window has a neighbourhood.
 */
export function sharedDrift(rounds: RunMeta['rounds'], cells: readonly Cell[]): SharedDrift | undefined {
  const k = NEIGHBOURS;
  // log(window ÷ cell median) by cell key, then round.
  const deviations = new Map<string, Map<number, number>>();
  for (const c of cells) {
    if (c.phase === 'rate-table') continue;
    const byRound = new Map<number, number>();
    for (const r of c.repeats) {
      if (r.state !== 'ok') continue;
      const v = r.figures.serverCpuUsPerUnit;
      if (Number.isFinite(v) && v > 0) byRound.set(r.repeat, v);
    }
    if (byRound.size < MIN_WINDOWS) continue;
    const m = median([...byRound.values()]);
    deviations.set(cellKey(c), new Map([...byRound].map(([round, v]) => [round, Math.log(v / m)])));
  }
  const own: number[] = [], around: number[] = [];
  for (const { phase, round, order } of rounds ?? []) {
    if (phase !== 'main') continue;
    const seq = order.map((key) => deviations.get(key)?.get(round));
    seq.forEach((x, i) => {
      if (x === undefined) return;
      const near = seq.slice(Math.max(0, i - k), i + k + 1).filter((y, j) => y !== undefined && j !== Math.min(i, k));
      if (near.length < k) return;
      own.push(x);
      around.push(median(near as number[]));
    });
  }
  if (own.length === 0) return undefined;
  const spread = (logs: number[]) => {
    const sorted = logs.map((x) => Math.expm1(Math.abs(x))).sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
  };
  return {
    windows: own.length,
    correlation: pearson(own, around),
    deviation: spread(own),
    remaining: spread(own.map((x, i) => x - around[i]!)),
  };
}

/** Pearson's r of paired samples; undefined when either side does not vary. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  const mean = (v: readonly number[]) => v.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const mx = mean(xs), my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx, dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? undefined : sxy / Math.sqrt(sxx * syy);
}
