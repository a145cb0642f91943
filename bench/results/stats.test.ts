import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuMicrosPerUnit, cpuPercent, median, percentile, relativeRange } from './stats.ts';

describe('percentile', () => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it('interpolates between ranks', () => {
    assert.equal(percentile(s, 0), 1);
    assert.equal(percentile(s, 100), 10);
    assert.equal(percentile(s, 50), 5.5);
    assert.equal(percentile(s, 90), 9.1);
    assert.equal(percentile([10, 20], 25), 12.5);
  });
  it('is exact on a single sample and NaN on none', () => {
    assert.equal(percentile([42], 99), 42);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe('median and spread', () => {
  it('sorts before taking the middle', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
  it('gives the range relative to the median', () => {
    assert.deepEqual(relativeRange([90, 100, 110]), { min: 90, max: 110, relative: 0.2 });
    assert.deepEqual(relativeRange([5]), { min: 5, max: 5, relative: 0 });
  });
  it('takes medians field by field', () => {
  });
});

describe('CPU figures from clock ticks', () => {
  it('µs per unit: 250 ticks at 100 Hz over 50,000 requests is 50 µs each', () => {
    assert.equal(cpuMicrosPerUnit(250, 100, 50_000), 50);
    assert.ok(Number.isNaN(cpuMicrosPerUnit(10, 100, 0)));
  });
  it('percent of the cores given', () => {
    assert.equal(cpuPercent(500, 100, 10), 50);
    assert.equal(cpuPercent(1000, 100, 10, 2), 50);
  });
});
