/**
 * The headline of a run: the few tables the README shows, rendered from the run's result files
 * (never typed by hand). `npm run report -- <run-id> --readme` rewrites the README block between
 * the markers below; a test renders the block again from the committed results and compares.
 */
import type { Cell, RunMeta } from '../results/schema.ts';
import { para, table, toMarkdown } from './doc.ts';
import { signed } from './format.ts';
import {
  cpuAdded,
  cpuRatio,
  headlineScope,
  HONO_OVERHEAD_WORKLOAD,
  indexCells,
  RUST,
  throughputRatio,
} from './model.ts';
import { comparisonText, cpuText, DIFFERS, GEN, rateText, UNCLEAR, workloadRow } from './sections/text.ts';

export const BEGIN = (runPath: string) => `<!-- gauntlet:headline ${runPath} -->`;
export const END = '<!-- /gauntlet:headline -->';
const BLOCK = /<!-- gauntlet:headline (\S+) -->\n[\s\S]*?<!-- \/gauntlet:headline -->/;

/** The closed-loop connections of the cells that ran with fewer than the run's (the heavy workloads). */
function heavyText(cells: readonly Cell[]): string {
  const counts = [...new Set(cells.flatMap((c) => (c.connections === undefined ? [] : [c.connections])))];
  return counts.length === 0 ? '' : ` (${counts.join(' or ')} for the CPU and memory stress)`;
}

/** The Markdown of the headline: throughput, CPU per request, Hono's overhead. `runPath` links the report. */
export function headlineMarkdown(run: RunMeta, cells: readonly Cell[], runPath: string): string {
  const idx = indexCells(run, cells);
  const { targets, workloads, pairs } = headlineScope(idx);
  const row = (w: string, pick: (c: Cell) => string) => workloadRow(idx, w, targets, w, pick);
  const head = ['Workload', 'Driver', ...targets];
  const s = run.settings;
  const blocks = [
    para(
      `Run \`${run.id}\` on ${run.machine.cores} cores (${run.machine.cpuModel}): ` +
        `${s.repeats}${s.maxRepeats ? `–${s.maxRepeats}` : ''} interleaved rounds of ${s.durationS} s after ` +
        `${s.warmupS} s of warm-up, closed loop, ` +
        `${s.connections} connections${
          heavyText(cells)
        }, server on CPU ${s.serverCores}, load generator on CPU ${s.generatorCores}, ` +
        `db and shortener on ${s.backend === 'services' ? 'Postgres + Redis' : 'the embedded default'}. ` +
        `Medians of the rounds with their 95 % intervals in brackets (min–max with fewer than 6 rounds); ` +
        `ratios are paired by round, and ${UNCLEAR} marks one whose interval holds 1 (no clear difference); ${GEN} marks a cell where the load generator ran out of CPU first (the figure ` +
        `is a floor, not the server's limit); ${DIFFERS} marks a ratio between cells that differ in driver or backend. Every workload, latency, memory and the published figures: ` +
        `[the report](${runPath}/report.md) ([HTML](${runPath}/report.html)).`,
    ),
    para('**Throughput** (requests/s; messages/s for ws-echo):'),
    table(head, workloads.map((w) => row(w, rateText))),
    para('**Server CPU per request** (µs; lower is cheaper; comparable even where the generator was the limit):'),
    table(head, workloads.map((w) => row(w, cpuText))),
  ];
  if (targets.includes(RUST)) {
    // One table per figure, shaped like the two above (a workload a row, a target a column): a
    // table of both figures side by side would be two columns a target, too wide to read.
    const others = targets.filter((t) => t !== RUST);
    const against = workloads.filter((w) => idx.get(RUST, w));
    const ratios = (ratio: (rust: Cell, c: Cell | undefined) => string) =>
      table(
        ['Workload', ...others],
        against.map((w) => [
          w,
          ...others.map((t) => idx.notImplemented(t, w) ? 'not implemented' : ratio(idx.get(RUST, w)!, idx.get(t, w))),
        ]),
      );
    blocks.push(
      para('**Throughput against rust** (the target ÷ rust, paired by round):'),
      ratios((rust, c) => comparisonText(throughputRatio(c, rust))),
      para("**CPU per request against rust** (rust's ÷ the target's: 1 = as cheap as rust, 0.5 = twice rust's CPU):"),
      ratios((rust, c) => comparisonText(cpuRatio(rust, c))),
    );
  }
  if (pairs.length > 0) {
    blocks.push(
      para("**Hono's overhead** on `GET /json` (Hono ÷ the runtime's own server with no framework):"),
      table(
        ['Runtime', 'Hono req/s', 'Bare req/s', 'Hono ÷ bare', 'Hono ÷ bare CPU', 'Δ CPU µs/req'],
        pairs.map(({ framework, bare }) => {
          const h = idx.get(framework, HONO_OVERHEAD_WORKLOAD)!, b = idx.get(bare, HONO_OVERHEAD_WORKLOAD)!;
          const delta = cpuAdded(h, b);
          return [
            `${framework} vs ${bare}`,
            rateText(h),
            rateText(b),
            comparisonText(throughputRatio(h, b)),
            comparisonText(cpuRatio(h, b)),
            delta === undefined ? 'failed' : signed(delta),
          ];
        }),
      ),
    );
  }
  return toMarkdown(blocks);
}

/** The run a README's headline block names, or undefined when it has none. */
export const headlineRun = (readme: string): string | undefined => BLOCK.exec(readme)?.[1];

/** The README with its headline block replaced (it must already have the markers). */
export function replaceHeadline(readme: string, runPath: string, markdown: string): string {
  if (!BLOCK.test(readme)) {
    throw new Error(`the README has no headline block (${BEGIN('<results/run-id>')} … ${END})`);
  }
  return readme.replace(BLOCK, () => `${BEGIN(runPath)}\n${markdown.trimEnd()}\n${END}`);
}
