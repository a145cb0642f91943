/** Instructions per request (instructions.json): the figures over runs and Hono's cost over the bare runtimes. Pure. */
import type { HonoOverBare, InstructionsCell } from './schema.ts';
import { median, relativeRange } from './stats.ts';

/** A cell's figure and how far its runs disagree: the median, and (max − min) ÷ median. */
export function overRuns(perRequest: readonly number[]): { instructionsPerRequest: number; difference: number } {
  return { instructionsPerRequest: median(perRequest), difference: relativeRange(perRequest).relative };
}

/**
 * The steady figure of a cell counted in windows: each run's median window, then the median of the
 * runs. It leaves out the windows where a collection or a compilation on a background thread lands
 * (valgrind slows the server some 50×, so a collector scheduled by time lands more often than
 * natively); undefined when a run has fewer than two windows.
 */
export function medianWindow(cell: InstructionsCell): number | undefined {
  if ('unavailable' in cell || cell.runs.some((r) => (r.windows?.length ?? 0) < 2)) return undefined;
  return median(cell.runs.map((r) => median(r.windows!)));
}

/**
 * Each framework target against the bare control of its runtime (`node` ÷ `bare-node`), for every
 * workload both were counted on: how many times the instructions of the bare server Hono's
 * request costs. A pair with either side unavailable has no ratio.
 */
export function honoOverBare(cells: readonly InstructionsCell[]): HonoOverBare[] {
  const counted = new Map<string, number>();
  for (const c of cells) if (!('unavailable' in c)) counted.set(`${c.target} ${c.workload}`, c.instructionsPerRequest);
  const out: HonoOverBare[] = [];
  for (const c of cells) {
    if (!c.target.startsWith('bare-') || 'unavailable' in c) continue;
    const framework = c.target.slice('bare-'.length);
    const frameworkPerRequest = counted.get(`${framework} ${c.workload}`);
    if (frameworkPerRequest === undefined) continue;
    out.push({
      framework,
      bare: c.target,
      workload: c.workload,
      frameworkPerRequest,
      barePerRequest: c.instructionsPerRequest,
      ratio: frameworkPerRequest / c.instructionsPerRequest,
    });
  }
  return out;
}
