/**
 * The report's charts as Vega-Lite specs built from measured figures only, and their rendering
 * to SVG strings by Vega in Node (no browser, no canvas: text widths are estimated).
 */
import { parse, resetSVGDefIds, View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';

/** Fixed colours for the known targets (a bare control is a paler shade of its runtime). */
const KNOWN: Record<string, string> = {
  node: '#43853d',
  node22: '#2b5a27',
  'bare-node': '#9fcf98',
  uws: '#7b4fa0',
  bun: '#d4901c',
  'bare-bun': '#f0cf8c',
  deno: '#4a5560',
  'bare-deno': '#b3bcc4',
  rust: '#c0502e',
  python: '#3572a5',
};
const SPARE = ['#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#54a24b', '#eeca3b'];

/** A colour per target, stable for the known ones; the same map is used by every chart. */
export function targetColors(targets: readonly string[]): { domain: string[]; range: string[] } {
  let spare = 0;
  return {
    domain: [...targets],
    range: targets.map((t) => KNOWN[t] ?? SPARE[spare++ % SPARE.length]!),
  };
}

const CONFIG = {
  // the figure's caption describes the chart; ARIA attributes on every mark would double the page
  aria: false,
  // the page's stylesheet sets the real font on svg text; a short name here keeps every <text> small
  font: 'sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e6e9ec' },
  title: { fontSize: 12, fontWeight: 'bold', anchor: 'start', offset: 6 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  concat: { spacing: 28 },
} as const;

export interface BarDatum {
  target: string;
  value: number;
  /** The range of the repeats, drawn as a whisker. */
  min?: number;
  max?: number;
  /** The text beside the bar (the formatted median, with its markers). */
  label: string;
  /** Generator-bound: drawn paler. */
  bound?: boolean;
}

export interface BarPanel {
  title: string;
  data: BarDatum[];
}

/** Horizontal bars per target, one panel per figure, side by side. */
export function barPanels(panels: readonly BarPanel[], targets: readonly string[]): TopLevelSpec {
  const colors = targetColors(targets);
  const y = {
    field: 'target',
    type: 'nominal',
    sort: [...targets],
    title: null,
    axis: { labelLimit: 90, ticks: false, domain: false },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    hconcat: panels.map((p) => {
      const top = Math.max(0, ...p.data.map((d) => Math.max(d.value, d.max ?? 0)));
      const values = p.data.map((d) => ({
        ...d,
        min: d.min ?? d.value,
        max: d.max ?? d.value,
        at: Math.max(d.value, d.max ?? 0),
        bound: d.bound === true,
      }));
      const x = {
        type: 'quantitative',
        title: null,
        scale: { domain: [0, top > 0 ? top * 1.45 : 1], nice: false },
        axis: { labelExpr: "datum.value === 0 ? '0' : format(datum.value, '~s')", tickCount: 4 },
      };
      return {
        title: p.title,
        width: 190,
        height: { step: 17 },
        data: { values },
        layer: [
          {
            mark: { type: 'bar', cornerRadiusEnd: 2 },
            encoding: {
              y,
              x: { field: 'value', ...x },
              color: { field: 'target', type: 'nominal', scale: colors, legend: null },
              opacity: { condition: { test: 'datum.bound', value: 0.45 }, value: 1 },
            },
          },
          {
            mark: { type: 'rule', color: '#1d2327', strokeWidth: 1 },
            encoding: { y, x: { field: 'min', ...x }, x2: { field: 'max' } },
          },
          {
            mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10.5, color: '#1d2327' },
            encoding: { y, x: { field: 'at', ...x }, text: { field: 'label' } },
          },
        ],
      };
    }),
  } as TopLevelSpec;
}

export interface LatencyDatum {
  target: string;
  percentile: string;
  ms: number;
}

export const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'max'] as const;

/** Ticks for a log axis over [lo, hi]: 1, 3, 10, 30, … (a gridline at every 1…9 is noise). */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 3]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= lo / 3 && v <= hi * 3) ticks.push(v);
    }
  }
  return ticks;
}

/** Latency at each percentile, one line per target, on a log scale. */
export function latencyLines(data: readonly LatencyDatum[], targets: readonly string[]): TopLevelSpec {
  const ms = data.map((d) => d.ms).filter((v) => v > 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: 'Latency by percentile (ms, log scale)',
    width: 300,
    height: 220,
    data: { values: data.filter((d) => d.ms > 0) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'percentile', type: 'ordinal', sort: [...PERCENTILES], title: null, axis: { labelAngle: 0 } },
      y: {
        field: 'ms',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'ms',
        axis: { format: '~g', values: logTicks(Math.min(...ms), Math.max(...ms)) },
      },
      color: {
        field: 'target',
        type: 'nominal',
        scale: targetColors(targets),
        legend: { title: null, orient: 'right' },
      },
    },
  } as TopLevelSpec;
}

export interface SeriesDatum {
  target: string;
  t: number;
  cpu: number;
  rssMiB: number;
}

/** Server CPU and RSS over the measured phase of one run per target. */
export function overTime(data: readonly SeriesDatum[], targets: readonly string[]): TopLevelSpec {
  const color = {
    field: 'target',
    type: 'nominal',
    scale: targetColors(targets),
    legend: { title: null, orient: 'right' },
  };
  const x = { field: 't', type: 'quantitative', title: 's' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values: [...data] },
    hconcat: [
      {
        title: 'Server CPU (% of one core)',
        width: 220,
        height: 200,
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'cpu', type: 'quantitative', title: '%' }, color },
      },
      {
        title: 'Server RSS (MiB)',
        width: 220,
        height: 200,
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after' },
        encoding: { x, y: { field: 'rssMiB', type: 'quantitative', title: 'MiB' }, color },
      },
    ],
  } as TopLevelSpec;
}

export interface HeatDatum {
  workload: string;
  target: string;
  value: number;
  label: string;
}

export interface HeatPanel {
  title: string;
  data: HeatDatum[];
}

/**
 * Ratios to a baseline as a grid of workloads × targets, on a diverging log scale centred on 1
 * (blue: better than the baseline, red: worse), one panel per figure.
 */
export function ratioGrids(
  panels: readonly HeatPanel[],
  workloads: readonly string[],
  targets: readonly string[],
): TopLevelSpec {
  const finite = panels.flatMap((p) => p.data.map((d) => d.value)).filter((v) => v > 0 && Number.isFinite(v));
  const extent = Math.max(2, ...finite.map((v) => Math.max(v, 1 / v)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    hconcat: panels.map((p) => ({
      title: p.title,
      data: { values: p.data.filter((d) => d.value > 0 && Number.isFinite(d.value)) },
      width: { step: 62 },
      height: { step: 17 },
      encoding: {
        x: {
          field: 'target',
          type: 'nominal',
          sort: [...targets],
          title: null,
          axis: { orient: 'top', labelAngle: 0, ticks: false, domain: false },
        },
        y: {
          field: 'workload',
          type: 'nominal',
          sort: [...workloads],
          title: null,
          axis: { ticks: false, domain: false },
        },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'value',
              type: 'quantitative',
              scale: { type: 'log', domain: [1 / extent, extent], scheme: { name: 'redblue', extent: [0.12, 0.88] } },
              legend: null,
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10, color: '#1d2327' },
          encoding: { text: { field: 'label' } },
        },
      ],
    })),
  } as TopLevelSpec;
}

/** Start a new page of charts: clip and gradient ids restart, so one report renders the same twice. */
export const resetChartIds = (): void => resetSVGDefIds();

/** A Vega-Lite spec rendered to an SVG string, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
