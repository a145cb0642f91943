/**
 * How far the figures hold: which cells converged, how wide the intervals are, what limited each
 * cell, how noisy the host was (the loop timed on the server core around every window), and the
 * fixed-rate table — every target of a workload at one offered rate, CPU per request at equal load.
 * Pure.
 */
import type { Cell, RunMeta } from '../../results/schema.ts';
import { halfWidthRelative, percentile } from '../../results/stats.ts';
import { cellIntervals, cellLimiter } from '../../results/summary.ts';
import { NEIGHBOURS, sharedDrift } from '../../results/drift.ts';
import type { Block } from '../doc.ts';
import { heading, list, para, table } from '../doc.ts';
import { count, num, pct } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { headlineScope, okRepeats, rateTableCells } from '../model.ts';
import { cpuText, figureText, limiterText } from './text.ts';

/** p50 and p90 of values, as `median 3.1 %, p90 8.0 %`. */
const distribution = (values: number[]): string => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0
    ? '—'
    : `median ${pct(percentile(sorted, 50))}, p90 ${pct(percentile(sorted, 90))}, worst ${pct(sorted.at(-1))}`;
};

/** `n of m` converged among `cells` (those with a convergence verdict), with the share. */
const convergedShare = (cells: readonly Cell[]): string => {
  const judged = cells.filter((c) => okRepeats(c).length > 0 && c.converged !== undefined);
  const n = judged.filter((c) => c.converged).length;
  return `${count(n)} of ${count(judged.length)} (${pct(n / Math.max(1, judged.length))})`;
};

/**
 * Cells that got intervals: converged or not, with their CPU half-widths — counted apart for the
 * README's headline cells, the whole closed-loop matrix and the fixed-rate table.
 */
function convergence(run: RunMeta, idx: CellIndex, rate: readonly Cell[]): Block[] {
  const cells = [...idx.cells, ...rate];
  const target = run.settings.targetHalfWidth ?? 0.05;
  const widths = (figure: string) =>
    cells.flatMap((c) => {
      const i = cellIntervals(c.repeats)[figure];
      return i && i.n >= 2 ? [halfWidthRelative(i)] : [];
    });
  const measured = cells.filter((c) => okRepeats(c).length > 0);
  const notConverged = measured.filter((c) => c.converged === false);
  const headline = new Set(headlineScope(idx).cells);
  const blocks: Block[] = [
    heading(3, 'Intervals and convergence', 'convergence'),
    para(
      `Relative half-width of the 95 % interval over the cells: CPU per unit ${
        distribution(widths('serverCpuUsPerUnit'))
      }; throughput ${distribution(widths('throughput'))}. A cell has converged when its CPU per unit is known to ` +
        `±${pct(target, 0)} (an exact interval: 6 rounds or more)` +
        (run.settings.maxRepeats
          ? `; cells not converged after ${run.settings.repeats} rounds got more, up to ${run.settings.maxRepeats}.`
          : '.'),
    ),
  ];
  if (measured.some((c) => c.converged !== undefined)) {
    blocks.push(para(
      `Converged: the README's headline cells ${convergedShare([...headline])}; every closed-loop cell ${
        convergedShare(idx.cells)
      }` + (rate.length > 0 ? `; the fixed-rate table ${convergedShare(rate)}.` : '.') +
        (notConverged.length > 0 ? ' Not converged (CPU per unit, its interval and rounds; ★ a headline cell):' : ''),
    ));
    if (notConverged.length > 0) {
      blocks.push(list(notConverged.map((c) => {
        const i = cellIntervals(c.repeats).serverCpuUsPerUnit;
        return `\`${c.target}\` ${c.workload}${c.phase === 'rate-table' ? ` at ${c.rate}/s` : ''}${
          headline.has(c) ? ' ★' : ''
        }: ${cpuText(c)} µs (±${pct(i ? halfWidthRelative(i) : NaN)}, ${okRepeats(c).length} rounds)`;
      })));
    }
  }
  return blocks;
}

/** Cells per limiter. */
function limiters(cells: readonly Cell[]): Block[] {
  const counts = new Map<string, string[]>();
  for (const c of cells) {
    const l = c.limiter ?? cellLimiter(c.repeats) ?? 'not recorded';
    counts.set(l, [...(counts.get(l) ?? []), `${c.target} ${c.workload}`]);
  }
  return [
    heading(3, 'What limited each cell', 'limiters'),
    table(
      ['Limiter', 'cells'],
      [...counts].sort((a, b) => b[1].length - a[1].length).map(([l, cs]) => [l, count(cs.length)]),
    ),
  ];
}

/** How much of the windows' scatter neighbouring windows share (bench/results/drift.ts), as a sentence. */
function drift(run: RunMeta, cells: readonly Cell[]): string {
  const d = sharedDrift(run.rounds, cells);
  if (!d) return '';
  const shift = (from: number, to: number) => `${pct(from)} to ${pct(to)}`;
  return ` How much of the scatter the host shares out: each window's deviation from its cell's median, against ` +
    `the median deviation of the ${NEIGHBOURS} windows either side of it in its round (other targets, mostly of ` +
    `the same workload): ${
      d.correlation === undefined
        ? 'no correlation to speak of (one side never moved)'
        : `correlation ${num(d.correlation)}`
    } over ${count(d.windows)} windows. Dividing each window by its neighbours' deviation takes the median ` +
    `deviation from ${shift(d.deviation.p50, d.remaining.p50)} and the p90 from ${
      shift(d.deviation.p90, d.remaining.p90)
    }; what is left is each window's own (the target's scatter and the host's brief spikes). The shared ` +
    "part is the host's slow swings: more rounds of one cell average it away slowly, a ratio of two targets " +
    'paired by round cancels it.';
}

/** The host check loop across the run, steal, the windows measured again, and the drift they share. */
function host(run: RunMeta, cells: readonly Cell[]): Block[] {
  const checks: number[] = [], steal: number[] = [], foreign: number[] = [];
  let remeasured = 0, outliers = 0, windows = 0;
  for (const c of cells) {
    for (const r of okRepeats(c)) {
      windows++;
      if (r.figures.stealPct !== undefined) steal.push(r.figures.stealPct);
      if (r.figures.foreignCpuPct !== undefined) foreign.push(r.figures.foreignCpuPct);
      const h = r.figures.host;
      if (!h) continue;
      checks.push(...h.calibrationNs);
      remeasured += h.attempts - 1;
      if (h.outlier) outliers++;
    }
  }
  if (checks.length === 0) return [];
  const sorted = [...checks].sort((a, b) => a - b);
  const med = percentile(sorted, 50);
  const steals = [...steal].sort((a, b) => a - b);
  const others = [...foreign].sort((a, b) => a - b);
  return [
    heading(3, 'The host during the run', 'host'),
    para(
      `A fixed CPU loop was timed on the server core just before and after every window (${
        count(checks.length)
      } checks): median ${num(med / 1e6)} ms, p10–p90 ${num(percentile(sorted, 10) / 1e6)}–${
        num(percentile(sorted, 90) / 1e6)
      } ms (${pct((percentile(sorted, 90) - percentile(sorted, 10)) / med)} of the median), slowest ${
        num(sorted.at(-1)! / 1e6)
      } ms. This is the host's own variation, which every figure carries. Steal, median over windows: ${
        steals.length > 0 ? `${num(percentile(steals, 50))} %, worst ${num(steals.at(-1))} %` : 'not measured'
      }. Other processes' CPU during a window (every process but the server, the driver, the services, the ` +
        `orchestrator and the kernel's threads), median over windows: ${
          others.length > 0
            ? `${num(percentile(others, 50))} % of a core, worst ${num(others.at(-1))} %`
            : 'not recorded in this run'
        }. ${count(remeasured)} windows were measured again because the host was far out of line (steal above ` +
        `10 %, ${others.length > 0 ? 'other processes above 10 % of a core, ' : ''}or the loop 1.25× slower ` +
        `than the run's median); ${count(outliers)} of ${
          count(windows)
        } kept windows were still out of line after three attempts.` + drift(run, cells),
    ),
  ];
}

/** The fixed-rate table: per workload, every target at the same offered rate. */
function rateTable(run: RunMeta, all: readonly Cell[]): Block[] {
  const cells = rateTableCells(all);
  if (cells.length === 0) return [];
  const blocks: Block[] = [
    heading(3, 'At equal load: the fixed-rate table', 'rate-table'),
    para(
      "Every target of a workload at the same offered rate — half the slowest target's closed-loop median, " +
        'rounded down — on a driver that keeps an open-model schedule (latency from the intended send time; ' +
        'a window fails when more than 0.1 % of its sends drop). Here CPU per request compares cost at equal ' +
        'load, which closed-loop cells at different throughputs cannot.',
    ),
  ];
  for (const w of [...new Set(cells.map((c) => c.workload))]) {
    const rows = cells.filter((c) => c.workload === w);
    blocks.push(
      para(`**${w}** at ${num(run.rateTable?.[w] ?? rows[0]?.rate)}/s offered (${rows[0]?.driver}):`),
      table(
        ['Target', 'delivered/s', 'p50 ms', 'p99 ms', 'CPU µs/unit (95 % CI)', 'limiter', 'rounds ok'],
        rows.map((c) =>
          c.median
            ? [
              c.target,
              figureText(c, (f) => f.throughput),
              figureText(c, (f) => f.latencyMs.p50),
              figureText(c, (f) => f.latencyMs.p99),
              cpuText(c),
              limiterText(c),
              `${okRepeats(c).length}/${c.repeats.length}`,
            ]
            : [c.target, 'failed', '—', '—', '—', '—', `0/${c.repeats.length}`]
        ),
      ),
    );
  }
  return blocks;
}

export function precision(run: RunMeta, all: readonly Cell[], idx: CellIndex): Block[] {
  const rate = rateTableCells(all);
  const cells = [...idx.cells, ...rate];
  return [
    heading(2, 'How far the figures hold', 'precision'),
    ...convergence(run, idx, rate),
    ...limiters(idx.cells),
    ...host(run, cells),
    ...rateTable(run, all),
  ];
}
