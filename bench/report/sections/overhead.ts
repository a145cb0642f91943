/** Hono's overhead: each runtime with the framework against its own bare server. Pure. */
import type { Block } from '../doc.ts';
import { heading, para, table } from '../doc.ts';
import { signed } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { controlPairs, cpuAdded, cpuRatio, throughputRatio } from '../model.ts';
import { comparisonText, cpuText, rateText } from './text.ts';

export function honoOverhead(idx: CellIndex): Block[] {
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
        h.median ? cpuText(h) : 'failed',
        c.median ? cpuText(c) : 'failed',
        comparisonText(cpuRatio(h, c)),
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
        'Hono ÷ bare below 1 is the throughput Hono costs; Hono ÷ bare CPU is paired by round; Δ CPU is the CPU time Hono adds to each request (difference of the medians).',
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
        'Hono ÷ bare CPU',
        'Δ CPU µs/req',
      ],
      rows,
    ),
  );
  return blocks;
}
