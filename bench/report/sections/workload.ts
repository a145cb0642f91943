/** One section per workload: its figures per target, latency and charts. Pure. */
import type { Reference } from '../../results/reference.ts';
import type { Cell } from '../../results/schema.ts';
import type { BarPanel, LatencyDatum, SeriesDatum } from '../charts.ts';
import { barPanels, latencyLines, overTime, PERCENTILES } from '../charts.ts';
import type { Block } from '../doc.ts';
import { heading, list, para, slug, table } from '../doc.ts';
import { count, mib, num, pct } from '../format.ts';
import type { CellIndex } from '../model.ts';
import {
  embeddedTargets,
  extraKeys,
  failedRepeats,
  generatorBound,
  okRepeats,
  representative,
  spreadOf,
} from '../model.ts';
import { describeContext, publishedRows, tag } from '../published.ts';
import {
  BACKEND_LABEL,
  cpuText,
  driverText,
  endpoint,
  GEN,
  limiterText,
  rateText,
  unitOf,
  workloadAnchor,
} from './text.ts';

function workloadSection(w: string, idx: CellIndex, refs: readonly Reference[], chartIds: Set<string>): Block[] {
  const e = endpoint(w);
  const targets = idx.targets.filter((t) => idx.get(t, w));
  const cells = targets.map((t) => idx.get(t, w)!);
  const unit = unitOf(cells);
  const blocks: Block[] = [
    heading(3, e ? `${w} — ${e.request.method} ${e.route}` : w, workloadAnchor(w)),
    para(`${e ? `${e.description}. ` : ''}Family: ${cells[0]?.family ?? e?.family ?? '?'}.`),
  ];
  const embedded = embeddedTargets(cells);
  if (embedded.length > 0) {
    blocks.push(para(
      `**embedded backend** for ${embedded.map((t) => `\`${t}\``).join(', ')}: PGlite and an in-process cache, ` +
        'not Postgres + Redis.',
      'warning',
    ));
  }
  const bound = cells.filter((c) => generatorBound(c).bound);
  if (bound.length > 0) {
    blocks.push(para(
      `**Generator-bound** (${GEN}): ${
        bound.map((c) => `\`${c.target}\``).join(', ')
      } — the load generator was near its CPU limit; throughput is a lower bound.`,
      'warning',
    ));
  }

  const dropped = cells.some((c) => (c.median?.droppedIterations ?? 0) > 0);
  const backendCpu = cells.some((c) => c.median?.backendCpuUsPerUnit !== undefined);
  // Multi-core runs: each worker's share of the server's CPU, in the repeat nearest the median.
  const split = (c: Cell) => representative(c)?.figures.workerCpuShares;
  const workers = cells.some((c) => split(c) !== undefined);
  blocks.push(table(
    [
      'Target',
      'Driver',
      'Mode',
      'Backend',
      `${unit}/s (95 % CI)`,
      'p50 ms',
      'p99 ms',
      `CPU µs/${unit} (95 % CI)`,
      'limiter',
      ...(backendCpu ? [`backend CPU µs/${unit}`] : []),
      ...(workers ? ['worker CPU split'] : []),
      'peak RSS MiB',
      'errors',
      'generator CPU',
      ...(dropped ? ['dropped'] : []),
      'repeats ok',
    ],
    cells.map((c) => {
      const m = c.median, g = generatorBound(c);
      const gen = m
        ? `${m.generatorCpuPct.toFixed(0)}%${
          m.generatorCoreBusyPct === undefined ? '' : ` (cores ${m.generatorCoreBusyPct.toFixed(0)}%)`
        }${g.bound ? ` ${GEN}${g.repeats < g.of ? ` (${g.repeats}/${g.of})` : ''}` : ''}`
        : '—';
      return [
        c.target,
        driverText([c]),
        c.mode,
        BACKEND_LABEL[c.backend],
        rateText(c),
        num(m?.latencyMs.p50),
        num(m?.latencyMs.p99),
        m ? cpuText(c) : '—',
        limiterText(c),
        ...(backendCpu ? [num(m?.backendCpuUsPerUnit)] : []),
        ...(workers ? [split(c)?.map((x) => `${Math.round(100 * x)}%`).join('/') ?? '—'] : []),
        mib(m?.serverPeakRssBytes),
        m ? pct(m.errorRate, 2) : '—',
        gen,
        ...(dropped ? [num(m?.droppedIterations)] : []),
        `${okRepeats(c).length}/${c.repeats.length}`,
      ];
    }),
  ));

  const keys = extraKeys(cells);
  if (keys.length > 0) {
    blocks.push(
      para('Further figures of this workload (medians of repeats):'),
      table(
        ['Figure', ...targets],
        keys.map((k) => [k, ...cells.map((c) => (c.median ? num(c.median.extra[k]) : 'failed'))]),
      ),
    );
  }

  const failures = cells.flatMap((c) => failedRepeats(c).map((r) => `\`${c.target}\` repeat ${r.repeat}: ${r.reason}`));
  if (failures.length > 0) blocks.push(para('**Failed repeats:**'), list(failures));

  const measured = cells.filter((c) => c.median);
  if (measured.length > 0) {
    /** One bar panel; `scale` converts the figure (and its spread) for display, e.g. bytes → MiB. */
    const panel = (
      title: string,
      key: Parameters<typeof spreadOf>[1],
      value: (c: Cell) => number,
      text: (c: Cell) => string,
      scale = (v: number) => v,
    ): BarPanel => ({
      title,
      data: measured.map((c) => {
        const s = spreadOf(c, key);
        return {
          target: c.target,
          value: scale(value(c)),
          ...(s && Number.isFinite(s.min) ? { min: scale(s.min), max: scale(s.max) } : {}),
          label: text(c),
          bound: generatorBound(c).bound,
        };
      }),
    });
    const panels: BarPanel[] = [
      panel(`Throughput (${unit}/s)`, 'throughput', (c) => c.median!.throughput, rateText),
      panel('p99 latency (ms)', 'p99', (c) => c.median!.latencyMs.p99, (c) => num(c.median!.latencyMs.p99)),
      panel(
        `CPU µs per ${unit === 'req' ? 'request' : 'message'}`,
        'serverCpuUsPerUnit',
        (c) => c.median!.serverCpuUsPerUnit,
        (c) => num(c.median!.serverCpuUsPerUnit),
      ),
      panel(
        'Peak RSS (MiB)',
        'serverPeakRssBytes',
        (c) => c.median!.serverPeakRssBytes,
        (c) => mib(c.median!.serverPeakRssBytes),
        (v) => v / 2 ** 20,
      ),
    ];
    const id = (kind: string) => {
      const chartId = `chart-${slug(w)}-${kind}`;
      chartIds.add(chartId);
      return chartId;
    };
    blocks.push({
      kind: 'chart',
      id: id('figures'),
      title: `${w}: throughput, p99, CPU and memory per target`,
      caption: `medians of repeats; whiskers span the repeats; pale bars are generator-bound (${GEN}).`,
      spec: barPanels(panels, targets),
    });
    const latency: LatencyDatum[] = measured.flatMap((c) =>
      PERCENTILES.map((p) => ({ target: c.target, percentile: p, ms: c.median!.latencyMs[p] }))
    );
    blocks.push({
      kind: 'chart',
      id: id('latency'),
      title: `${w}: latency distribution`,
      caption: `driver: ${[...new Set(measured.map((c) => c.driver))].join(', ')}.`,
      spec: latencyLines(latency, targets),
    });
    const runs = measured.map((c) => ({ c, r: representative(c) })).filter((x) => x.r && x.r.samples.length > 0);
    if (runs.length > 0) {
      const series: SeriesDatum[] = runs.flatMap(({ c, r }) =>
        r!.samples.map((s) => ({ target: c.target, t: s.t, cpu: s.serverCpuPct, rssMiB: s.serverRssBytes / 2 ** 20 }))
      );
      blocks.push({
        kind: 'chart',
        id: id('over-time'),
        title: `${w}: server CPU and memory over one run`,
        caption: `the repeat nearest the median throughput: ${
          runs.map(({ c, r }) => `${c.target} #${r!.repeat}`).join(', ')
        }; samples every 250 ms.`,
        spec: overTime(series, targets),
      });
    }
  }

  const published = publishedRows(refs, w);
  if (published.length > 0) {
    const metrics = [
      ['rps', 'req/s'],
      ['latency_avg', 'avg ms'],
      ['latency_p50', 'p50 ms'],
      ['latency_p90', 'p90 ms'],
      ['latency_p99', 'p99 ms'],
      ['latency_max', 'max ms'],
      ['peak_cpu', 'peak CPU %'],
      ['peak_rss', 'peak memory MB'],
      ['errors', 'errors'],
    ] as const;
    const shown = metrics.filter(([m]) => published.some((r) => r.values[m] !== undefined));
    const contexts = new Map(published.map((r) => [`${r.ref.seed} ${r.context}`, r]));
    blocks.push(
      para(
        `**Published figures for ${w}** — measured elsewhere; compare their shape, not their numbers, with ours.`,
      ),
      table(
        ['Source', 'System (nearest target here)', 'Scenario', ...shown.map(([, h]) => h)],
        published.map((r) => [
          tag(r.ref, r.context),
          `${r.ref.systems[r.system]?.name ?? r.system} (${r.ref.systems[r.system]?.standsFor ?? 'none'})`,
          r.role ? `${r.label} (${r.role} role of a mix)` : r.label,
          ...shown.map(([m]) => (m === 'errors' ? count(r.values[m]) : num(r.values[m]))),
        ]),
      ),
      list([...contexts.values()].map((r) => `${tag(r.ref, r.context)} ${describeContext(r.ref.contexts[r.context])}`)),
    );
  }
  return blocks;
}

export function workloads(idx: CellIndex, refs: readonly Reference[], chartIds: Set<string>): Block[] {
  return [
    heading(2, 'Workloads', 'workloads'),
    ...idx.workloads.flatMap((w) => workloadSection(w, idx, refs, chartIds)),
  ];
}
