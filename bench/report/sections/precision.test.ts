import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cell } from '../../results/schema.ts';
import { toMarkdown } from '../doc.ts';
import { cellSummary } from '../../results/summary.ts';
import { cell as fixtureCell, run } from '../fixture.ts';
import { headlineScope, indexCells } from '../model.ts';
import { precision } from './precision.ts';

/** Six rounds at these CPU µs/unit (throughput fixed): the 95 % interval is their min–max. */
const cell = (...args: Parameters<typeof fixtureCell>): Cell => {
  const c = fixtureCell(...args);
  return { ...c, ...cellSummary(c.repeats) };
};
const rounds = (cpu: number[]) => cpu.map((cpuUs) => ({ rps: 1000, cpuUs }));
const steady = rounds([50, 50, 50, 50, 50, 50]); // ±0 %: converged
const noisy = rounds([40, 45, 50, 50, 55, 60]); // 40–60 around 50: ±20 %, not converged

const cells: Cell[] = [
  cell('node', 'basic-json', steady),
  cell('bare-node', 'basic-json', noisy),
  cell('rust', 'basic-json', steady),
  cell('node', 'json-medium', noisy), // not a headline workload
  { ...cell('node', 'basic-json', noisy), phase: 'rate-table', mode: 'rate', rate: 500 },
];
const meta = {
  ...run,
  workloads: ['basic-json', 'json-medium'],
  targets: ['node', 'bare-node', 'rust'].map((name) => ({ ...run.targets[0]!, name })),
  settings: { ...run.settings, repeats: 6, maxRepeats: 12 },
};

describe('headlineScope', () => {
  it("is the README's tables: headline workloads on every target but the controls, and the controls on GET /json", () => {
    const scope = headlineScope(indexCells(meta, cells));
    assert.deepEqual(scope.targets, ['node', 'rust']);
    assert.deepEqual(scope.workloads, ['basic-json']);
    assert.deepEqual(scope.pairs, [{ framework: 'node', bare: 'bare-node' }]);
    assert.deepEqual(scope.cells.map((c) => `${c.target} ${c.workload}`), [
      'node basic-json',
      'rust basic-json',
      'bare-node basic-json',
    ]);
  });
});

describe('precision: intervals and convergence', () => {
  const md = toMarkdown(precision(meta, cells, indexCells(meta, cells)));

  it('counts convergence apart for the headline cells, the closed-loop matrix and the fixed-rate table', () => {
    assert.match(
      md,
      /Converged: the README's headline cells 2 of 3 \(66\.7%\); every closed-loop cell 2 of 4 \(50\.0%\); the fixed-rate table 0 of 1 \(0%\)\./,
    );
  });

  it('lists every cell that did not converge, its half-width and rounds, ★ on a headline cell', () => {
    const listed = md.split('\n').filter((l) => l.startsWith('- `'));
    assert.deepEqual(listed, [
      '- `bare-node` basic-json ★: 50 (40–60) µs (±20.0%, 6 rounds)',
      '- `node` json-medium: 50 (40–60) µs (±20.0%, 6 rounds)',
      '- `node` basic-json at 500/s: 50 (40–60) µs (±20.0%, 6 rounds)',
    ]);
  });
});

describe('precision: the host', () => {
  it("says how much of the scatter neighbouring windows share, from the run's round orders", () => {
    // Four targets whose every round runs at 1×, 2× or ½× their median alike: all of it the host's.
    const hosted = (['node', 'bare-node', 'rust', 'bun'] as const).map((t, i) => {
      const base = 10 * (i + 1);
      const c = cell(t, 'basic-json', rounds([1, 2, 0.5, 1, 2, 0.5].map((f) => f * base)));
      return {
        ...c,
        repeats: c.repeats.map((r) =>
          r.state === 'ok'
            ? { ...r, figures: { ...r.figures, host: { calibrationNs: [7e6, 7e6] as [number, number], attempts: 1 } } }
            : r
        ),
      };
    });
    const order = hosted.map((c) => `${c.target}__basic-json`);
    const runRounds = [1, 2, 3, 4, 5, 6].map((round) => ({
      phase: 'main' as const,
      round,
      order,
      startedAt: '2026-12-01T00:00:00.000Z',
    }));
    const md = toMarkdown(precision({ ...meta, rounds: runRounds }, hosted, indexCells(meta, hosted)));
    assert.match(
      md,
      /the median deviation of the 3 windows either side of it in its round \(other targets, mostly of the same workload\): correlation 1\.00 over 24 windows\. Dividing each window by its neighbours' deviation takes the median deviation from 100\.0% to 0% and the p90 from 100\.0% to 0%;/,
    );
    const without = toMarkdown(precision(meta, hosted, indexCells(meta, hosted)));
    assert.doesNotMatch(without, /windows either side/);
  });
});
