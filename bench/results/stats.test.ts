import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  converged,
  cpuPercent,
  formatWithInterval,
  halfWidthRelative,
  median,
  medianInterval,
  medianOfPresent,
  noClearDifference,
  pairedRatios,
  percentile,
  ratioInterval,
  relativeRange,
  significantDigits,
} from './stats.ts';

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
  it('the median of the values present, undefined when there are none', () => {
    assert.equal(medianOfPresent([3, undefined, 1, 2]), 2);
    assert.equal(medianOfPresent([undefined]), undefined);
  });
  it('percent of the cores given', () => {
    assert.equal(cpuPercent(500, 100, 10), 50);
    assert.equal(cpuPercent(1000, 100, 10, 2), 50);
  });
});

// B ~ Binomial(n, 1/2) counts the values below the true median; [x(j), x(n+1−j)] covers it with
// probability 1 − 2·P(B ≤ j − 1). The sums below are C(n, 0) + … + C(n, j − 1) over 2ⁿ.
describe('medianInterval', () => {
  it('n = 10: ranks 2 and 9, 1 − 2·(1 + 10)/1024 = 97.9 % (ranks 3 and 8: 1 − 2·56/1024 = 89.1 %)', () => {
    assert.deepEqual(medianInterval([7, 3, 10, 1, 5, 9, 2, 8, 4, 6]), {
      median: 5.5,
      low: 2,
      high: 9,
      n: 10,
      confidence: 0.978515625,
      exact: true,
    });
  });
  it('n = 6: the min–max range, 1 − 2/64 = 96.9 % (ranks 2 and 5: 1 − 2·7/64 = 78.1 %)', () => {
    assert.deepEqual(medianInterval([12, 10, 11, 15, 13, 14]), {
      median: 12.5,
      low: 10,
      high: 15,
      n: 6,
      confidence: 0.96875,
      exact: true,
    });
  });
  it('n = 20: ranks 6 and 15, 1 − 2·(1 + 20 + 190 + 1140 + 4845 + 15504)/2²⁰ = 1 − 43400/1048576', () => {
    // ranks 7 and 14: 1 − 2·(21700 + 38760)/2²⁰ = 88.5 %
    const values = Array.from({ length: 20 }, (_, i) => 100 + i);
    assert.deepEqual(medianInterval(values), {
      median: 109.5,
      low: 105,
      high: 114,
      n: 20,
      confidence: 0.95861053466796875,
      exact: true,
    });
  });
  it('too few for 95 %: the min–max range, not exact, with the 1 − 2·0.5ⁿ it has', () => {
    assert.deepEqual(medianInterval([5, 1, 4, 2, 3]), {
      median: 3,
      low: 1,
      high: 5,
      n: 5,
      confidence: 0.9375,
      exact: false,
    });
    assert.deepEqual(medianInterval([90, 110, 100]), {
      median: 100,
      low: 90,
      high: 110,
      n: 3,
      confidence: 0.75,
      exact: false,
    });
    assert.deepEqual(medianInterval([42]), { median: 42, low: 42, high: 42, n: 1, confidence: 0, exact: false });
  });
  it('takes the confidence asked: n = 5 at 90 % is exact (1 − 2/32 = 93.75 %)', () => {
    assert.deepEqual(medianInterval([5, 1, 4, 2, 3], 0.9), {
      median: 3,
      low: 1,
      high: 5,
      n: 5,
      confidence: 0.9375,
      exact: true,
    });
  });
  it('leaves out non-finite values; nothing left is NaN', () => {
    assert.equal(medianInterval([1, NaN, 2, Infinity, 3]).n, 3);
    assert.deepEqual(medianInterval([]), { median: NaN, low: NaN, high: NaN, n: 0, confidence: 0, exact: false });
    assert.throws(() => medianInterval([1, 2], 1), RangeError);
  });
});

describe('paired ratios', () => {
  it('pairs round k with round k, skipping rounds missing on either side or with b ≤ 0', () => {
    assert.deepEqual(pairedRatios([200, 300, undefined, 400, 90, 70], [100, 0, 50, 100, undefined]), [2, 4]);
  });
  it('gives the median and interval of the ratios', () => {
    const a = [210, 190, 200, 220, 180, 205, 195, 215, 185, 200];
    const b = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
    // ratios sorted: 1.8 1.85 1.9 1.95 2 2 2.05 2.1 2.15 2.2 → ranks 2 and 9
    assert.deepEqual(ratioInterval(a, b), {
      median: 2,
      low: 1.85,
      high: 2.15,
      n: 10,
      confidence: 0.978515625,
      exact: true,
    });
  });
});

describe('convergence and overlap', () => {
  const exact = { median: 100, low: 98, high: 103, n: 10, confidence: 0.978515625, exact: true };
  it('half-width relative to the median takes the wider side', () => {
    assert.equal(halfWidthRelative(exact), 0.03);
    assert.equal(halfWidthRelative({ median: 200, low: 150, high: 210 }), 0.25);
    assert.equal(halfWidthRelative({ median: 0, low: 0, high: 0 }), 0);
    assert.equal(halfWidthRelative({ median: 0, low: -1, high: 1 }), Infinity);
  });
  it('converged: ±5 % or better, and exact', () => {
    assert.equal(converged(exact), true);
    assert.equal(converged(exact, 0.02), false);
    assert.equal(converged({ ...exact, low: 94 }), false);
    assert.equal(converged({ ...exact, exact: false }), false);
  });
  it('no clear difference when the intervals overlap or touch', () => {
    assert.equal(noClearDifference({ median: 10, low: 9, high: 11 }, { median: 12, low: 10.5, high: 13 }), true);
    assert.equal(noClearDifference({ median: 10, low: 9, high: 11 }, { median: 12, low: 11, high: 13 }), true);
    assert.equal(noClearDifference({ median: 10, low: 9, high: 11 }, { median: 12, low: 11.5, high: 13 }), false);
    assert.equal(noClearDifference({ median: 12, low: 11.5, high: 13 }, { median: 10, low: 9, high: 11 }), false);
  });
});

describe('digits an interval supports', () => {
  it("keeps the median down to the place of the half-width's leading digit", () => {
    assert.equal(significantDigits({ median: 12345, low: 11945, high: 12745 }), 3);
    assert.equal(significantDigits({ median: 12345, low: 12245, high: 13345 }), 3); // ± 1,000: its first two digits, 10 < 35
    assert.equal(significantDigits({ median: 47472, low: 47360, high: 58032 }), 2); // ± 10,560
    assert.equal(significantDigits({ median: 59.8, low: 59.5, high: 60.1 }), 4); // ± 0.3: 30 < 35
    assert.equal(significantDigits({ median: 100, low: -150, high: 300 }), 2); // ± 250: 25 < 35
    assert.equal(significantDigits({ median: 1500, low: 1500, high: 1500 }), 15);
    assert.ok(Number.isNaN(significantDigits({ median: NaN, low: NaN, high: NaN })));
  });
  it("formats at those digits, never finer than the report's num", () => {
    assert.equal(formatWithInterval({ median: 12345, low: 11945, high: 12745 }), '12,300 (11,900–12,800)');
    // Bounds round outwards: the printed interval holds the computed one.
    assert.equal(formatWithInterval({ median: 47472, low: 47360, high: 58032 }), '47,000 (47,000–59,000)');
    assert.equal(formatWithInterval({ median: 59.8, low: 59.5, high: 60.1 }), '59.8 (59.5–60.1)');
    assert.equal(formatWithInterval({ median: 0.412, low: 0.362, high: 0.462 }), '0.41 (0.36–0.47)');
    assert.equal(formatWithInterval({ median: 1002.5, low: 980, high: 1020 }), '1,003 (980–1,020)');
    assert.equal(formatWithInterval({ median: 1500, low: 1500, high: 1500 }), '1,500 (1,500–1,500)');
    assert.equal(formatWithInterval({ median: 12345.6, low: 12345.6, high: 12345.6 }), '12,346 (12,346–12,346)');
    assert.equal(formatWithInterval({ median: 1, low: 0.94, high: 1.0625 }, '×'), '1.00× (0.94–1.07)');
    assert.equal(formatWithInterval({ median: 2.5, low: 2.5, high: 2.5 }), '2.50 (2.50–2.50)');
    assert.equal(formatWithInterval({ median: NaN, low: NaN, high: NaN }), '—');
  });
});
