/**
 * The load generators: what each cost per request or message, how busy their cores were, and how
 * many cells they limited. Only for runs whose cells carry the driver's cost (older runs do not).
 * Pure.
 */
import type { Cell } from '../../results/schema.ts';
import { median } from '../../results/stats.ts';
import type { Block } from '../doc.ts';
import { heading, para, table } from '../doc.ts';
import { num } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { generatorBound } from '../model.ts';

export function drivers(idx: CellIndex): Block[] {
  const costed = idx.cells.filter((c) => c.median?.generatorCpuUsPerUnit !== undefined);
  if (costed.length === 0) return [];
  const byDriver = new Map<string, Cell[]>();
  for (const c of costed) byDriver.set(c.driver, [...(byDriver.get(c.driver) ?? []), c]);
  const med = (cells: Cell[], pick: (c: Cell) => number | undefined) => {
    const values = cells.flatMap((c) => {
      const v = pick(c);
      return v === undefined ? [] : [v];
    });
    return values.length === 0 ? '—' : num(median(values));
  };
  return [
    heading(2, 'Load generators', 'drivers'),
    para(
      "Each driver's own CPU per request (message for WebSocket echoes) — loadgen's report of itself, the sampled " +
        'CPU of wrk, oha and k6 otherwise — and the busy time of the generator cores (every process on them). ' +
        'A cell is generator-bound when those cores were 90 % busy or more: its throughput is then a floor, and its ' +
        'CPU per request the figure to read. Headroom is what the cores had left.',
    ),
    table(
      [
        'Driver',
        'Cells',
        'CPU µs per unit (median, min–max over cells)',
        'Core busy % (median)',
        'Headroom %',
        'Generator-bound cells',
      ],
      [...byDriver].map(([driver, cells]) => {
        const costs = cells.map((c) => c.median!.generatorCpuUsPerUnit!);
        return [
          driver,
          String(cells.length),
          `${num(median(costs))} (${num(Math.min(...costs))}–${num(Math.max(...costs))})`,
          med(cells, (c) => c.median?.generatorCoreBusyPct),
          med(
            cells,
            (c) => (c.median?.generatorCoreBusyPct === undefined ? undefined : 100 - c.median.generatorCoreBusyPct),
          ),
          String(cells.filter((c) => generatorBound(c).bound).length),
        ];
      }),
    ),
  ];
}
