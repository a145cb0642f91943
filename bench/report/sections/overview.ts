/** One table of every workload and target: throughput and CPU per request. Pure. */
import type { Cell } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { heading, para, table } from '../doc.ts';
import { mib, num } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { cpuText, rateText, workloadAnchor, workloadRow } from './text.ts';

export function overview(idx: CellIndex): Block[] {
  const matrix = (pick: (c: Cell) => string) =>
    idx.workloads.map((w) => workloadRow(idx, w, idx.targets, `[${w}](#${workloadAnchor(w)})`, pick));
  const head = ['Workload', 'Driver', ...idx.targets];
  return [
    heading(2, 'Overview', 'overview'),
    para(
      'Throughput (requests/s; messages/s for ws), median of the rounds (95 % interval); at a fixed rate it is the offered rate, ' +
        'and CPU per request is the figure to compare:',
    ),
    table(head, matrix((c) => (c.mode === 'rate' ? `${rateText(c)} (fixed rate)` : rateText(c)))),
    para('Server CPU µs per request (per message for ws), median of the rounds (95 % interval) — lower is cheaper:'),
    table(head, matrix(cpuText)),
    para('p99 latency (ms), median of repeats:'),
    table(head, matrix((c) => num(c.median!.latencyMs.p99))),
    para('Server peak RSS (MiB), median of repeats:'),
    table(head, matrix((c) => mib(c.median!.serverPeakRssBytes))),
  ];
}
