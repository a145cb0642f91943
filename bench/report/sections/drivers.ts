/**
 * The load generators: what each cost per request or message, how busy their cores were, and how
 * many cells they limited. Only for runs whose cells carry the driver's cost (older runs do not).
 * With the run's driver calibration (run.json `driverCalibration`), also what each driver cost on
 * its own and each cell's generator headroom at that cost. Pure.
 */
import { calibrationFor, headroom } from '../../results/headroom.ts';
import type { Cell, DriverCalibration } from '../../results/schema.ts';
import { median } from '../../results/stats.ts';
import type { Block } from '../doc.ts';
import { heading, para, table } from '../doc.ts';
import { num } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { generatorBound } from '../model.ts';
import { workloadRow } from './text.ts';

export function drivers(idx: CellIndex, calibration: readonly DriverCalibration[] = []): Block[] {
  const costs = driverCosts(idx);
  if (calibration.length === 0) return costs;
  return [...(costs.length > 0 ? costs : [heading(2, 'Load generators', 'drivers')]), ...calibrated(idx, calibration)];
}

/** Each driver's cost as the cells measured it, and how busy its cores were. */
function driverCosts(idx: CellIndex): Block[] {
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
    ...atParity(costed),
  ];
}

/** A server within this factor of its driver's CPU per unit is as cheap per unit as the driver. */
export const PARITY = 1.25;

/**
 * Generator-bound cells whose server spent at most PARITY × what its driver did per unit. Over
 * loopback both ends pay for the same socket work (the kernel delivers each write in the writer's
 * time), so a driver cannot be made much cheaper than a server that does little beyond it: such a
 * cell needs more generator cores than the server has, not a cheaper driver.
 */
function atParity(cells: readonly Cell[]): Block[] {
  const even = cells.flatMap((c) => {
    const server = c.median?.serverCpuUsPerUnit, driver = c.median?.generatorCpuUsPerUnit;
    return generatorBound(c).bound && server !== undefined && driver ? [{ c, server, driver }] : [];
  }).filter(({ server, driver }) => server <= PARITY * driver);
  if (even.length === 0) return [];
  const byTarget = new Map<string, string[]>();
  for (const { c, server, driver } of even) {
    byTarget.set(c.target, [
      ...(byTarget.get(c.target) ?? []),
      `${c.workload} ${num(server)}/${num(driver)} (${c.driver})`,
    ]);
  }
  return [
    para(
      `Generator-bound cells whose server spent at most ${PARITY}× its driver's CPU per unit (server/driver µs ` +
        `per unit): ${[...byTarget].map(([t, list]) => `\`${t}\` ${list.join(', ')}`).join('; ')}. Over loopback ` +
        "both ends pay for the same socket work (the kernel delivers each write in the writer's time), so no " +
        'driver is much cheaper per unit than a server that does little beyond that work: these cells need more ' +
        'generator cores than server cores (`--generator-cores`), not a cheaper driver. Their CPU per unit ' +
        'stands; their throughput is a floor.',
    ),
  ];
}

/** The calibration table, and each cell's headroom at its driver's calibrated cost. */
function calibrated(idx: CellIndex, calibration: readonly DriverCalibration[]): Block[] {
  const dash = (n: number) => Array<string>(n).fill('—');
  const rows = calibration.map((c) => {
    const probe = [c.driver, c.mode === 'rate' ? 'fixed rate' : 'closed loop', `${c.workload} on ${c.target}`];
    if (c.state === 'failed') return [...probe, `failed: ${c.reason}`, ...dash(5)];
    return [
      ...probe,
      c.version,
      num(c.unitsPerSecond),
      `${num(c.cpuUsPerUnit)} (${c.cpuSource})`,
      num(c.coreBusyPct),
      num(c.maxUnitsPerSecond),
      ...(c.rate === undefined ? ['—'] : [num(c.rate)]),
    ];
  });
  const ok = calibration.find((c) => c.state === 'ok');
  const priced = idx.workloads.filter((w) =>
    idx.targets.some((t) => {
      const c = idx.get(t, w);
      return c?.median !== undefined && calibrationFor(c, calibration) !== undefined;
    })
  );
  const blocks: Block[] = [
    heading(3, 'Calibration', 'drivers-calibration'),
    para(
      "Before the cells, each driver drove the fastest target's cheapest endpoint of each kind of load it was given " +
        '(plain requests, WebSocket echoes, event streams) on its own' +
        (ok ? `, for ${Math.round(ok.durationS)} s on ${ok.generatorCores} generator core(s)` : '') +
        ". Its CPU per unit is its own (loadgen's report of itself, else the driver process's CPU between two marks " +
        'inside its run); the most units/s is what the generator cores could drive at that cost, ' +
        '1e6 ÷ CPU µs per unit × cores. Core busy % counts every process on those cores.',
    ),
    table(
      [
        'Driver',
        'Mode',
        'Load',
        'Version',
        'Units/s',
        'CPU µs per unit',
        'Core busy %',
        'Most units/s at that cost',
        'Offered rate',
      ],
      rows,
    ),
  ];
  if (priced.length === 0) return blocks;
  const pick = (c: Cell) => {
    const cal = calibrationFor(c, calibration);
    return cal ? num(headroom(c.median!, cal)) : '—';
  };
  return [
    ...blocks,
    para(
      "Generator headroom % of each cell: what its driver leaves free of the generator cores at the cell's " +
        "median throughput, at the driver's calibrated cost — 100 × (1 − throughput ÷ most units/s), 0 at or past " +
        "it; the driver's own cost only (other processes on those cores come on top), and an upper bound where the " +
        "throughput is far below the calibration's (a driver costs more per unit when fewer events coalesce):",
    ),
    table(
      ['Workload', 'Driver', ...idx.targets],
      priced.map((w) => workloadRow(idx, w, idx.targets, w, pick)),
    ),
  ];
}
