import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codePoints, isCalendarDate } from './validation.ts';

describe('isCalendarDate', () => {
  it('accepts real Gregorian dates', () => {
    for (const d of ['2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2025-04-30']) {
      assert.ok(isCalendarDate(d), d);
    }
  });
  it('rejects impossible dates and other shapes', () => {
    for (
      const d of [
        '2025-02-29',
        '1900-02-29',
        '2025-04-31',
        '2025-00-10',
        '2025-13-01',
        '0000-01-01',
        '2025-1-01',
        '20250101',
        '2025-01-01T00:00',
        '',
      ]
    ) {
      assert.ok(!isCalendarDate(d), d);
    }
  });
});

describe('codePoints', () => {
  it('counts code points, not UTF-16 units', () => {
    assert.equal(codePoints('abc'), 3);
    assert.equal(codePoints('café'), 4);
    assert.equal(codePoints('🚀🚀'), 2);
    assert.equal(codePoints(''), 0);
  });
});
