/**
 * The report's content, section by section, as blocks (see doc.ts). Pure: the same run, cells and
 * references always give the same blocks.
 */
import { byId } from '../../contract/catalogue.ts';
import type { Endpoint } from '../../contract/catalogue.ts';
import type { Reference } from '../results/reference.ts';
import { included } from '../results/reference.ts';
import type { Cell, RunMeta } from '../results/schema.ts';
import type { BarPanel, HeatDatum, LatencyDatum, SeriesDatum } from './charts.ts';
import { barPanels, latencyLines, overTime, PERCENTILES, ratioGrids } from './charts.ts';
import type { Block } from './doc.ts';
import { heading, list, para, slug, table } from './doc.ts';
import { count, duration, gib, mib, num, pct, ratio, signed, spread } from './format.ts';
import type { CellIndex, Comparison } from './model.ts';
import {
  BASELINES,
  canonicalRole,
  controlPairs,
  cpuAdded,
  cpuRatio,
  embeddedTargets,
  extraKeys,
  failedRepeats,
  generatorBound,
  indexCells,
  missingCells,
  okRepeats,
  representative,
  roleOf,
  skippedGroups,
  spreadOf,
  throughputRatio,
} from './model.ts';
import type { PublishedRatio } from './published.ts';
import { describeContext, describeRatio, publishedRatios, publishedRows, tag } from './published.ts';

/** Marks a generator-bound figure: its throughput is a lower bound. */
export const GEN = '⚠';
/** Marks a ratio between cells that differ in driver, backend, mode or unit. */
export const DIFFERS = '‡';

export const BACKEND_LABEL: Record<Cell['backend'], string> = {
  none: 'none',
  embedded: 'embedded (PGlite + in-process cache)',
  services: 'Postgres + Redis',
};

const endpoint = (id: string): Endpoint | undefined => {
  try {
    return byId(id);
  } catch {
    return undefined;
  }
};

const workloadAnchor = (id: string) => `w-${slug(id)}`;
const unitOf = (cells: readonly Cell[]) => (cells.some((c) => c.unit === 'message') ? 'msg' : 'req');

/** The median throughput of a cell as the tables show it: `≥12,345 ⚠` when generator-bound. */
export function rateText(c: Cell | undefined): string {
  if (!c) return '—';
  if (!c.median) return 'failed';
  return generatorBound(c).bound ? `≥${num(c.median.throughput)} ${GEN}` : num(c.median.throughput);
}

/** The drivers of a workload's cells, with the connections where they are not the run's (heavy workloads). */
export function driverText(cells: readonly (Cell | undefined)[]): string {
  const drivers = [...new Set(cells.map((c) => c?.driver).filter(Boolean))].join(', ');
  const conns = [...new Set(cells.map((c) => c?.connections).filter((n) => n !== undefined))];
  return conns.length > 0 ? `${drivers}, ${conns.join('/')} conns` : drivers;
}

/** A ratio as the tables show it, with its markers. */
export function comparisonText(c: Comparison): string {
  if (!c.ok) return c.why === 'missing' ? '—' : c.why;
  const bound = c.bound === '' ? '' : c.bound;
  return `${bound}${ratio(c.value)}${c.bound ? ` ${GEN}` : ''}${c.differs.length > 0 ? ` ${DIFFERS}` : ''}`;
}

/** `embedded (PGlite + in-process cache): node, bun; Postgres + Redis: rust` */
const backendsText = (cells: readonly Cell[]): string =>
  [...new Set(cells.map((c) => c.backend))]
    .map((b) => `${BACKEND_LABEL[b]}: ${cells.filter((c) => c.backend === b).map((c) => c.target).join(', ')}`)
    .join('; ');

const publishedText = (ps: readonly PublishedRatio[]): string =>
  ps.length === 0
    ? '—'
    : ps.map((p) => `${ratio(p.value)} ${tag(p.ref, p.context)}${p.computed ? ' computed' : ''}`).join('; ');

/** One legend line per distinct published source/context used in a table. */
function publishedLegend(ps: readonly PublishedRatio[]): Block[] {
  const seen = new Map<string, string>();
  for (const p of ps) seen.set(`${p.ref.seed} ${p.context} ${p.computed}`, describeRatio(p));
  if (seen.size === 0) return [];
  return [
    para(
      'Published ratios were measured elsewhere, on other hardware, with other tools and servers; they stand ' +
        'beside ours for shape, not as figures of this run. Their caveats are under [References](#references).',
      'note',
    ),
    list([...seen.values()]),
  ];
}

// ---------------------------------------------------------------- header

function header(run: RunMeta, cells: readonly Cell[], idx: CellIndex): Block[] {
  const s = run.settings;
  const load = s.mode === 'closed'
    ? `closed loop, ${s.connections} connections`
    : `fixed rate, ${s.rate ?? '?'} requests/s (${s.connections} VUs pre-allocated)`;
  const blocks: Block[] = [
    heading(1, `Gauntlet run ${run.id}`, 'top'),
    para(
      `Started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}` +
        `${run.wallTimeS !== undefined ? ` (${duration(run.wallTimeS)})` : ''}; commit \`${run.git.commit}\`` +
        `${run.git.dirty ? ' with uncommitted changes' : ''}. ${idx.targets.length} targets × ` +
        `${idx.workloads.length} workloads × ${s.repeats} repeats, interleaved; ${load}, ` +
        `${s.durationS} s measured after ${s.warmupS} s of warm-up; server on cores ${s.serverCores}, ` +
        `load generator on cores ${s.generatorCores}. Every figure is the median of the repeats that succeeded.`,
    ),
  ];
  if (s.backend === 'embedded' || cells.some((c) => c.backend === 'embedded')) {
    blocks.push(para(
      '**Backend: embedded** — the db and shortener workloads ran on the embedded default (PGlite and an ' +
        'in-process cache inside the server process), not on Postgres + Redis. Those figures include no ' +
        'network round trip to a database or cache, and are labelled "embedded" wherever they appear.',
      'warning',
    ));
  } else {
    blocks.push(para('**Backend: Postgres + Redis** (real services) for the db and shortener workloads.', 'note'));
  }
  if (s.quick) {
    blocks.push(para('**Quick run**: shortened settings for a smoke test, not figures to publish.', 'warning'));
  }
  if (run.git.dirty) {
    blocks.push(
      para('The working tree had uncommitted changes: the commit alone does not reproduce this run.', 'warning'),
    );
  }
  const missing = missingCells(run, cells);
  if (missing.length > 0) {
    blocks.push(
      para(`run.json lists cells with no result file: ${missing.map((m) => `\`${m}\``).join(', ')}.`, 'warning'),
    );
  }
  blocks.push(para('The charts are in report.html, beside this file.', undefined, 'markdown'));
  return blocks;
}

function howToRead(idx: CellIndex): Block[] {
  const drivers = [...new Set(idx.cells.map((c) => c.driver))].sort();
  return [
    heading(2, 'How to read this', 'how-to-read'),
    list([
      '**Medians and spread.** Each figure is the median over the repeats that succeeded; "spread" is ' +
      '(max − min) ÷ median over those repeats (`Cell.spread`). Failed repeats are listed with their reason.',
      `**${GEN} generator-bound.** The load generator was near its own CPU limit, so the throughput is a lower ` +
      `bound (shown as ≥). A ratio with such a figure on one side is a bound (≥ or ≤); with it on both sides ` +
      `it is undetermined (~).`,
      `**${DIFFERS}** The two cells of a ratio differ in driver, backend, mode or unit: the ratio is not ` +
      'like for like.',
      `**Driver.** Every figure names the load generator that produced it (in this run: ${drivers.join(', ')}); ` +
      'k6 drives every workload, a faster generator the plain request/response ones for peak throughput.',
      "**CPU µs per request** is the server process tree's user + system CPU time per completed request " +
      '(per message for WebSocket). It stays comparable when throughput measures the generator, and is the ' +
      'figure to read for fixed-rate cells, whose throughput is the offered rate.',
      '**Published figures** (from `results/reference/`) were measured elsewhere and stand in their own columns ' +
      'and tables, each tagged with its source [seed] and labelled with its hardware, tool and concurrency; ' +
      'they are never part of a measured column.',
    ]),
  ];
}

// ---------------------------------------------------------------- overview

/** One workload's row of a targets matrix: its label, its drivers, then `pick` of each target's cell. */
export function workloadRow(
  idx: CellIndex,
  w: string,
  targets: readonly string[],
  label: string,
  pick: (c: Cell) => string,
): string[] {
  return [
    label,
    driverText(targets.map((t) => idx.get(t, w))),
    ...targets.map((t) => {
      const c = idx.get(t, w);
      return !c ? '—' : !c.median ? 'failed' : pick(c);
    }),
  ];
}

function overview(idx: CellIndex): Block[] {
  const matrix = (pick: (c: Cell) => string) =>
    idx.workloads.map((w) => workloadRow(idx, w, idx.targets, `[${w}](#${workloadAnchor(w)})`, pick));
  const head = ['Workload', 'Driver', ...idx.targets];
  return [
    heading(2, 'Overview', 'overview'),
    para(
      'Throughput (requests/s; messages/s for ws), median of repeats; at a fixed rate it is the offered rate, ' +
        'and CPU per request is the figure to compare:',
    ),
    table(head, matrix((c) => (c.mode === 'rate' ? `${rateText(c)} (fixed rate)` : rateText(c)))),
    para('Server CPU µs per request (per message for ws), median of repeats — lower is cheaper:'),
    table(head, matrix((c) => num(c.median!.serverCpuUsPerUnit))),
    para('p99 latency (ms), median of repeats:'),
    table(head, matrix((c) => num(c.median!.latencyMs.p99))),
    para('Server peak RSS (MiB), median of repeats:'),
    table(head, matrix((c) => mib(c.median!.serverPeakRssBytes))),
  ];
}

// ---------------------------------------------------------------- ratios

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

function ratios(idx: CellIndex, refs: readonly Reference[], chartIds: Set<string>): Block[] {
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
      const r = idx.get('rust', w), p = idx.get('python', w);
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
          (c) => (c.median ? num(c.median.serverCpuUsPerUnit) : 'failed'),
        ),
      ),
    );
  }
  return blocks;
}

// ---------------------------------------------------------------- Hono overhead

function honoOverhead(idx: CellIndex): Block[] {
  const blocks: Block[] = [heading(2, 'Hono overhead against the bare runtimes', 'hono-overhead')];
  const pairs = controlPairs(idx.targets);
  const rows: string[][] = [];
  for (const { framework, bare } of pairs) {
    for (const w of idx.workloads) {
      const h = idx.get(framework, w), c = idx.get(bare, w);
      if (!h || !c) continue;
      const cpu = cpuAdded(h, c);
      rows.push([
        `${framework} vs ${bare}`,
        w,
        rateText(h),
        rateText(c),
        comparisonText(throughputRatio(h, c)),
        h.median ? num(h.median.serverCpuUsPerUnit) : 'failed',
        c.median ? num(c.median.serverCpuUsPerUnit) : 'failed',
        signed(cpu),
      ]);
    }
  }
  if (rows.length === 0) {
    blocks.push(para('No bare control ran beside its framework target in this run.', 'note'));
    return blocks;
  }
  blocks.push(
    para(
      'The same runtime serving the control workloads with Hono and with its own server API and no framework. ' +
        'Hono ÷ bare below 1 is the throughput Hono costs; Δ CPU is the CPU time Hono adds to each request.',
    ),
    table(
      [
        'Runtime',
        'Workload',
        'Hono req/s',
        'Bare req/s',
        'Hono ÷ bare',
        'Hono CPU µs/req',
        'Bare CPU µs/req',
        'Δ CPU µs/req',
      ],
      rows,
    ),
  );
  return blocks;
}

// ---------------------------------------------------------------- shortener mix

function shortenerMix(idx: CellIndex, refs: readonly Reference[]): Block[] {
  const blocks: Block[] = [];
  for (const w of idx.workloads) {
    const cells = idx.targets.map((t) => idx.get(t, w)).filter((c): c is Cell => c !== undefined);
    if (!cells.some((c) => c.family === 'shortener')) continue;
    const roleKeys = extraKeys(cells).filter((k) => roleOf(k) !== undefined);
    if (roleKeys.length === 0) continue;
    const targets = idx.targets.filter((t) => idx.get(t, w));
    const both = targets.includes('rust') && targets.includes('python');
    const used: PublishedRatio[] = [];
    const row = (label: string, role: string, value: (c: Cell) => number | undefined) => {
      const published = publishedRatios(refs, w, role);
      used.push(...published);
      const r = idx.get('rust', w), p = idx.get('python', w);
      const rv = r?.median ? value(r) : undefined, pv = p?.median ? value(p) : undefined;
      return [
        label,
        ...targets.map((t) => {
          const c = idx.get(t, w)!;
          return c.median ? num(value(c)) : 'failed';
        }),
        ...(both ? [rv !== undefined && pv ? ratio(rv / pv) : '—'] : []),
        publishedText(published),
      ];
    };
    const rows = [
      row('Aggregate req/s', 'aggregate', (c) => c.median!.throughput),
      ...roleKeys.map((k) => {
        const role = canonicalRole(roleOf(k)!);
        return row(`${role} req/s (\`${k}\`)`, role, (c) => c.median!.extra[k]);
      }),
    ];
    if (blocks.length === 0) blocks.push(heading(2, 'Shortener mix', 'shortener-mix'));
    blocks.push(
      heading(3, `${w}: writers, readers, celebrity readers`, `mix-${slug(w)}`),
      para(
        "Per-role rates of the mixed load, in the shape of seed 000's summary (Metric | Python | Rust | " +
          `Rust ÷ Python). Backend: ${backendsText(cells)}.`,
      ),
      table(['Metric', ...targets, ...(both ? ['Rust ÷ Python'] : []), 'Published Rust ÷ Python'], rows),
      ...publishedLegend(used),
    );
  }
  return blocks;
}

// ---------------------------------------------------------------- one workload

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
  blocks.push(table(
    [
      'Target',
      'Driver',
      'Mode',
      'Backend',
      `${unit}/s`,
      'spread',
      'p50 ms',
      'p99 ms',
      `CPU µs/${unit}`,
      'CPU spread',
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
          g.bound ? ` ${GEN}${g.repeats < g.of ? ` (${g.repeats}/${g.of})` : ''}` : ''
        }`
        : '—';
      return [
        c.target,
        driverText([c]),
        c.mode,
        BACKEND_LABEL[c.backend],
        rateText(c),
        spread(spreadOf(c, 'throughput')?.relative),
        num(m?.latencyMs.p50),
        num(m?.latencyMs.p99),
        num(m?.serverCpuUsPerUnit),
        spread(spreadOf(c, 'serverCpuUsPerUnit')?.relative),
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

function workloads(idx: CellIndex, refs: readonly Reference[], chartIds: Set<string>): Block[] {
  return [
    heading(2, 'Workloads', 'workloads'),
    ...idx.workloads.flatMap((w) => workloadSection(w, idx, refs, chartIds)),
  ];
}

// ---------------------------------------------------------------- failures, setup, references

function failures(idx: CellIndex): Block[] {
  const rows = idx.cells.flatMap((c) =>
    failedRepeats(c).map((r) => [c.target, c.workload, String(r.repeat), r.reason])
  );
  return [
    heading(2, 'Failed repeats', 'failures'),
    rows.length > 0 ? table(['Target', 'Workload', 'Repeat', 'Reason'], rows) : para('None: every repeat succeeded.'),
  ];
}

function notMeasured(run: RunMeta, cells: readonly Cell[]): Block[] {
  const groups = skippedGroups(run, cells);
  if (groups.length === 0) return [];
  const which = (workloads: string[]) => {
    const rest = run.workloads.filter((w) => !workloads.includes(w));
    return workloads.length > 8 && rest.length < workloads.length ? `all but ${rest.join(', ')}` : workloads.join(', ');
  };
  return [
    heading(2, 'Not measured', 'skipped'),
    para('Pairs the run left out, and why (— in the tables above).'),
    table(
      ['Target', 'Workloads', 'Reason'],
      groups.map((g) => [
        g.target,
        which(g.workloads),
        g.partly ? `in some repeats only (the others were measured): ${g.reason}` : g.reason,
      ]),
    ),
  ];
}

function setup(run: RunMeta): Block[] {
  const s = run.settings;
  return [
    heading(2, 'Setup', 'setup'),
    heading(3, 'Machine', 'machine'),
    table(['Machine', ''], [
      ['CPU', run.machine.cpuModel],
      ['Cores', String(run.machine.cores)],
      ['Memory', gib(run.machine.memoryBytes)],
      ['Kernel', run.machine.kernel],
      ['OS', run.machine.os],
    ]),
    heading(3, 'Settings', 'settings'),
    table(['Setting', 'Value'], [
      ['mode', s.mode === 'closed' ? 'closed loop' : 'fixed rate'],
      ['connections', String(s.connections)],
      ['rate', s.rate !== undefined ? `${s.rate} requests/s` : '—'],
      ['measured duration', `${s.durationS} s`],
      ['warm-up', `${s.warmupS} s`],
      ['repeats', String(s.repeats)],
      ['server cores', s.serverCores],
      ['generator cores', s.generatorCores],
      ['driver', s.driver],
      ['backend', s.backend === 'embedded' ? BACKEND_LABEL.embedded : BACKEND_LABEL.services],
      ['quick', s.quick ? 'yes' : 'no'],
    ]),
    heading(3, 'Targets', 'targets'),
    table(
      ['Target', 'Description', 'Settings'],
      run.targets.map((t) => [
        t.name,
        t.description,
        Object.entries(t.settings).map(([k, v]) => `${k}: ${v}`).join('; ') || '—',
      ]),
    ),
    heading(3, 'Versions', 'versions'),
    table(['Component', 'Version'], Object.entries(run.versions).map(([k, v]) => [k, v])),
  ];
}
function references(refs: readonly Reference[]): Block[] {
  const blocks: Block[] = [heading(2, 'References', 'references')];
  if (refs.length === 0) return [...blocks, para('No reference figures were supplied.')];
  blocks.push(para(
    'The published comparisons this suite grows out of. Their figures appear in this report only in ' +
      'columns and tables of their own, tagged [seed].',
  ));
  for (const ref of included(refs)) {
    blocks.push(
      heading(3, `[${ref.seed}] ${ref.title}`, `ref-${ref.seed}`),
      para(`${ref.summary} Source: \`shared/seeds/${ref.source}\`.`),
      table(
        ['Context', 'Tool', 'Concurrency', 'Duration', 'Hardware', 'Date'],
        Object.entries(ref.contexts).map(([id, c]) => [
          tag(ref, id),
          c.tool,
          c.concurrency,
          c.duration,
          c.hardware,
          c.date,
        ]),
      ),
      list(
        Object.values(ref.systems).map((s) =>
          `**${s.name}** (${s.standsFor ?? 'no counterpart here'}): ${s.description}`
        ),
      ),
      para('Caveats:'),
      list(ref.caveats),
    );
  }
  const excluded = refs.filter((r) => r.status === 'excluded');
  if (excluded.length > 0) {
    blocks.push(heading(3, 'Not used', 'ref-excluded'));
    blocks.push(list(excluded.map((r) => `**[${r.seed}] ${r.title}** (\`${r.source}\`): ${r.reason}`)));
  }
  return blocks;
}

/** The whole report as blocks, and the ids of the charts in it. */
export function reportBlocks(
  run: RunMeta,
  cells: readonly Cell[],
  refs: readonly Reference[],
): { blocks: Block[]; chartIds: string[] } {
  const idx = indexCells(run, cells);
  const chartIds = new Set<string>();
  const blocks = [
    ...header(run, cells, idx),
    ...howToRead(idx),
    ...overview(idx),
    ...ratios(idx, refs, chartIds),
    ...honoOverhead(idx),
    ...shortenerMix(idx, refs),
    ...workloads(idx, refs, chartIds),
    ...failures(idx),
    ...notMeasured(run, cells),
    ...setup(run),
    ...references(refs),
  ];
  return { blocks, chartIds: [...chartIds] };
}
