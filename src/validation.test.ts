import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  boolText,
  codePoints,
  dateText,
  fromQuery,
  intText,
  isCalendarDate,
  matching,
  numberText,
  text,
} from './validation.ts';

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

describe('isCalendarDate, digit by digit', () => {
  it('rejects anything but ASCII digits and hyphens in place', () => {
    for (
      const d of [
        '2025-01-0a',
        '2025/01/01',
        ' 2025-01-1',
        '2025-01-01\n',
        '２０２５-01-01',
        '2025-0１-01',
        '-025-01-01',
      ]
    ) {
      assert.ok(!isCalendarDate(d), JSON.stringify(d));
    }
  });
});

describe('codePoints with lone surrogates', () => {
  it('counts a lone high surrogate as before (length minus high surrogates)', () => {
    assert.equal(codePoints('a\uD800'), 1);
    assert.equal(codePoints('\uD800\uD800'), 0);
  });
});

/** A schema's value, or its issues as the contract shows them (path and message). */
const issues = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? { value: r.data } : { issues: r.error.issues.map((i) => ({ path: i.path, message: i.message })) };
};

describe('intText and numberText', () => {
  // The chain they replace: its issues (paths and messages) are the contract's.
  const chain = (pattern: RegExp, message: string, min: number, max: number) =>
    z.string().regex(pattern, message).transform(Number).pipe(z.number().min(min).max(max));
  const inputs = [
    '0',
    '1',
    '-1',
    '100',
    '101',
    '01',
    '1.5',
    '1.',
    '',
    ' 1',
    'abc',
    '1e3',
    '9'.repeat(400),
    `-${'9'.repeat(400)}`,
    `${'9'.repeat(400)}.5`,
    '-0',
    '2147483648',
    undefined,
    5,
    null,
  ];
  it('give the value or the issues of regex → Number → min/max', () => {
    for (const input of inputs) {
      assert.deepEqual(
        issues(intText(1, 100), input),
        issues(chain(/^-?[0-9]+$/, 'expected an integer', 1, 100), input),
        String(input),
      );
      assert.deepEqual(
        issues(numberText(0, 100), input),
        issues(chain(/^-?[0-9]+(\.[0-9]+)?$/, 'expected a number', 0, 100), input),
        String(input),
      );
    }
  });
});

describe('text, matching, boolText and dateText', () => {
  // The chains they replace, whose issues (paths and messages) are the contract's: alone, and as
  // the parameters use them (nullable with a default, in a list with a cap, piped, in an object).
  const rules: [string, z.ZodType<unknown, string>, z.ZodType<unknown, string>][] = [
    [
      'text',
      text(2, 4),
      z.string().refine((s) => codePoints(s) >= 2 && codePoints(s) <= 4, { message: 'expected 2…4 characters' }),
    ],
    [
      'matching',
      matching(/^[a-z]{2}$/, 'expected two letters'),
      z.string().regex(/^[a-z]{2}$/, 'expected two letters'),
    ],
    ['boolText', boolText, z.enum(['true', 'false'], 'expected true or false').transform((v) => v === 'true')],
    [
      'dateText',
      dateText,
      z.string().refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD' }),
    ],
  ];
  const uses = (rule: z.ZodType<unknown, string>) => [
    rule,
    z.object({ p: rule.nullable().default(null) }),
    z.object({ p: z.array(rule).max(2, 'at most 2 values') }),
    z.object({ p: rule.pipe(z.unknown()), q: text(1, 9).pipe(rule) }),
  ];
  const inputs = [
    'ab',
    'abc',
    'true',
    'false',
    'True',
    '',
    'a',
    'abcde',
    '🚀🚀',
    '2024-02-29',
    '2025-02-29',
    ' true',
    undefined,
    null,
    5,
    true,
    [],
  ];
  it('give the value or the issues of the chains they replace, wherever they are used', () => {
    for (const [name, rule, chain] of rules) {
      const [ours, theirs] = [uses(rule), uses(chain)];
      for (const input of inputs) {
        for (let i = 0; i < ours.length; i++) {
          for (const value of [input, { p: input, q: input }, { p: [input, 'ab'] }, { p: [input, input, input] }]) {
            assert.deepEqual(
              issues(ours[i]!, value),
              issues(theirs[i]!, value),
              `${name} use ${i}: ${JSON.stringify(value)}`,
            );
          }
        }
      }
    }
  });
});

describe('fromQuery', () => {
  /** Every value of each of `keys`, in order (undefined for a key without any), as c.req.queries() gives them. */
  const all = (url: string, keys: string[]) => {
    const values = new Map<string, string[]>();
    fromQuery(url)((name, value) => values.set(name, [...values.get(name) ?? [], value]));
    return Object.fromEntries(keys.map((k) => [k, values.get(k)]));
  };
  it('keeps every value of a key in order, decodes % and + only in query text, skips empty names', () => {
    assert.deepEqual(all('http://h/p%20q?a=1&b=x+y&a=2&&=z&c&d=%E2%9C%93%2B', ['a', 'b', 'c', 'd', '']), {
      a: ['1', '2'],
      b: ['x y'],
      c: [''],
      d: ['✓+'],
      '': undefined,
    });
  });
  it('decodes names, splits at the first =, stops at #, and leaves a malformed escape as it is', () => {
    assert.deepEqual(all('http://h/?p%61ge=a=b&q=%ZZ%41&r=1#s=2&r=3', ['page', 'q', 'r', 's']), {
      page: ['a=b'],
      q: ['%ZZA'],
      r: ['1'],
      s: undefined,
    });
    assert.equal(all('http://h/x#?a=1', ['a']).a, undefined);
    assert.equal(all('http://h/x', ['a']).a, undefined);
  });
  it('reads what c.req.queries() reads', async () => {
    const { Hono } = await import('hono');
    const app = new Hono();
    const keys = ['q', 'page', 'tag', 'x y', 'é'];
    app.get('/q', (c) => c.json([all(c.req.url, keys), Object.fromEntries(keys.map((k) => [k, c.req.queries()[k]]))]));
    for (
      const qs of [
        'q=a+b&page=2&tag=x&tag=%F0%9F%9A%80',
        'x+y=1&%C3%A9=2&q',
        'q=%E2%9C&page=%ZZ',
        'tag=a&&tag=&tag',
        'p%61ge=1&page=%32&q==a=&x+y+=%2B+&%=%25&=&tag=+&+=%20#tag=z',
      ]
    ) {
      const [ours, hono] = await (await app.request(`http://h/q?${qs}`)).json();
      assert.deepEqual(ours, JSON.parse(JSON.stringify(hono)), qs);
    }
  });
  it('reads what c.req.queries() reads in 500 generated query strings', async () => {
    const { Hono } = await import('hono');
    const app = new Hono();
    app.get('/q', (c) => {
      const ours = new Map<string, string[]>();
      fromQuery(c.req.url)((name, value) => ours.set(name, [...ours.get(name) ?? [], value]));
      return c.json([Object.fromEntries(ours), c.req.queries()]);
    });
    // Pieces that make pairs, names and values of every kind: empty, without `=`, with several `=`,
    // escaped, malformed escapes, `+`, a fragment; drawn by a fixed linear congruential sequence.
    const pieces = [
      'a',
      'b',
      'tag',
      '=',
      '=',
      '&',
      '&',
      '+',
      '%20',
      '%C3%A9',
      '%2B',
      '%26',
      '%3D',
      '%',
      '%Z',
      '%C3',
      '#',
    ];
    let seed = 14;
    const draw = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % pieces.length;
    for (let n = 0; n < 500; n++) {
      let qs = '';
      for (let i = 1 + (n % 12); i > 0; i--) qs += pieces[draw()];
      const [ours, hono] = await (await app.request(`http://h/q?${qs}`)).json();
      assert.deepEqual(ours, hono, qs);
    }
  });
});
