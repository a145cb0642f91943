/** Every target against the baselines (rust, python), beside the published ratios. Pure. */
import type { Reference } from '../../results/reference.ts';
import type { Cell } from '../../results/schema.ts';
import type { HeatDatum } from '../charts.ts';
import { ratioGrids } from '../charts.ts';
import type { Block } from '../doc.ts';
import { heading, para, slug, table } from '../doc.ts';
import type { CellIndex, Comparison } from '../model.ts';
import { BASELINES, cpuRatio, PYTHON, RUST, throughputRatio } from '../model.ts';
import type { PublishedRatio } from '../published.ts';
import { publishedRatios } from '../published.ts';
import { comparisonText, cpuText, publishedLegend, publishedText, rateText } from './text.ts';

/** A ratio in a grid cell: 2.5× · 16× · ≥5.0×. */
const compactRatio = (c: Extract<Comparison, { ok: true }>): string =>
  `${c.bound}${c.value >= 10 ? c.value.toFixed(0) : c.value >= 0.1 ? c.value.toFixed(1) : c.value.toPrecision(1)}×`;

function ratioGrid(idx: CellIndex, b: string, chartIds: Set<string>): Block[] {
  const others = idx.targets.filter((t) => t !== b);
  const workloads = idx.workloads.filter((w) => idx.get(b, w));
  const grid = (compare: (base: Cell, c: Cell | undefined) => Comparison): HeatDatum[] =>
    workloads.flatMap((w) =>
      others.flatMap((t) => {
        const c = compare(idx.get(b, w)!, idx.get(t, w));
        return c.ok ? [{ workload: w, target: t, value: c.value, label: compactRatio(c) }] : [];
      })
    );
  const throughput = grid((base, c) => throughputRatio(c, base)), cpu = grid((base, c) => cpuRatio(base, c));
  if (throughput.length + cpu.length === 0) return [];
  const id = `chart-against-${slug(b)}`;
  chartIds.add(id);
  return [{
    kind: 'chart',
    id,
    title: `Against ${b}`,
    caption: `left, throughput ÷ ${b} (closed-loop cells); right, ${b} CPU µs per request ÷ the target's. ` +
      `Blue: better than ${b}; red: worse; ≥ / ≤: generator-bound.`,
    spec: ratioGrids(
      [
        { title: `Throughput ÷ ${b}`, data: throughput },
        { title: `CPU per request: ${b} ÷ target`, data: cpu },
      ],
      workloads,
      others,
    ),
  }];
}

export function ratios(idx: CellIndex, refs: readonly Reference[], chartIds: Set<string>): Block[] {
  const blocks: Block[] = [heading(2, 'Against rust and python', 'ratios')];
  const ran = BASELINES.filter((b) => idx.targets.includes(b));
  for (const b of BASELINES) {
    if (!ran.includes(b)) blocks.push(para(`\`${b}\` did not run: no ratios against it.`, 'note'));
  }
  if (ran.length === 0) return blocks;

  if (ran.length === 2) {
    const rows: string[][] = [];
    const used: PublishedRatio[] = [];
    for (const w of idx.workloads) {
      const r = idx.get(RUST, w), p = idx.get(PYTHON, w);
      if (!r || !p) continue;
      const published = publishedRatios(refs, w);
      used.push(...published);
      rows.push([w, rateText(r), rateText(p), comparisonText(throughputRatio(r, p)), publishedText(published)]);
    }
    blocks.push(
      heading(3, 'Rust vs Python, in the shape of the published tables', 'rust-vs-python'),
      para(
        "In seed 001's shape (Workload | Rust RPS | Python RPS | Ratio): the medians of our `rust` (axum) and " +
          '`python` (FastAPI) targets and their ratio; beside them, the published Rust ÷ Python ratio for the ' +
          'same kind of workload.',
      ),
      table(['Workload', 'Rust req/s', 'Python req/s', 'Ratio', 'Published Rust ÷ Python'], rows),
      ...publishedLegend(used),
    );
  }

  for (const b of ran) {
    const others = idx.targets.filter((t) => t !== b);
    const rows = (f: (base: Cell, c: Cell | undefined) => string, baseText: (c: Cell) => string) =>
      idx.workloads
        .filter((w) => idx.get(b, w) && others.some((t) => idx.get(t, w)))
        .map((w) => [w, baseText(idx.get(b, w)!), ...others.map((t) => f(idx.get(b, w)!, idx.get(t, w)))]);
    blocks.push(
      heading(3, `Against ${b}`, `against-${b}`),
      ...ratioGrid(idx, b, chartIds),
      para(`Throughput, target ÷ \`${b}\` (closed-loop cells only; fixed-rate throughput is the offered rate):`),
      table(
        ['Workload', `${b} req/s`, ...others],
        rows((base, c) => comparisonText(throughputRatio(c, base)), (c) => rateText(c)),
      ),
      para(
        `CPU per request, \`${b}\` ÷ target: how many times less CPU the target spends per request than ` +
          `\`${b}\` (below 1: it spends more):`,
      ),
      table(
        ['Workload', `${b} CPU µs/req`, ...others],
        rows(
          (base, c) => comparisonText(cpuRatio(base, c)),
          (c) => (c.median ? cpuText(c) : 'failed'),
        ),
      ),
    );
  }
  return blocks;
}
