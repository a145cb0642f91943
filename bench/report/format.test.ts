import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count, duration, mib, num, pct, ratio, signed, spreadText } from './format.ts';

describe('report number formats', () => {
  it('figures at about three significant digits', () => {
    assert.deepEqual([159515, 568.4, 59.84, 2.555, 0.4123, 0, -12.34].map(num), [
      '159,515',
      '568',
      '59.8',
      '2.56',
      '0.412',
      '0',
      '-12.3',
    ]);
    assert.equal(num(undefined), '—');
    assert.equal(num(NaN), '—');
  });
  it('ratios with two decimals, small ones with two significant digits', () => {
    assert.deepEqual([2.5, 26.1729, 0.539, 0.00731].map(ratio), ['2.50×', '26.17×', '0.54×', '0.0073×']);
    assert.equal(ratio(Infinity), '—');
  });
  it('counts, signed differences, percentages, spreads, sizes and durations', () => {
    assert.equal(count(1196), '1,196');
    assert.equal(count(9), '9');
    assert.deepEqual([20, -2.5, 0].map(signed), ['+20.0', '−2.50', '0']);
    assert.equal(pct(0.0123, 2), '1.23%');
    assert.equal(pct(0), '0%');
    assert.equal(spreadText(0.2), '20.0%');
    assert.equal(mib(64 * 2 ** 20), '64.0');
    assert.deepEqual([42, 200, 10_350].map(duration), ['42 s', '3 min 20 s', '2 h 52 min']);
  });
});
