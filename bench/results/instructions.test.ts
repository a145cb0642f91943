import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { honoOverBare, medianWindow, overRuns } from './instructions.ts';
import type { InstructionsCell, InstructionsRun } from './schema.ts';

const counted = (target: string, workload: string, instructionsPerRequest: number): InstructionsCell => ({
  target,
  workload,
  instructionsPerRequest,
  difference: 0,
  runs: [],
  warmup: 3000,
  measured: 2000,
  valgrind: 'valgrind-3.19.0',
});

describe('overRuns', () => {
  it('is the median of the runs and their (max − min) ÷ median', () => {
    assert.deepEqual(overRuns([100_000, 101_000]), { instructionsPerRequest: 100_500, difference: 1_000 / 100_500 });
    assert.deepEqual(overRuns([300, 100, 200]), { instructionsPerRequest: 200, difference: 1 });
    assert.deepEqual(overRuns([42]), { instructionsPerRequest: 42, difference: 0 });
  });
});

describe('medianWindow', () => {
  const run = (windows?: number[]): InstructionsRun => ({
    instructions: 0,
    instructionsPerRequest: 0,
    ...(windows ? { windows } : {}),
    processes: [],
    connections: 1,
    wallTimeS: 1,
  });
  const cell = (...runs: InstructionsRun[]): InstructionsCell => ({ ...counted('bun', 'json-small', 0), runs });

  it("is the median over runs of each run's median window: a window where a collection lands moves it not at all", () => {
    assert.equal(medianWindow(cell(run([50, 51, 100]), run([52, 90, 49, 51]), run([60, 61, 62]))), 51.5);
    assert.equal(medianWindow(cell(run([50, 200]))), 125);
  });

  it('is undefined without windows in every run, or for a cell that was not counted', () => {
    assert.equal(medianWindow(cell(run([50, 51]), run())), undefined);
    assert.equal(medianWindow(cell(run([50]))), undefined);
    assert.equal(medianWindow({ target: 'bun', workload: 'json-small', unavailable: 'did not start' }), undefined);
  });
});

describe('honoOverBare', () => {
  it('divides each framework target by the bare control of its runtime, per workload both were counted on', () => {
    const cells: InstructionsCell[] = [
      counted('node', 'basic-json', 250_000),
      counted('node', 'json-small', 400_000),
      counted('bare-node', 'basic-json', 100_000),
      counted('bare-node', 'json-small', 160_000),
      counted('bun', 'basic-json', 90_000),
      counted('bare-bun', 'basic-json', 30_000),
      counted('deno', 'basic-json', 120_000),
      { target: 'bare-deno', workload: 'basic-json', unavailable: 'run 1: did not start under valgrind' },
      counted('rust', 'basic-json', 20_000),
    ];
    assert.deepEqual(honoOverBare(cells), [
      {
        framework: 'node',
        bare: 'bare-node',
        workload: 'basic-json',
        frameworkPerRequest: 250_000,
        barePerRequest: 100_000,
        ratio: 2.5,
      },
      {
        framework: 'node',
        bare: 'bare-node',
        workload: 'json-small',
        frameworkPerRequest: 400_000,
        barePerRequest: 160_000,
        ratio: 2.5,
      },
      {
        framework: 'bun',
        bare: 'bare-bun',
        workload: 'basic-json',
        frameworkPerRequest: 90_000,
        barePerRequest: 30_000,
        ratio: 3,
      },
    ]);
  });

  it('gives no ratio when the framework side could not be counted', () => {
    assert.deepEqual(
      honoOverBare([
        { target: 'bun', workload: 'basic-json', unavailable: 'run 2: out of time' },
        counted('bare-bun', 'basic-json', 30_000),
      ]),
      [],
    );
  });
});
