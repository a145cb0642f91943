/**
 * What the report derives from the result files, as pure functions over Cell and RunMeta: the
 * figures it quotes, the ratios it computes and the flags it raises. No formatting here.
 */
import { catalogue } from '../../contract/catalogue.ts';
import type { Cell, Figures, Repeat, RunMeta, Spread } from '../results/schema.ts';
import { type MedianInterval, medianInterval, pairedRatios, relativeRange } from '../results/stats.ts';
import { cellKey } from '../results/summary.ts';

/** The two baselines every ratio table is computed against. */
export const PYTHON = 'python';
export const RUST = 'rust';
export const BASELINES = [PYTHON, RUST] as const;

export type OkRepeat = Extract<Repeat, { state: 'ok' }>;
export type FailedRepeat = Extract<Repeat, { state: 'failed' }>;

export const okRepeats = (c: Cell): OkRepeat[] => c.repeats.filter((r): r is OkRepeat => r.state === 'ok');
export const failedRepeats = (c: Cell): FailedRepeat[] =>
  c.repeats.filter((r): r is FailedRepeat => r.state === 'failed');

/** Cells by (target, workload), and the targets and workloads in run order. */
export interface CellIndex {
  get(target: string, workload: string): Cell | undefined;
  /** The target does not declare the workload's family. */
  notImplemented(target: string, workload: string): boolean;
  targets: string[];
  workloads: string[];
  cells: Cell[];
}

export function indexCells(run: RunMeta, all: readonly Cell[]): CellIndex {
  // The fixed-rate table's cells have a section of their own (see rateTableCells).
  const cells = all.filter((c) => c.phase !== 'rate-table');
  const byKey = new Map(cells.map((c) => [`${c.target}\u0000${c.workload}`, c]));
  const inOrder = (declared: string[], seen: string[]) => [...new Set([...declared, ...seen])];
  const targets = inOrder(run.targets.map((t) => t.name), cells.map((c) => c.target))
    .filter((t) => cells.some((c) => c.target === t));
  const workloads = inOrder(run.workloads, cells.map((c) => c.workload))
    .filter((w) => cells.some((c) => c.workload === w));
  const undeclared = new Set(run.skipped.filter((s) => s.notImplemented).map((s) => `${s.target}\u0000${s.workload}`));
  return {
    get: (t, w) => byKey.get(`${t}\u0000${w}`),
    notImplemented: (t, w) => undeclared.has(`${t}\u0000${w}`),
    targets,
    workloads,
    cells: [...cells],
  };
}

/**
 * What the README's headline tables show: the headline workloads on every target but the bare
 * controls, and each framework with its bare control on `GET /json` (Hono's overhead).
 */
export function headlineScope(idx: CellIndex): {
  targets: string[];
  workloads: string[];
  pairs: { framework: string; bare: string }[];
  cells: Cell[];
} {
  const all = controlPairs(idx.targets);
  const pairs = all.filter((p) =>
    idx.get(p.framework, HONO_OVERHEAD_WORKLOAD) && idx.get(p.bare, HONO_OVERHEAD_WORKLOAD)
  );
  const controls = new Set(all.map((p) => p.bare));
  const targets = idx.targets.filter((t) => !controls.has(t));
  const workloads = catalogue.filter((e) => e.headline && idx.workloads.includes(e.id)).map((e) => e.id);
  const cells = [
    ...workloads.flatMap((w) => targets.flatMap((t) => idx.get(t, w) ?? [])),
    ...pairs.map((p) => idx.get(p.bare, HONO_OVERHEAD_WORKLOAD)!),
  ];
  return { targets, workloads, pairs, cells };
}

/** The workload Hono's overhead over each bare runtime is headlined on. */
export const HONO_OVERHEAD_WORKLOAD = 'basic-json';

/** The fixed-rate table's cells of a run. */
export const rateTableCells = (cells: readonly Cell[]): Cell[] => cells.filter((c) => c.phase === 'rate-table');

/** Cell file names (`<target>__<workload>`, `__rate` for the fixed-rate table) run.json lists but no supplied cell matches. */
export function missingCells(run: RunMeta, cells: readonly Cell[]): string[] {
  const have = new Set(cells.map(cellKey));
  return run.cells
    .map((name) => name.replace(/^.*\//, '').replace(/\.json$/, ''))
    .filter((name) => !have.has(name));
}

/** Generator-bound: the median says so, or some repeat did (then `repeats` < `of`). */
export function generatorBound(c: Cell): { bound: boolean; repeats: number; of: number } {
  const ok = okRepeats(c);
  const repeats = ok.filter((r) => r.figures.generatorBound).length;
  return { bound: c.median?.generatorBound === true || repeats > 0, repeats, of: ok.length };
}

/** The figure keys of Cell.spread (bench/results/summary.ts writes them). */
type SpreadKey = 'throughput' | 'serverCpuUsPerUnit' | 'serverPeakRssBytes' | 'p99';

const figureOf = (r: OkRepeat, key: string): number | undefined => {
  if (key === 'p99') return r.figures.latencyMs.p99;
  const v = (r.figures as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
};

/** Cell.spread for a figure; computed from the ok repeats only if the cell does not carry it. */
export function spreadOf(c: Cell, key: SpreadKey): Spread | undefined {
  if (c.spread[key]) return c.spread[key];
  const values = okRepeats(c).map((r) => figureOf(r, key)).filter((v): v is number => v !== undefined);
  return values.length > 0 ? relativeRange(values) : undefined;
}

/** The ok repeat whose throughput is nearest the median (the earliest on a tie): "one run" to plot. */
export function representative(c: Cell): OkRepeat | undefined {
  const median = c.median?.throughput;
  const ok = okRepeats(c);
  if (median === undefined) return ok[0];
  return ok.reduce<OkRepeat | undefined>(
    (best, r) =>
      best === undefined || Math.abs(r.figures.throughput - median) < Math.abs(best.figures.throughput - median)
        ? r
        : best,
    undefined,
  );
}

/** A figure of a cell's ok repeats: its median and 95 % interval (min–max with fewer than 6). */
export const intervalOf = (c: Cell, pick: (f: Figures) => number): MedianInterval =>
  medianInterval(okRepeats(c).map((r) => pick(r.figures)));

/**
 * `pick(num) ÷ pick(den)` round by round — the rounds both measured, each pair minutes apart —
 * then the median of those ratios and its interval: what drifts between rounds cancels out.
 */
export function pairedInterval(
  num: Cell,
  den: Cell,
  pick: (f: Figures) => number,
  confidence = 0.95,
): MedianInterval {
  const rounds = [...new Set([...okRepeats(num), ...okRepeats(den)].map((r) => r.repeat))].sort((a, b) => a - b);
  const at = (c: Cell) => rounds.map((k) => okRepeats(c).find((r) => r.repeat === k)).map((r) => r && pick(r.figures));
  return medianInterval(pairedRatios(at(num), at(den)), confidence);
}

/** A ratio of two cells' figures, with what qualifies it. */
export type Comparison =
  | {
    ok: true;
    value: number;
    /** The paired ratio's interval, when two or more rounds pair up. */
    interval?: MedianInterval;
    /** The interval holds 1: the data cannot tell the two apart. */
    unclear?: boolean;
    /** ≥ / ≤: one side is a lower bound (generator-bound); ~: both are, so the ratio is undetermined. */
    bound: '' | '≥' | '≤' | '~';
    /** How the two cells differ in a way that makes the ratio less like-for-like. */
    differs: string[];
  }
  | { ok: false; why: 'missing' | 'failed' | 'fixed rate' };

const differences = (a: Cell, b: Cell): string[] =>
  (['driver', 'backend', 'mode', 'unit'] as const).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k]} vs ${b[k]}`);

/**
 * The paired ratio of a figure where two or more rounds pair up (its median, interval, and whether
 * the interval holds 1); else the ratio of the medians (a run of one round, or rounds that never met).
 */
function pairedComparison(
  num: Cell,
  den: Cell,
  pick: (f: Figures) => number,
  medians: number,
): Pick<Extract<Comparison, { ok: true }>, 'value' | 'interval' | 'unclear'> {
  const interval = pairedInterval(num, den, pick);
  if (interval.n < 2) return { value: medians };
  return { value: interval.median, interval, unclear: interval.low <= 1 && interval.high >= 1 };
}

/** Throughput of `num` ÷ throughput of `den`, paired by round; only between closed-loop cells. */
export function throughputRatio(num: Cell | undefined, den: Cell | undefined): Comparison {
  if (!num || !den) return { ok: false, why: 'missing' };
  if (!num.median || !den.median || den.median.throughput === 0) return { ok: false, why: 'failed' };
  if (num.mode === 'rate' || den.mode === 'rate') return { ok: false, why: 'fixed rate' };
  const a = generatorBound(num).bound, b = generatorBound(den).bound;
  return {
    ok: true,
    ...pairedComparison(num, den, (f) => f.throughput, num.median.throughput / den.median.throughput),
    bound: a && b ? '~' : a ? '≥' : b ? '≤' : '',
    differs: differences(num, den),
  };
}

/** Server CPU per unit of `base` ÷ that of `target`, paired by round: how many times less CPU `target` spends. */
export function cpuRatio(base: Cell | undefined, target: Cell | undefined): Comparison {
  if (!base || !target) return { ok: false, why: 'missing' };
  if (!base.median || !target.median || target.median.serverCpuUsPerUnit === 0) return { ok: false, why: 'failed' };
  return {
    ok: true,
    ...pairedComparison(
      base,
      target,
      (f) => f.serverCpuUsPerUnit,
      base.median.serverCpuUsPerUnit / target.median.serverCpuUsPerUnit,
    ),
    bound: '',
    differs: differences(base, target),
  };
}

/** The server CPU µs per request a framework adds over its bare runtime; undefined if either failed. */
export const cpuAdded = (framework: Cell, bare: Cell): number | undefined =>
  framework.median && bare.median ? framework.median.serverCpuUsPerUnit - bare.median.serverCpuUsPerUnit : undefined;

/** Framework target ↔ its bare control (`bare-node` ↔ `node`), for the targets that ran. */

export function controlPairs(targets: readonly string[]): { framework: string; bare: string }[] {
  return targets
    .filter((t) => t.startsWith('bare-') && targets.includes(t.slice('bare-'.length)))
    .map((bare) => ({ framework: bare.slice('bare-'.length), bare }));
}

/** The role of a per-role rate in `extra` (`writer_rps`, `writer_per_s` → writer), or undefined. */
export function roleOf(key: string): string | undefined {
  return /^(.+?)_(?:rps|per_s)$/.exec(key)?.[1];
}

/**
 * The role name published figures use (seed 000's writer / reader / celebrity) for a role or k6
 * scenario name: writers → writer, broad-readers → reader, celebrity-readers → celebrity.
 */
export function canonicalRole(role: string): string {
  const r = role.toLowerCase();
  if (r.includes('celebr')) return 'celebrity';
  if (r.includes('writ')) return 'writer';
  if (r.includes('read')) return 'reader';
  if (['aggregate', 'all', 'total', 'mix'].includes(r)) return 'aggregate';
  return r;
}

/** Every key of `extra` across the cells, in first-seen order. */
export function extraKeys(cells: readonly Cell[]): string[] {
  return [...new Set(cells.flatMap((c) => Object.keys(c.median?.extra ?? {})))];
}

/** Which cells of a workload ran on the embedded backend. */
export function embeddedTargets(cells: readonly Cell[]): string[] {
  return cells.filter((c) => c.backend === 'embedded').map((c) => c.target);
}

/**
 * Skipped (target, workload) pairs grouped by target and reason, workloads in run order. A pair
 * skipped in some repeats but measured in others (a cell exists) is grouped apart: `partly`.
 */
export function skippedGroups(
  run: RunMeta,
  cells: readonly Cell[],
): { target: string; reason: string; partly: boolean; workloads: string[] }[] {
  const measured = new Set(cells.map((c) => `${c.target}\u0000${c.workload}`));
  const groups = new Map<string, { target: string; reason: string; partly: boolean; workloads: string[] }>();
  for (const s of run.skipped) {
    const partly = measured.has(`${s.target}\u0000${s.workload}`);
    const key = `${s.target}\u0000${s.reason}\u0000${partly}`;
    const g = groups.get(key) ?? { target: s.target, reason: s.reason, partly, workloads: [] };
    g.workloads.push(s.workload);
    groups.set(key, g);
  }
  const order = (w: string) => run.workloads.indexOf(w);
  return [...groups.values()].map((g) => ({ ...g, workloads: g.workloads.sort((a, b) => order(a) - order(b)) }));
}
