import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWorkerCpu, UNEVEN_MAX_OVER_MIN, workerCpu, type WorkerCpuSnapshot } from './worker-cpu.ts';

const snap = (workers: Record<string, number>, treeTicks: number): WorkerCpuSnapshot => ({
  workers: new Map(Object.entries(workers)),
  treeTicks,
});

describe('workerCpu', () => {
  it('is each worker’s share of the window, busiest first, and what the rest of the tree used', () => {
    const w = workerCpu(snap({ 11: 100, 12: 100 }, 210), snap({ 11: 220, 12: 200 }, 450), 2);
    assert.deepEqual(w.shares, [120 / 220, 100 / 220]);
    assert.equal(w.maxOverMin, 1.2);
    assert.equal(w.uneven, false);
    assert.equal(w.otherShare, 20 / 240);
    assert.equal(describeWorkerCpu(w), '55% / 45%');
  });
  it(`flags a spread above ${UNEVEN_MAX_OVER_MIN}× as uneven, and a worker that did nothing`, () => {
    const w = workerCpu(snap({ 11: 0, 12: 0 }, 0), snap({ 11: 160, 12: 100 }, 260), 2);
    assert.equal(w.maxOverMin, 1.6);
    assert.equal(w.uneven, true);
    assert.equal(describeWorkerCpu(w), '62% / 38% (uneven)');
    const idle = workerCpu(snap({ 11: 0, 12: 0 }, 0), snap({ 11: 50, 12: 0 }, 50), 2);
    assert.equal(idle.maxOverMin, Infinity);
    assert.equal(idle.uneven, true);
  });
  it('exactly 1.5× is not uneven; no CPU at all is not uneven either', () => {
    assert.equal(workerCpu(snap({ 1: 0, 2: 0 }, 0), snap({ 1: 150, 2: 100 }, 250), 2).uneven, false);
    const none = workerCpu(snap({ 1: 5, 2: 5 }, 10), snap({ 1: 5, 2: 5 }, 10), 2);
    assert.deepEqual(none, { shares: [0.5, 0.5], maxOverMin: 1, uneven: false, otherShare: 0 });
  });
  it('takes the N busiest of more candidates (tokio names its blocking threads like its workers)', () => {
    const w = workerCpu(snap({ a: 0, b: 0, c: 0 }, 0), snap({ a: 90, b: 2, c: 110 }, 202), 2);
    assert.deepEqual(w.shares, [110 / 200, 90 / 200]);
  });
  it('counts a worker that has exited since as one that did nothing', () => {
    const w = workerCpu(snap({ 1: 10, 2: 10 }, 20), snap({ 1: 60 }, 70), 2);
    assert.deepEqual(w.shares, [1, 0]);
    assert.equal(w.uneven, true);
  });
});
