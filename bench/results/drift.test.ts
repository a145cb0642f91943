import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pearson, sharedDrift } from './drift.ts';
import { cellKey } from './summary.ts';
import type { Cell, RunMeta } from './schema.ts';
import { cells as fixtureCells } from '../report/fixture.ts';

/** A cell of the fixture with `values` as its CPU per unit in rounds 1, 2, …; `failed` rounds fail. */
function cell(target: string, values: number[], o: { phase?: 'rate-table'; failed?: number[] } = {}): Cell {
  const base = fixtureCells[0]!;
  const okFigures = base.repeats.find((r) => r.state === 'ok')!.figures;
  return {
    ...base,
    target,
    workload: 'basic-json',
    ...(o.phase ? { phase: o.phase } : {}),
    repeats: values.map((v, i) =>
      o.failed?.includes(i + 1)
        ? { repeat: i + 1, state: 'failed' as const, reason: 'x' }
        : { repeat: i + 1, state: 'ok' as const, figures: { ...okFigures, serverCpuUsPerUnit: v }, samples: [] }
    ),
  };
}

const targets = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const rounds = (n: number, phase: 'main' | 'rate-table' = 'main', suffix = ''): NonNullable<RunMeta['rounds']> =>
  Array.from({ length: n }, (_, i) => ({
    phase,
    round: i + 1,
    order: targets.map((t) => `${t}__basic-json${suffix}`),
    startedAt: '2026-12-01T00:00:00.000Z',
  }));

describe('cellKey', () => {
  it('names a cell as its file and the round orders do', () => {
    assert.equal(cellKey({ target: 'bun', workload: 'json-small' }), 'bun__json-small');
    assert.equal(cellKey({ target: 'bun', workload: 'json-small', phase: 'rate-table' }), 'bun__json-small__rate');
  });
});

describe('pearson', () => {
  it('is exact on lines and undefined when a side is constant', () => {
    assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
    assert.equal(pearson([1, 2, 3], [3, 2, 1]), -1);
    assert.equal(pearson([1, 2, 3], [5, 5, 5]), undefined);
    assert.equal(pearson([1], [1]), undefined);
  });
});

describe('sharedDrift', () => {
  it('sees a host that slows every window of a round alike as all shared', () => {
    // Rounds 1, 2, 3 run at 1×, 2× and ½× for every cell: each cell's median is its 1× figure.
    const bases = [10, 20, 30, 40, 50, 60, 70];
    const cells = bases.map((b, i) => cell(targets[i]!, [b, 2 * b, b / 2]));
    const d = sharedDrift(rounds(3), cells)!;
    assert.equal(d.windows, 21);
    assert.equal(d.correlation, 1);
    // 7 windows on the median and 14 off it by a factor 2 either way: |2 − 1| = |½ ÷ 1 … in logs| → 1.
    assert.deepEqual(d.deviation, { p50: 1, p90: 1 });
    assert.deepEqual(d.remaining, { p50: 0, p90: 0 });
  });

  it('leaves a window that alone was slow as its own, and has no correlation when neighbours never move', () => {
    const cells = targets.map((t) => cell(t, t === 'd' ? [10, 20, 10] : [10, 10, 10]));
    const d = sharedDrift(rounds(3), cells)!;
    assert.equal(d.windows, 21);
    assert.equal(d.correlation, undefined);
    // One window of 21 off by 2×: p90 of [0 ×20, 1] interpolates at rank 18 → 0.
    assert.deepEqual(d.deviation, { p50: 0, p90: 0 });
    assert.deepEqual(d.remaining, d.deviation);
  });

  it('takes a neighbourhood from measured windows only, needs NEIGHBOURS of them, and skips the rate table', () => {
    // Cell g has two good windows (too few for a median to mean much): its windows are no one's neighbours.
    const cells = [
      ...targets.slice(0, 6).map((t) => cell(t, [10, 20, 5])),
      cell('g', [10, 20, 5], { failed: [2] }),
      ...targets.map((t) => cell(t, [1, 100, 1], { phase: 'rate-table' })),
    ];
    const d = sharedDrift([...rounds(3), ...rounds(3, 'rate-table', '__rate')], cells)!;
    // Six cells × three rounds; each of a, …, f keeps at least three measured neighbours.
    assert.equal(d.windows, 18);
    assert.equal(d.correlation, 1);
    assert.deepEqual(d.remaining, { p50: 0, p90: 0 });
  });

  it('is undefined without rounds or windows', () => {
    assert.equal(sharedDrift(undefined, [cell('a', [1, 2, 3])]), undefined);
    assert.equal(sharedDrift(rounds(3), []), undefined);
  });
});
