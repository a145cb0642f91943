import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cell, Repeat } from '../results/schema.ts';
import { cellKey, cellSummary } from '../results/summary.ts';
import { cells as fixtureCells } from '../report/fixture.ts';
import {
  limiterOf,
  rateTableRates,
  rateTableWorkloads,
  roundOrder,
  roundRateDown,
  seededRandom,
  wantsRound,
} from './run.ts';
import { hostOutlier } from './hostcheck.ts';

const okRepeat = (repeat: number, cpu: number): Repeat => {
  const base = fixtureCells[0]!.repeats.find((r) => r.state === 'ok')!;
  assert.equal(base.state, 'ok');
  return { ...base, repeat, figures: { ...base.figures, serverCpuUsPerUnit: cpu } };
};
const cellOf = (repeats: Repeat[]): Cell => ({ ...fixtureCells[0]!, repeats, ...cellSummary(repeats) }) as Cell;

describe('wantsRound (adaptive rounds)', () => {
  it('gives every cell the first `repeats` rounds, once each', () => {
    assert.equal(wantsRound(undefined, 1, 3), true);
    assert.equal(wantsRound(cellOf([okRepeat(1, 10)]), 1, 3), false);
    assert.equal(wantsRound(cellOf([okRepeat(1, 10)]), 3, 3), true);
  });
  it('then only to cells whose CPU interval is wider than ±5 %', () => {
    // Six equal values: the exact 96.9 % interval is 10–10, converged.
    const steady = cellOf([1, 2, 3, 4, 5, 6].map((r) => okRepeat(r, 10)));
    assert.equal(steady.converged, true);
    assert.equal(wantsRound(steady, 7, 6), false);
    // 8 to 12 around a median of 10: ±20 %, not converged.
    const noisy = cellOf([8, 12, 10, 9, 11, 10].map((v, i) => okRepeat(i + 1, v)));
    assert.equal(noisy.converged, false);
    assert.equal(wantsRound(noisy, 7, 6), true);
  });
  it('stops a cell that never measured, or failed as often as the first rounds', () => {
    const failed = (repeat: number): Repeat => ({ state: 'failed', repeat, reason: 'x' });
    assert.equal(wantsRound(cellOf([failed(1), failed(2)]), 3, 2), false);
    assert.equal(wantsRound(cellOf([okRepeat(1, 8), failed(2), okRepeat(3, 12)]), 4, 3), true);
    assert.equal(wantsRound(cellOf([okRepeat(1, 8), failed(2), failed(3), okRepeat(4, 12)]), 5, 2), false);
  });
});

describe('roundOrder', () => {
  const plans = ['a', 'b', 'c'].flatMap((workload) => ['node', 'bun', 'rust'].map((target) => ({ target, workload })));
  it('keeps a workload’s targets back to back and uses every plan once', () => {
    const order = roundOrder(plans, 7, 1);
    assert.equal(order.length, 9);
    assert.deepEqual(new Set(order.map(cellKey)).size, 9);
    for (let i = 0; i < 9; i += 3) assert.equal(new Set(order.slice(i, i + 3).map((p) => p.workload)).size, 1);
  });
  it('is the same for the same seed and round, and shuffles between rounds', () => {
    assert.deepEqual(roundOrder(plans, 7, 2), roundOrder(plans, 7, 2));
    const orders = new Set([1, 2, 3, 4, 5, 6].map((r) => roundOrder(plans, 7, r).map(cellKey).join()));
    assert.ok(orders.size > 1);
  });
  it('draws from a seeded generator in [0, 1)', () => {
    const r = seededRandom(42);
    const draws = Array.from({ length: 1000 }, r);
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    assert.deepEqual(Array.from({ length: 3 }, seededRandom(42)), draws.slice(0, 3));
  });
});

describe('the fixed-rate table', () => {
  it('rounds a rate down to two significant digits', () => {
    assert.equal(roundRateDown(4537), 4500);
    assert.equal(roundRateDown(9.4), 9);
    assert.equal(roundRateDown(99.9), 99);
    assert.equal(roundRateDown(0.4), 1);
    assert.equal(roundRateDown(123_456), 120_000);
  });
  it('offers half the slowest target’s closed-loop median, per workload', () => {
    const c = (target: string, workload: string, throughput: number, extra: Partial<Cell> = {}) =>
      ({ target, workload, mode: 'closed', median: { throughput }, ...extra }) as unknown as Cell;
    const rates = rateTableRates([
      c('node', 'basic-json', 20_000),
      c('python', 'basic-json', 3_105),
      c('python', 'basic-json', 10, { phase: 'rate-table' }),
      c('rust', 'stress-cpu', 311),
      c('python', 'stress-cpu', 8.95),
      c('node', 'json-small', 1_000, { median: undefined }),
    ], ['basic-json', 'stress-cpu', 'json-small']);
    assert.deepEqual(rates, { 'basic-json': 1500, 'stress-cpu': 4 });
  });
  it('covers the headline workloads a fixed-rate driver can run', () => {
    const w = rateTableWorkloads(['basic-json', 'basic-plaintext', 'json-small', 'shortener-shorten']);
    assert.deepEqual(w, ['basic-json', 'json-small']);
  });
});

describe('limiterOf', () => {
  const w = {
    mode: 'closed' as const,
    serverCpuPct: 50,
    generatorBound: false,
    generatorCoreBusyPct: 40,
    backendPct: 0,
  };
  it('names the saturated server first', () => {
    assert.equal(limiterOf({ ...w, serverCpuPct: 97, generatorBound: true, generatorCoreBusyPct: 95 }), 'server');
  });
  it('names the backend when Postgres and Redis took most of the full generator cores', () => {
    assert.equal(limiterOf({ ...w, generatorCoreBusyPct: 95, backendPct: 60 }), 'backend');
    assert.equal(limiterOf({ ...w, generatorCoreBusyPct: 95, backendPct: 20, generatorBound: true }), 'generator');
  });
  it('names the offered rate, else latency, when nothing is saturated', () => {
    assert.equal(limiterOf({ ...w, mode: 'rate' }), 'rate');
    assert.equal(limiterOf(w), 'latency');
  });
});

describe('hostOutlier', () => {
  const history = Array.from({ length: 10 }, () => 5e6);
  it('flags steal above 10 % and a loop 25 % slower than the run’s median', () => {
    assert.match(hostOutlier([5e6, 5e6], 12, history)!, /steal 12.0%/);
    assert.match(hostOutlier([5e6, 6.5e6], 0, history)!, /1\.30× its run median/);
    assert.equal(hostOutlier([5e6, 6e6], 0, history), undefined);
  });
  it("flags other processes' CPU above 10 % of a core during the window", () => {
    assert.match(hostOutlier([5e6, 5e6], 0, history, 35)!, /other processes took 35\.0% of a core/);
    assert.equal(hostOutlier([5e6, 5e6], 0, history, 10), undefined);
    assert.equal(hostOutlier([5e6, 5e6], 0, history, undefined), undefined);
  });
  it('judges the loop only once the run has ten checks behind it', () => {
    assert.equal(hostOutlier([5e6, 9e6], 0, history.slice(0, 9)), undefined);
  });
});
