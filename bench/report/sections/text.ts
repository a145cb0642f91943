/** Text helpers every section shares: how a figure, a ratio, a driver and a row are printed. Pure. */
import { byId } from '../../../contract/catalogue.ts';
import type { Endpoint } from '../../../contract/catalogue.ts';
import type { Cell, Figures } from '../../results/schema.ts';
import { formatWithInterval } from '../../results/stats.ts';
import { cellLimiter } from '../../results/summary.ts';
import type { Block } from '../doc.ts';
import { list, para, slug } from '../doc.ts';
import { num, ratio } from '../format.ts';
import type { CellIndex, Comparison } from '../model.ts';
import { generatorBound, intervalOf } from '../model.ts';
import type { PublishedRatio } from '../published.ts';
import { describeRatio, tag } from '../published.ts';

/** Marks a generator-bound figure: its throughput is a lower bound. */
export const GEN = '⚠';
/** Marks a ratio between cells that differ in driver, backend, mode or unit. */
export const DIFFERS = '‡';

export const BACKEND_LABEL: Record<Cell['backend'], string> = {
  none: 'none',
  embedded: 'embedded (PGlite + in-process cache)',
  services: 'Postgres + Redis',
};

export const endpoint = (id: string): Endpoint | undefined => {
  try {
    return byId(id);
  } catch {
    return undefined;
  }
};

export const workloadAnchor = (id: string) => `w-${slug(id)}`;
export const unitOf = (cells: readonly Cell[]) => (cells.some((c) => c.unit === 'message') ? 'msg' : 'req');

/** Marks a ratio whose interval holds 1: no clear difference. */
export const UNCLEAR = '≈';

/**
 * A figure of a cell with its interval, at the digits the interval supports: `12,300 (11,900–12,800)`;
 * with one ok repeat, the figure alone.
 */
export function figureText(c: Cell, pick: (f: Figures) => number): string {
  const i = intervalOf(c, pick);
  return i.n < 2 ? num(i.median) : formatWithInterval(i);
}

/** The throughput of a cell as the tables show it: `≥12,300 (11,900–12,800) ⚠` when generator-bound. */
export function rateText(c: Cell | undefined): string {
  if (!c) return '—';
  if (!c.median) return 'failed';
  const text = figureText(c, (f) => f.throughput);
  return generatorBound(c).bound ? `≥${text} ${GEN}` : text;
}

/**
 * What held a cell (its windows' most common limiter), and for latency the closed loop's Little's
 * law: in flight = throughput × mean latency, which should be about the connections.
 */
export function limiterText(c: Cell): string {
  const limiter = c.limiter ?? cellLimiter(c.repeats);
  if (!limiter) return '—';
  if (limiter !== 'latency' || !c.median) return limiter;
  return `latency (${num(c.median.throughput * c.median.latencyMs.avg / 1000)} in flight)`;
}

/** Server CPU per unit with its interval. */
export const cpuText = (c: Cell): string => figureText(c, (f) => f.serverCpuUsPerUnit);

/** The drivers of a workload's cells, with the connections where they are not the run's (heavy workloads). */
export function driverText(cells: readonly (Cell | undefined)[]): string {
  const drivers = [...new Set(cells.map((c) => c?.driver).filter(Boolean))].join(', ');
  const conns = [...new Set(cells.map((c) => c?.connections).filter((n) => n !== undefined))];
  return conns.length > 0 ? `${drivers}, ${conns.join('/')} conns` : drivers;
}

/**
 * A ratio as the tables show it: paired by round, with its interval at the digits it supports,
 * `≈` first when the interval holds 1 (no clear difference), and its markers.
 */
export function comparisonText(c: Comparison): string {
  if (!c.ok) return c.why === 'missing' ? '—' : c.why;
  const value = c.interval ? formatWithInterval(c.interval, '×') : ratio(c.value);
  return `${c.unclear ? `${UNCLEAR} ` : ''}${c.bound}${value}${c.bound ? ` ${GEN}` : ''}${
    c.differs.length > 0 ? ` ${DIFFERS}` : ''
  }`;
}

/** `embedded (PGlite + in-process cache): node, bun; Postgres + Redis: rust` */
export const backendsText = (cells: readonly Cell[]): string =>
  [...new Set(cells.map((c) => c.backend))]
    .map((b) => `${BACKEND_LABEL[b]}: ${cells.filter((c) => c.backend === b).map((c) => c.target).join(', ')}`)
    .join('; ');

export const publishedText = (ps: readonly PublishedRatio[]): string =>
  ps.length === 0
    ? '—'
    : ps.map((p) => `${ratio(p.value)} ${tag(p.ref, p.context)}${p.computed ? ' computed' : ''}`).join('; ');

/** One legend line per distinct published source/context used in a table. */
export function publishedLegend(ps: readonly PublishedRatio[]): Block[] {
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
      return !c ? (idx.notImplemented(t, w) ? 'not implemented' : '—') : !c.median ? 'failed' : pick(c);
    }),
  ];
}
