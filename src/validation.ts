/**
 * The value rules of docs/contract.md as zod schemas over text (query strings, form fields,
 * path parameters), and the one place where zod's issues become the contract's issues.
 */
import { z } from 'zod';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, type Issue, validationFailed } from './errors.ts';
import { JSON_LIMIT } from '../contract/limits.ts';

const INT = /^-?[0-9]+$/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const HIGH_SURROGATE = /[\uD800-\uDBFF]/g;

/** Length in Unicode code points, the unit every target counts in. */
export const codePoints = (s: string): number => s.length - (s.match(HIGH_SURROGATE)?.length ?? 0);

export const isCalendarDate = (s: string): boolean => {
  const m = DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
};

/** A string of min…max code points. */
export const text = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.string().refine((s) => {
    const n = codePoints(s);
    return n >= min && n <= max;
  }, { message: `expected ${min}…${max} characters` });

export const matching = (pattern: RegExp, message: string) => z.string().regex(pattern, message);

export const intText = (min = -2147483648, max = 2147483647) =>
  z.string().regex(INT, 'expected an integer').transform(Number).pipe(z.number().min(min).max(max));

export const numberText = (min: number, max: number) =>
  z.string().regex(NUMBER, 'expected a number').transform(Number).pipe(z.number().min(min).max(max));

export const boolText = z.enum(['true', 'false'], 'expected true or false').transform((v) => v === 'true');

export const dateText = z.string().refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD' });

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

/**
 * Builds a parser for a set of named parameters read from a multi-map (query string or form):
 * scalars given twice are rejected, lists take every occurrence, unknown keys are ignored.
 */
export function params<S extends Record<string, Param>>(shape: S) {
  const keys = Object.keys(shape);
  const schema = z.object(Object.fromEntries(keys.map((k) => [k, (shape[k] as Param).schema])));
  return function parseParams(all: (key: string) => string[] | undefined, issues: Issue[]) {
    const input: Record<string, unknown> = {};
    const before = issues.length;
    for (const key of keys) {
      const values = all(key);
      if ((shape[key] as Param).list) input[key] = values ?? [];
      else if (values && values.length > 1) issues.push({ path: [key], message: 'expected a single value' });
      else input[key] = values?.[0];
    }
    if (issues.length > before) return undefined;
    return check(schema, input, issues) as ParamsOutput<S> | undefined;
  };
}

/** The multi-map view of URLSearchParams (form bodies). */
export const fromSearchParams = (sp: URLSearchParams) => (key: string): string[] | undefined => {
  const values = sp.getAll(key);
  return values.length > 0 ? values : undefined;
};

/** The multi-map view of Hono's query (`c.req.queries()`). */
export const fromQueries = (q: Record<string, string[]>) => (key: string): string[] | undefined => q[key];

const mediaType = (c: Context): string => (c.req.header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();

/**
 * The guard of a body endpoint, in the contract's order: media type (415), then size (413) — from
 * Content-Length before reading, or while reading a chunked body, never buffering past the limit.
 * Handlers call it (through `readText`/`readJson`) before anything else, rather than as a route
 * middleware: a route with one handler skips Hono's middleware composition on every request.
 * Returns a promise only when it had to read a chunked body through the limit.
 */
function acceptBody(c: Context, type: string, maxBytes: number): Promise<unknown> | undefined {
  if (mediaType(c) !== type) {
    throw new ApiError('unsupported_media_type', `expected Content-Type ${type}`);
  }
  // With a Content-Length the header decides, as in bodyLimit, but without touching the body
  // stream first (on Node that would build a full Request for every POST).
  const length = c.req.header('content-length');
  if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
    if (Number(length) > maxBytes) throw tooLarge(maxBytes);
    return undefined;
  }
  // Chunked: Hono's bodyLimit reads it through the limit and swaps in the buffered copy.
  return bodyLimit({ maxSize: maxBytes, onError: () => Promise.reject(tooLarge(maxBytes)) })(
    c,
    () => Promise.resolve(),
  );
}

const tooLarge = (maxBytes: number) => new ApiError('too_large', `body exceeds ${maxBytes} bytes`);

/** The guard as a route middleware, for a handler that reads its body itself (multipart). */
export const body = (type: string, maxBytes: number): MiddlewareHandler => async (c, next) => {
  await acceptBody(c, type, maxBytes);
  await next();
};

/** The body as text, after the guard for `type` and `maxBytes`. */
export async function readText(c: Context, type: string, maxBytes: number): Promise<string> {
  await acceptBody(c, type, maxBytes);
  return c.req.text();
}

/** A urlencoded form body (`application/x-www-form-urlencoded`, at most JSON_LIMIT), after the guard. */
export const readForm = async (c: Context): Promise<URLSearchParams> =>
  new URLSearchParams(await readText(c, 'application/x-www-form-urlencoded', JSON_LIMIT));

/** The request's JSON (`application/json`, at most JSON_LIMIT), after the guard; a syntax error is the contract's 400. */
export async function readJson(c: Context): Promise<unknown> {
  const pending = acceptBody(c, 'application/json', JSON_LIMIT);
  if (pending) await pending;
  try {
    return await c.req.json();
  } catch {
    throw new ApiError('invalid_body', 'malformed JSON');
  }
}

/** Validates a JSON body against a schema (422 with the JSON paths of the failures). */
export async function validJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const issues: Issue[] = [];
  const value = check(schema, await readJson(c), issues);
  assertValid(issues);
  return value as z.output<T>;
}
