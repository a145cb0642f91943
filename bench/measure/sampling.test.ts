import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corePercents, coreTimes } from './sampling.ts';

describe('corePercents', () => {
  it('is the busy and stolen share of the time between two /proc/stat readings', () => {
    const a = { busy: 1000, steal: 10, total: 4000 };
    assert.deepEqual(corePercents(a, { busy: 1750, steal: 60, total: 5000 }), { busyPct: 75, stealPct: 5 });
    assert.deepEqual(corePercents(a, a), { busyPct: 0, stealPct: 0 });
  });
  it('takes busy from the exact task time where both readings have it, steal still from the ticks', () => {
    const a = { busy: 1000, steal: 10, total: 4000, exact: { taskNs: 1e9, at: 1000, cores: 2 } };
    // 0.5 s later: 0.4 s of task time on 2 cores = 40 %, steal 50 of 1000 ticks = 5 %; the ticks say 75 %
    const b = { busy: 1750, steal: 60, total: 5000, exact: { taskNs: 1.4e9, at: 1500, cores: 2 } };
    assert.deepEqual(corePercents(a, b), { busyPct: 45, stealPct: 5 });
    assert.deepEqual(corePercents(a, { ...b, exact: undefined }), { busyPct: 75, stealPct: 5 });
    // never above 100 %
    assert.equal(corePercents(a, { ...b, exact: { taskNs: 3e9, at: 1500, cores: 2 } }).busyPct, 100);
  });
});

describe('coreTimes', () => {
  it('reads both counters of a CPU this machine has, and nothing for no CPU', () => {
    const t = coreTimes([0]);
    assert.ok(t.total > 0);
    if (t.exact) assert.ok(t.exact.taskNs > 0 && t.exact.cores === 1);
    assert.deepEqual(coreTimes([]).busy, 0);
  });
});
