/**
 * Two runs side by side, as pure functions over their RunMeta and cells: per cell measured in
 * both (same target and workload), each run's median and interval of throughput and of server
 * CPU µs/unit, and the change from run A to run B.
 */
import type { Cell, RunMeta } from '../results/schema.ts';
import type { MedianInterval } from '../results/stats.ts';
import { formatWithInterval, medianInterval, noClearDifference } from '../results/stats.ts';
import { indexCells, okRepeats, pairedInterval } from './model.ts';

/** Run B ÷ run A, with an interval (see figureChange). */
export interface Change {
  median: number;
  low: number;
  high: number;
}

export type Verdict = 'no clear change' | 'up' | 'down' | 'not measured';

export interface FigureChange {
  a: MedianInterval;
  b: MedianInterval;
  /** Undefined when either run has no ok repeat of the cell. */
  change: Change | undefined;
  verdict: Verdict;
  /** Both intervals are exact (enough repeats for the confidence asked); else they are min–max ranges. */
  exact: boolean;
}

export interface CellChange {
  target: string;
  workload: string;
  throughput: FigureChange;
  serverCpuUsPerUnit: FigureChange;
  /** How the two runs measured the cell differently (driver, backend, mode, unit, connections). */
  differs: string[];
}

export interface RunSide {
  id: string;
  commit: string;
  dirty: boolean;
  startedAt: string;
}

export interface RunComparison {
  a: RunSide;
  b: RunSide;
  confidence: number;
  /** Settings and machine facts that differ between the runs: `durationS: 10 vs 30`. */
  settingsDiffer: string[];
  /** Cells in both runs, in run A's order (workloads, then targets). */
  cells: CellChange[];
  onlyInA: { target: string; workload: string }[];
  onlyInB: { target: string; workload: string }[];
  /** Every two targets run B measured on a workload, their paired ratios in both runs. */
  pairs: PairCheck[];
}

/** One paired ratio (`num` ÷ `den`, round by round) of a figure, in run A and again in run B. */
export interface PairRatio {
  a: MedianInterval;
  b: MedianInterval;
  /** B's median ratio lies inside A's interval: the re-run reproduces run A's claim. */
  inside: boolean;
}

export interface PairCheck {
  workload: string;
  num: string;
  den: string;
  throughput: PairRatio;
  serverCpuUsPerUnit: PairRatio;
}

/**
 * One figure in both runs. The change is B ÷ A at the medians; its interval is taken
 * conservatively from the two intervals, as the widest ratio they allow: low = B.low ÷ A.high,
 * high = B.high ÷ A.low. Every ratio of a value inside A's interval and one inside B's lies in it,
 * so it covers the true ratio whenever both intervals cover their medians — with probability at
 * least the product of their confidences, as the runs are independent (≥ 0.95² ≈ 90 % in the worst
 * case, 0.979² ≈ 96 % at 10 repeats). The repeats of two runs are not paired (they were not
 * interleaved), so no per-round ratio is taken. "No clear change" is the two intervals
 * overlapping, which is the same as this interval containing 1.
 */
export function figureChange(a: MedianInterval, b: MedianInterval): FigureChange {
  const exact = a.exact && b.exact;
  if (a.n === 0 || b.n === 0 || !(a.median > 0)) return { a, b, change: undefined, verdict: 'not measured', exact };
  const change = {
    median: b.median / a.median,
    low: b.low / a.high,
    high: a.low > 0 ? b.high / a.low : Infinity,
  };
  const verdict: Verdict = noClearDifference(a, b) ? 'no clear change' : b.median > a.median ? 'up' : 'down';
  return { a, b, change, verdict, exact };
}

const key = (c: { target: string; workload: string }) => `${c.target}\u0000${c.workload}`;

/** The cells of a run in its order: by workload, then by target. */
function inRunOrder(run: RunMeta, cells: readonly Cell[]): Cell[] {
  const index = indexCells(run, cells);
  return index.workloads.flatMap((w) => index.targets.flatMap((t) => index.get(t, w) ?? []));
}

function cellDifferences(a: Cell, b: Cell): string[] {
  const keys = ['driver', 'backend', 'mode', 'unit', 'connections'] as const;
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k] ?? 'run default'} vs ${b[k] ?? 'run default'}`);
}

function settingsDifferences(a: RunMeta, b: RunMeta): string[] {
  const facts = (r: RunMeta): Record<string, unknown> => ({
    ...r.settings,
    cpuModel: r.machine.cpuModel,
    cores: r.machine.cores,
  });
  const fa = facts(a), fb = facts(b);
  return [...new Set([...Object.keys(fa), ...Object.keys(fb)])]
    .filter((k) => fa[k] !== fb[k])
    .map((k) => `${k}: ${fa[k] ?? '—'} vs ${fb[k] ?? '—'}`);
}

/**
 * The paired ratios of every two targets that run B measured on the same workload (and run A
 * too), in both runs, in run B's order — how a re-run of a few pairs checks a committed run: its
 * ratios should land inside the committed run's intervals. Within each run the ratio is paired
 * by round (see pairedInterval), so what drifted between that run's rounds cancels out.
 */
export function comparePairs(
  a: { run: RunMeta; cells: readonly Cell[] },
  b: { run: RunMeta; cells: readonly Cell[] },
  confidence = 0.95,
): PairCheck[] {
  const inA = new Map(inRunOrder(a.run, a.cells).map((c) => [key(c), c]));
  const index = indexCells(b.run, b.cells);
  const ratio = (
    na: Cell,
    da: Cell,
    nb: Cell,
    db: Cell,
    pick: (f: { throughput: number; serverCpuUsPerUnit: number }) => number,
  ): PairRatio => {
    const ia = pairedInterval(na, da, pick, confidence), ib = pairedInterval(nb, db, pick, confidence);
    return { a: ia, b: ib, inside: ia.n > 0 && ib.n > 0 && ib.median >= ia.low && ib.median <= ia.high };
  };
  return index.workloads.flatMap((w) => {
    const measured = index.targets.flatMap((t) => {
      const cb = index.get(t, w), ca = inA.get(key({ target: t, workload: w }));
      return cb?.median && ca?.median ? [{ t, ca, cb }] : [];
    });
    return measured.flatMap((n, i) =>
      measured.slice(i + 1).map((d): PairCheck => ({
        workload: w,
        num: n.t,
        den: d.t,
        throughput: ratio(n.ca, d.ca, n.cb, d.cb, (f) => f.throughput),
        serverCpuUsPerUnit: ratio(n.ca, d.ca, n.cb, d.cb, (f) => f.serverCpuUsPerUnit),
      }))
    );
  });
}

const side = (r: RunMeta): RunSide => ({
  id: r.id,
  commit: r.git.commit,
  dirty: r.git.dirty,
  startedAt: r.startedAt,
});

/** Run A against run B, cell by cell, at `confidence` (95 %). */
export function compareRuns(
  a: { run: RunMeta; cells: readonly Cell[] },
  b: { run: RunMeta; cells: readonly Cell[] },
  confidence = 0.95,
): RunComparison {
  const cellsA = inRunOrder(a.run, a.cells), cellsB = inRunOrder(b.run, b.cells);
  const inB = new Map(cellsB.map((c) => [key(c), c]));
  const inA = new Set(cellsA.map(key));
  const interval = (c: Cell, pick: (f: { throughput: number; serverCpuUsPerUnit: number }) => number) =>
    medianInterval(okRepeats(c).map((r) => pick(r.figures)), confidence);
  const cells = cellsA.flatMap((ca): CellChange[] => {
    const cb = inB.get(key(ca));
    if (!cb) return [];
    return [{
      target: ca.target,
      workload: ca.workload,
      throughput: figureChange(interval(ca, (f) => f.throughput), interval(cb, (f) => f.throughput)),
      serverCpuUsPerUnit: figureChange(
        interval(ca, (f) => f.serverCpuUsPerUnit),
        interval(cb, (f) => f.serverCpuUsPerUnit),
      ),
      differs: cellDifferences(ca, cb),
    }];
  });
  const pair = (c: Cell) => ({ target: c.target, workload: c.workload });
  return {
    a: side(a.run),
    b: side(b.run),
    confidence,
    settingsDiffer: settingsDifferences(a.run, b.run),
    cells,
    onlyInA: cellsA.filter((c) => !inB.has(key(c))).map(pair),
    onlyInB: cellsB.filter((c) => !inA.has(key(c))).map(pair),
    pairs: comparePairs(a, b, confidence),
  };
}

/** A figure of one run: its median and interval, † when the interval is only the min–max range. */
const figure = (i: MedianInterval): string => i.n === 0 ? '—' : `${formatWithInterval(i)}${i.exact ? '' : ' †'}`;

const changeText = (f: FigureChange): string =>
  f.change ? `${formatWithInterval(f.change, '×')} ${f.verdict}` : f.verdict;

const percent = (p: number): string => `${Number((p * 100).toFixed(1))} %`;

const runLine = (label: string, r: RunSide): string =>
  `- ${label}: \`${r.id}\`, commit ${r.commit}${r.dirty ? ' (dirty)' : ''}, started ${r.startedAt}`;

/** The comparison as Markdown: the runs, what differs between them, one table row per shared cell. */
export function compareMarkdown(c: RunComparison): string {
  const lines = [
    `# Gauntlet runs compared: ${c.a.id} → ${c.b.id}`,
    '',
    runLine('A', c.a),
    runLine('B', c.b),
    '',
    `Each figure is the median over the ok repeats with its ${
      percent(c.confidence)
    } distribution-free interval (order statistics of the median). † marks too few repeats for that: the interval is then the min–max range, whose confidence is 1 − 2·0.5ⁿ (75 % for 3 repeats). The change is B ÷ A with the widest ratio the two intervals allow; "no clear change" where they overlap.`,
    '',
  ];
  if (c.settingsDiffer.length > 0) lines.push(`Settings that differ (A vs B): ${c.settingsDiffer.join('; ')}.`, '');
  lines.push(
    '| Workload | Target | Throughput A (/s) | Throughput B (/s) | Throughput B ÷ A | CPU µs/unit A | CPU µs/unit B | CPU B ÷ A |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
  );
  for (const cell of c.cells) {
    const t = cell.throughput, cpu = cell.serverCpuUsPerUnit;
    const target = cell.differs.length > 0 ? `${cell.target} (${cell.differs.join('; ')})` : cell.target;
    lines.push(
      `| ${cell.workload} | ${target} | ${figure(t.a)} | ${figure(t.b)} | ${changeText(t)} | ${figure(cpu.a)} | ${
        figure(cpu.b)
      } | ${changeText(cpu)} |`,
    );
  }
  const list = (title: string, cells: { target: string; workload: string }[]) => {
    if (cells.length > 0) lines.push('', `${title}: ${cells.map((x) => `${x.target} × ${x.workload}`).join(', ')}.`);
  };
  if (c.pairs.length > 0) {
    const ratio = (r: PairRatio) => `${figure(r.a)} | ${figure(r.b)} | ${r.inside ? 'inside' : '**outside**'}`;
    lines.push(
      '',
      '## Paired ratios',
      '',
      "Each ratio is taken round by round within its run (the two windows minutes apart), then its median and interval. \"Inside\": run B's median ratio lies inside run A's interval — B reproduces A's claim.",
      '',
      '| Workload | Ratio | Throughput A | Throughput B | B in A? | CPU µs/unit A | CPU µs/unit B | B in A? |',
      '| --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
      ...c.pairs.map((p) =>
        `| ${p.workload} | ${p.num} ÷ ${p.den} | ${ratio(p.throughput)} | ${ratio(p.serverCpuUsPerUnit)} |`
      ),
      '',
      `${c.pairs.flatMap((p) => [p.throughput, p.serverCpuUsPerUnit]).filter((r) => r.inside).length} of ${
        c.pairs.length * 2
      } ratios inside.`,
    );
  }
  list(`Only in A (${c.a.id})`, c.onlyInA);
  list(`Only in B (${c.b.id})`, c.onlyInB);
  return `${lines.join('\n')}\n`;
}
