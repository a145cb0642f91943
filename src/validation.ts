/**
 * The value rules of docs/contract.md as zod schemas over text (query strings, form fields,
 * path parameters), and the one place where zod's issues become the contract's issues.
 */
import { z } from 'zod';
import { tryDecode } from 'hono/utils/url';
import { type Issue, validationFailed } from './errors.ts';
import { compiled } from './compiled.ts';

const INT = /^-?[0-9]+$/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const SURROGATE = /[\uD800-\uDBFF]/;
const HIGH_SURROGATE = /[\uD800-\uDBFF]/g;

/** Length in Unicode code points, the unit every target counts in (one test, no match array, for text without any). */
export const codePoints = (s: string): number =>
  SURROGATE.test(s) ? s.length - (s.match(HIGH_SURROGATE)?.length ?? 0) : s.length;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `^[0-9]{4}-[0-9]{2}-[0-9]{2}$` and a real Gregorian date, read digit by digit (no match array, no table per call). */
export const isCalendarDate = (s: string): boolean => {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  let year = 0, month = 0, day = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (i < 4) year = year * 10 + d;
    else if (i < 7) month = month * 10 + d;
    else day = day * 10 + d;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month - 1]!);
};

type RawIssue = z.core.$ZodRawIssue;

/**
 * A rule over text as one zod step: z.string()'s issue for anything but a string, else `read`, which
 * gives the value or pushes its issue and gives z.NEVER. The rules below have the issues (paths and
 * messages) of the zod chains their comments name, which would run two or three schemas in a row
 * (z.string(), then a refine, regex or enum, then a transform): every parameter of every request
 * would pay each of them a call, a payload or a pipe step, and the check loop.
 */
const fromText = <T>(read: (s: string, issues: RawIssue[]) => T) =>
  // Typed as taking a string, what it is for (a pipe into it checks that); it still checks at run time.
  z.transform<string, T>((input, payload) => {
    if (typeof input === 'string') return read(input, payload.issues);
    payload.issues.push({ code: 'invalid_type', expected: 'string', input });
    return z.NEVER;
  });

/** A string of min…max code points: `z.string().refine(…, { message: 'expected min…max characters' })`. */
export const text = (min = 0, max = Number.MAX_SAFE_INTEGER) => {
  const message = `expected ${min}…${max} characters`;
  return fromText((s, issues) => {
    const n = codePoints(s);
    if (n >= min && n <= max) return s;
    issues.push({ code: 'custom', input: s, message });
    return z.NEVER;
  });
};

/** z.string().regex(pattern, message)'s issue for `s`, which does not match. */
function mismatch(pattern: RegExp, message: string, s: string, issues: RawIssue[]): typeof z.NEVER {
  issues.push({ code: 'invalid_format', format: 'regex', pattern: pattern.toString(), input: s, message });
  return z.NEVER;
}

/** A string matching `pattern`: `z.string().regex(pattern, message)`. */
export const matching = (pattern: RegExp, message: string) =>
  fromText((s, issues) => (pattern.test(s) ? s : mismatch(pattern, message, s, issues)));

/**
 * Text matching `pattern`, converted by `Number`, within min…max: the issues of
 * `z.string().regex(pattern, message).transform(Number).pipe(z.number().min(min).max(max))` (a
 * mismatch, then a non-finite number, then a bound).
 */
const numeric = (pattern: RegExp, message: string, min: number, max: number) =>
  fromText((s, issues) => {
    if (!pattern.test(s)) return mismatch(pattern, message, s, issues);
    const n = Number(s);
    if (!Number.isFinite(n)) issues.push({ code: 'invalid_type', expected: 'number', input: n });
    else if (n < min) issues.push({ code: 'too_small', origin: 'number', minimum: min, inclusive: true, input: n });
    else if (n > max) issues.push({ code: 'too_big', origin: 'number', maximum: max, inclusive: true, input: n });
    else return n;
    return z.NEVER;
  });

export const intText = (min = -2147483648, max = 2147483647) => numeric(INT, 'expected an integer', min, max);

export const numberText = (min: number, max: number) => numeric(NUMBER, 'expected a number', min, max);

const BOOLEANS = ['true', 'false'];

/** 'true' or 'false' as a boolean: `z.enum(['true', 'false'], 'expected true or false').transform((v) => v === 'true')`. */
export const boolText = z.transform<string, boolean>((input, payload) => {
  if (input === 'true') return true;
  if (input === 'false') return false;
  payload.issues.push({ code: 'invalid_value', values: BOOLEANS, input, message: 'expected true or false' });
  return z.NEVER;
});

/** A real date, YYYY-MM-DD: `z.string().refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD' })`. */
export const dateText = fromText((s, issues) => {
  if (isCalendarDate(s)) return s;
  issues.push({ code: 'custom', input: s, message: 'expected a calendar date YYYY-MM-DD' });
  return z.NEVER;
});

/** Decimal digits, no sign: `z.string().regex(/^[0-9]+$/, 'expected decimal digits')`. */
export const digits = matching(/^[0-9]+$/, 'expected decimal digits');

/** A record's id in a path (mixed's user, db's item): digits, then an integer of 1…2³¹−1. */
export const pathId = compiled(digits.pipe(intText(1, 2147483647)));

/** A parameter: one value, or every occurrence of a repeated key. */
export interface Param<T extends z.ZodType = z.ZodType> {
  list: boolean;
  schema: T;
}
export const one = <T extends z.ZodType>(schema: T): Param<T> => ({ list: false, schema });
export const many = <T extends z.ZodType>(element: T, max: number): Param<z.ZodArray<T>> => ({
  list: true,
  schema: z.array(element).max(max, `at most ${max} values`),
});

/** Turns zod's issues into the contract's, under an optional path prefix. */
const toIssues = (error: z.ZodError, prefix: (string | number)[] = []): Issue[] =>
  error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }));

/** Parses `input` with `schema`; on failure, adds its issues to `issues` and returns undefined. */
export function check<T extends z.ZodType>(
  schema: T,
  input: unknown,
  issues: Issue[],
  prefix: (string | number)[] = [],
): z.output<T> | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  issues.push(...toIssues(result.error, prefix));
  return undefined;
}

/** Throws the 422 if anything was collected. */
export function assertValid(issues: Issue[]): void {
  if (issues.length > 0) throw validationFailed(issues);
}

type ParamsOutput<S extends Record<string, Param>> = { [K in keyof S]: z.output<S[K]['schema']> };

/** The pairs of a query string or form, in order: `pairs(visit)` calls `visit(name, value)` for each. */
export type Pairs = (visit: (name: string, value: string) => void) => void;

/**
 * Builds a parser for a set of named parameters read from pairs (query string or form): scalars
 * given twice are rejected, lists take every occurrence, unknown names are ignored. Each pair is
 * written straight into the object zod validates, which starts with every declared key (so it has
 * the same shape on every request, and a scalar that is absent is there as undefined).
 */
export function params<S extends Record<string, Param>>(shape: S) {
  const keys = Object.keys(shape);
  const schema = compiled(z.object(Object.fromEntries(keys.map((k) => [k, (shape[k] as Param).schema]))));
  const lists = keys.map((k) => (shape[k] as Param).list);
  // A name read from the request is a new string: as a property key it would be looked up in V8's
  // string table on every read and write, so each finds its slot by one Map look-up instead.
  const slots = new Map(keys.map((k, i) => [k, i]));
  const blank: Record<string, unknown> = Object.fromEntries(keys.map((k) => [k, undefined]));
  return function parseParams(pairs: Pairs, issues: Issue[]) {
    const values: (string | string[] | undefined)[] = new Array(keys.length);
    let repeated: boolean[] | undefined;
    pairs((name, value) => {
      const slot = slots.get(name);
      if (slot === undefined) return;
      const seen = values[slot];
      if (seen === undefined) values[slot] = lists[slot] ? [value] : value;
      else if (lists[slot]) (seen as string[]).push(value);
      else (repeated ??= [])[slot] = true;
    });
    if (repeated) {
      for (let i = 0; i < keys.length; i++) {
        if (repeated[i]) issues.push({ path: [keys[i]!], message: 'expected a single value' });
      }
      return undefined;
    }
    // Every declared key, always in the same order: one object shape for zod on every request.
    const input = { ...blank };
    for (let i = 0; i < keys.length; i++) input[keys[i]!] = values[i] ?? (lists[i] ? [] : undefined);
    return check(schema, input, issues) as ParamsOutput<S> | undefined;
  };
}

/** The pairs of URLSearchParams (form bodies). */
export const fromSearchParams = (sp: URLSearchParams): Pairs => (visit) =>
  sp.forEach((value, name) => visit(name, value));

const PLUS = /\+/g;

/** A query-string name or value: `+` is a space, then percent-decoding as Hono does it (tryDecode). */
const decodeQueryText = (s: string): string => {
  if (s.indexOf('+') !== -1) s = s.replace(PLUS, ' ');
  return s.indexOf('%') === -1 ? s : tryDecode(s, decodeURIComponent);
};

/** Where `char` next occurs in `url` at or after `from`, or `end` when it does not before `end`. */
const next = (url: string, char: string, from: number, end: number): number => {
  const i = url.indexOf(char, from);
  return i === -1 || i > end ? end : i;
};

/**
 * The pairs of a URL's query string (`c.req.url`), read with the rules of `c.req.queries()` —
 * pairs split at `&`, the name before the first `=`, a pair without `=` has the value "", an empty
 * name is skipped, nothing from the first `#` on counts. The string is searched (indexOf) rather
 * than walked a character at a time, and only the names and values holding a `%` or `+` are decoded
 * (Hono decodes every one of them once any part of the URL has one). The next `=`, `%` and `+` are
 * remembered until passed, so each is searched for once: linear even in a query of many pairs without `=`.
 */
export const fromQuery = (url: string): Pairs => (visit) => {
  const hash = url.indexOf('#', 8);
  const end = hash === -1 ? url.length : hash;
  const query = url.indexOf('?', 8);
  if (query === -1 || query >= end) return;
  let eq = -1, percent = -1, plus = -1;
  for (let start = query + 1; start < end;) {
    const amp = next(url, '&', start, end);
    if (amp > start) {
      if (eq < start) eq = next(url, '=', start, end);
      if (percent < start) percent = next(url, '%', start, end);
      if (plus < start) plus = next(url, '+', start, end);
      const split = eq < amp ? eq : amp;
      let name = url.slice(start, split);
      if (percent < split || plus < split) name = decodeQueryText(name);
      if (name !== '') {
        let value = '';
        if (split < amp) {
          value = url.slice(split + 1, amp);
          if (percent < split) percent = next(url, '%', split, end);
          if (plus < split) plus = next(url, '+', split, end);
          if (percent < amp || plus < amp) value = decodeQueryText(value);
        }
        visit(name, value);
      }
    }
    start = amp + 1;
  }
};
