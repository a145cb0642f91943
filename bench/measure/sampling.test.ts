import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corePercents } from './sampling.ts';

describe('corePercents', () => {
  it('is the busy and stolen share of the time between two /proc/stat readings', () => {
    const a = { busy: 1000, steal: 10, total: 4000 };
    assert.deepEqual(corePercents(a, { busy: 1750, steal: 60, total: 5000 }), { busyPct: 75, stealPct: 5 });
    assert.deepEqual(corePercents(a, a), { busyPct: 0, stealPct: 0 });
  });
});
