import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Cell, DriverCalibration, RunMeta } from '../../results/schema.ts';
import { toMarkdown } from '../doc.ts';
import { cells, run } from '../fixture.ts';
import { indexCells } from '../model.ts';
import { reportBlocks } from './index.ts';
import { drivers, PARITY } from './drivers.ts';

const calibration: DriverCalibration[] = [
  {
    state: 'ok',
    driver: 'oha',
    mode: 'closed',
    kind: 'http',
    workload: 'basic-plaintext',
    target: 'rust',
    version: 'oha 1.10.0',
    connections: 50,
    durationS: 3,
    unitsPerSecond: 60_000,
    cpuUsPerUnit: 10,
    cpuSource: 'cgroup v2 of the driver',
    coreBusyPct: 100,
    generatorCores: 1,
    maxUnitsPerSecond: 100_000,
  },
  {
    state: 'ok',
    driver: 'k6',
    mode: 'closed',
    kind: 'http',
    workload: 'basic-plaintext',
    target: 'rust',
    version: 'k6 v1.8.1',
    connections: 50,
    durationS: 3,
    unitsPerSecond: 4_000,
    cpuUsPerUnit: 200,
    cpuSource: 'cgroup v2 of the driver',
    coreBusyPct: 98,
    generatorCores: 1,
    maxUnitsPerSecond: 5_000,
  },
  {
    state: 'failed',
    driver: 'loadgen',
    mode: 'rate',
    kind: 'stream',
    workload: 'sse-stream',
    target: 'rust',
    reason: 'loadgen exited 2 without a report',
  },
];

describe('the load generators section', () => {
  const idx = indexCells(run, cells);

  it('is as before when run.json has no calibration', () => {
    assert.deepEqual(drivers(idx), drivers(idx, []));
    assert.deepEqual(drivers(idx, undefined), []);
  });

  it("prints the calibration and each cell's headroom at its driver's calibrated cost", () => {
    const md = toMarkdown(drivers(idx, calibration));
    assert.match(md, /^## Load generators/);
    assert.match(md, /\n### Calibration\n/);
    assert.ok(
      md.includes(
        '| oha | closed loop | basic-plaintext on rust | oha 1.10.0 | 60,000 | 10.0 (cgroup v2 of the driver) | 100 | 100,000 | — |',
      ),
      md,
    );
    assert.ok(
      md.includes(
        '| loadgen | fixed rate | sse-stream on rust | failed: loadgen exited 2 without a report | — | — | — | — | — |',
      ),
      md,
    );
    // json-small on oha: 100 × (1 − throughput ÷ 100,000); the others on k6: 100 × (1 − throughput ÷ 5,000).
    assert.ok(md.includes('| Workload | Driver | node | bun | rust | python | bare-node |'), md);
    assert.ok(md.includes('| json-small | oha | 92.0 | 80.0 | 90.0 | 96.0 | 90.0 |'), md);
    assert.ok(md.includes('| db-recipes | k6 | 80.0 | 70.0 | 90.0 | 91.8 | — |'), md);
    assert.ok(md.includes('| shortener-redirect | k6 | — | — | 88.0 | 98.0 | — |'), md);
  });

  it('is part of the report when run.json carries the calibration', () => {
    const withCalibration = RunMeta.parse({ ...run, driverCalibration: calibration });
    const md = toMarkdown(reportBlocks(withCalibration, cells, []).blocks);
    assert.match(md, /### Calibration/);
    assert.doesNotMatch(toMarkdown(reportBlocks(run, cells, []).blocks), /### Calibration/);
  });
});

describe('generator-bound cells at parity with their driver', () => {
  /** A cell of the fixture whose every round has these figures. */
  const costed = (target: string, workload: string, server: number, driver: number, bound: boolean): Cell => {
    const base = cells.find((c) => c.median)!;
    const figures = {
      ...base.median!,
      serverCpuUsPerUnit: server,
      generatorCpuUsPerUnit: driver,
      generatorBound: bound,
    };
    return {
      ...base,
      target,
      workload,
      driver: 'loadgen',
      median: figures,
      repeats: [1, 2, 3].map((repeat) => ({ repeat, state: 'ok' as const, figures, samples: [] })),
    };
  };

  it('names the bound cells whose server is within PARITY of the driver, with both costs', () => {
    const idx = indexCells(run, [
      costed('rust', 'ws-echo', 6.26, 5.89, true), // 1.06×: at parity
      costed('bun', 'ws-echo', 7.5, 6, true), // exactly 1.25×: at parity
      costed('node', 'ws-echo', 9.92, 7.16, true), // 1.39×: bound, yet the server costs more
      costed('python', 'ws-echo', 5, 5, false), // not bound
    ]);
    const md = toMarkdown(drivers(idx));
    assert.ok(
      md.includes(
        "Generator-bound cells whose server spent at most 1.25× its driver's CPU per unit (server/driver µs per unit): `rust` ws-echo 6.26/5.89 (loadgen); `bun` ws-echo 7.50/6.00 (loadgen). Over loopback",
      ),
      md,
    );
    assert.equal(PARITY, 1.25);
  });

  it('says nothing when no bound cell is at parity', () => {
    const idx = indexCells(run, [costed('node', 'ws-echo', 9.92, 7.16, true)]);
    assert.doesNotMatch(toMarkdown(drivers(idx)), /at most 1\.25×/);
  });
});
