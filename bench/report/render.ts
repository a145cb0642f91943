/**
 * The report of a run: Markdown, and one self-contained HTML page with SVG charts, from the
 * typed result files and the published reference figures. Pure: no file or network access, and
 * the same inputs give the same output byte for byte.
 *
 * Rendering is asynchronous only because Vega renders SVG asynchronously; `renderMarkdown` needs
 * no charts and is synchronous.
 */
import type { Reference } from '../results/reference.ts';
import type { Cell, Instructions, ReferenceRun, RunMeta } from '../results/schema.ts';
import { renderSvg, resetChartIds } from './charts.ts';
import { toHtml, toMarkdown } from './doc.ts';
import { reportBlocks } from './sections/index.ts';
import type { Resilience } from '../results/resilience.ts';
import { resilienceSection } from './sections/resilience.ts';
import type { Block } from './doc.ts';
import { heading } from './doc.ts';

export interface Report {
  markdown: string;
  html: string;
}

export function renderMarkdown(
  run: RunMeta,
  cells: readonly Cell[],
  references: readonly Reference[],
  seeds?: ReferenceRun,
  instructions?: Instructions,
  resilience?: Resilience,
): string {
  return toMarkdown(reportBlocks(run, cells, references, seeds, instructions, resilience).blocks);
}

/**
 * Vega numbers clip paths from one global counter; renders are queued one after another so that
 * each report numbers its own from 1 (unique within the page, identical from run to run).
 */
let queue: Promise<unknown> = Promise.resolve();

export function renderReport(
  run: RunMeta,
  cells: readonly Cell[],
  references: readonly Reference[],
  seeds?: ReferenceRun,
  instructions?: Instructions,
  resilience?: Resilience,
): Promise<Report> {
  const { blocks } = reportBlocks(run, cells, references, seeds, instructions, resilience);
  return queued(blocks, `Gauntlet run ${run.id}`);
}

/** A resilience run on its own (no matrix beside it): its section under a title. */
export function renderResilienceReport(resilience: Resilience): Promise<Report> {
  return queued(resilienceBlocks(resilience), `Gauntlet run ${resilience.id}`);
}

/** The markdown of renderResilienceReport, without the charts' SVGs (what report.md holds). */
export function renderResilienceMarkdown(resilience: Resilience): string {
  return toMarkdown(resilienceBlocks(resilience));
}

function resilienceBlocks(resilience: Resilience): Block[] {
  return [heading(1, `Gauntlet resilience run ${resilience.id}`), ...resilienceSection(resilience).blocks];
}

function queued(blocks: Block[], title: string): Promise<Report> {
  const report = queue.then(() => render(blocks, title));
  queue = report.catch(() => {});
  return report;
}

async function render(blocks: Block[], title: string): Promise<Report> {
  resetChartIds();
  const svgs = new Map<string, string>();
  for (const b of blocks) {
    if (b.kind === 'chart') svgs.set(b.id, await renderSvg(b.spec));
  }
  return { markdown: toMarkdown(blocks), html: toHtml(blocks, svgs, title) };
}
