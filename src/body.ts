/**
 * The body endpoints' guard and reads, in the contract's order (docs/contract.md): media type
 * (415), then size (413), then the read and parse (400), then the schema (422). Each family builds
 * its readers from its deps once (`bodies(deps)`): where the runtime's entry gives reads of its own
 * (AppDeps.bodyHeaders, AppDeps.readBody) they are used, else `c.req`'s.
 */
import type { z } from 'zod';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { JSON_LIMIT } from '../contract/limits.ts';
import type { AppDeps, BodyHeaders } from './deps.ts';
import { ApiError, type Issue } from './errors.ts';
import { textOf } from './bytes.ts';
import { assertValid, check } from './validation.ts';

export const tooLarge = (maxBytes: number): ApiError => new ApiError('too_large', `body exceeds ${maxBytes} bytes`);

const malformedJson = (): never => {
  throw new ApiError('invalid_body', 'malformed JSON');
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return malformedJson();
  }
}

/** The Content-Length through `c.req`: Transfer-Encoding is read only where a Content-Length makes it matter. */
function requestLength(c: Context): string | undefined {
  const length = c.req.header('content-length');
  return length === undefined || c.req.header('transfer-encoding') !== undefined ? undefined : length;
}

/** The body headers through `c.req`, when the runtime gives no read of its own. */
const requestHeaders = (c: Context): BodyHeaders => ({
  contentType: c.req.header('content-type'),
  contentLength: requestLength(c),
});

/** The Content-Type's media type, lower-cased, without its parameters ('' when there is none). */
function mediaType(value: string | undefined): string {
  if (value === undefined) return '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** The guard's 415 and 413; the declared length, or undefined when the body is chunked. */
function declared(type: string, maxBytes: number, headers: BodyHeaders): number | undefined {
  mediaTypeIs(type, headers.contentType);
  return withinLimit(maxBytes, headers.contentLength);
}

/** The 415 unless the Content-Type's media type is `type`. */
function mediaTypeIs(type: string, contentType: string | undefined): void {
  if (mediaType(contentType) !== type) throw new ApiError('unsupported_media_type', `expected Content-Type ${type}`);
}

/** The 413 for a Content-Length over `maxBytes` (the header decides, as in bodyLimit, before the body is touched). */
function withinLimit(maxBytes: number, contentLength: string | undefined): number | undefined {
  if (contentLength === undefined) return undefined;
  const length = Number(contentLength);
  if (length > maxBytes) throw tooLarge(maxBytes);
  return length;
}

/** The body's chunks from `c.req`'s stream as they come; what `onChunk` throws cancels the stream and passes on. */
export async function streamChunks(c: Context, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  const reader = c.req.raw.body?.getReader();
  if (!reader) return;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    try {
      onChunk(r.value);
    } catch (err) {
      await reader.cancel();
      throw err;
    }
  }
}

/** What the guard found: the Content-Type as sent, and the declared length (undefined: chunked). */
export interface BodyHead {
  contentType: string;
  length: number | undefined;
}

export interface Bodies {
  /**
   * The guard: media type (415), then size (413) from a Content-Length, before anything is read.
   * Without a declared length (chunked) whoever reads the body must stop at `maxBytes` (413), never
   * buffering past it. Handlers call it first (directly, or through the reads below) rather than as
   * a route middleware: a route with one handler skips Hono's middleware composition on every request.
   */
  check(c: Context, type: string, maxBytes: number): BodyHead;
  /** A urlencoded form body (`application/x-www-form-urlencoded`, at most JSON_LIMIT), after the guard. */
  form(c: Context): Promise<URLSearchParams>;
  /** The request's JSON (`application/json`, at most JSON_LIMIT), after the guard; not JSON, or unreadable: 400. */
  json(c: Context): Promise<unknown>;
  /**
   * The read of a request's JSON validated against `schema` (422 with the JSON paths of the
   * failures), built once per route.
   */
  validator<T extends z.ZodType>(schema: T): (c: Context) => Promise<z.output<T>>;
}

export function bodies(deps: Pick<AppDeps, 'bodyHeaders' | 'readBody'>): Bodies {
  const { bodyHeaders, readBody } = deps;

  /**
   * The guard, then `use(text)` of the whole body. A body that could not be read is the 400; the
   * 413 of a chunked body over the limit, and what `use` throws, pass on as they are. A promise
   * chain, not an async function, with the read and `use` in one turn: on every body request. The
   * guard's 415 and 413 are thrown before any promise, which an awaiting handler turns into its
   * rejection all the same.
   */
  /** The guard's 415 and 413 for a body read whole; its declared length (undefined: chunked). */
  function guard(c: Context, type: string, maxBytes: number): number | undefined {
    const headers = bodyHeaders?.(c);
    if (headers) return declared(type, maxBytes, headers);
    // Through `c.req`, without an object for what it read: on every body request where the runtime gives no read.
    mediaTypeIs(type, c.req.header('content-type'));
    return withinLimit(maxBytes, requestLength(c));
  }

  function withText<T>(c: Context, type: string, use: (text: string) => T): Promise<T> {
    const length = guard(c, type, JSON_LIMIT);
    if (readBody) {
      // The runtime's own read: chunks as they arrive, counted against the limit (a chunked body too).
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reading = readBody(c, (chunk) => {
        size += chunk.byteLength;
        if (size > JSON_LIMIT) throw tooLarge(JSON_LIMIT);
        chunks.push(chunk);
      });
      if (reading) return reading.then(() => use(textOf(chunks)), unreadable);
    }
    if (length !== undefined) return c.req.text().then(use, unreadable);
    // Chunked through `c.req`: read through the limit first (Hono's bodyLimit, which swaps in the buffered copy).
    return bodyLimit({ maxSize: JSON_LIMIT, onError: () => Promise.reject(tooLarge(JSON_LIMIT)) })(
      c,
      () => Promise.resolve(),
    ).then(() => c.req.text().then(use, unreadable), unreadable);
  }

  return {
    check(c, type, maxBytes) {
      const headers = bodyHeaders?.(c) ?? requestHeaders(c);
      return { contentType: headers.contentType ?? '', length: declared(type, maxBytes, headers) };
    },
    form: (c) => withText(c, 'application/x-www-form-urlencoded', (text) => new URLSearchParams(text)),
    json: (c) => withText(c, 'application/json', parseJson),
    validator(schema) {
      // Read, parse and validate in the one turn: a malformed body is the 400 (read or parse), a mismatch the 422.
      const validate = (text: string) => {
        const issues: Issue[] = [];
        const value = check(schema, parseJson(text), issues);
        assertValid(issues);
        return value as z.output<typeof schema>;
      };
      return (c) => withText(c, 'application/json', validate);
    },
  };
}

/** A failed read: the 413 of a body over the limit passes on; anything else (a client gone mid-body) is the 400. */
const unreadable = (err: unknown): never => {
  if (err instanceof ApiError) throw err;
  throw new ApiError('invalid_body', 'the body could not be read to its end');
};
