/**
 * The node target's own reads of a request (AppDeps.readBody, AppDeps.bodyHeaders), from the
 * IncomingMessage that @hono/node-server passes as `c.env.incoming`.
 *
 * The body: its chunks handed on as Node reads them off the socket. node-server's `text()` and
 * `arrayBuffer()` collect the same chunks (its `arrayBuffer()` then copies them into an ArrayBuffer
 * of its own), and its `request.body` first builds a WHATWG Request and a web stream over the Node stream.
 *
 * The headers: one pass over `rawHeaders` for the three a body's guard needs. node-server's
 * `headers.get` gives the same values (WHATWG semantics: a repeated field's values joined by ", ")
 * but validates and lower-cases the name and scans the raw headers again on every call: three
 * calls cost about 4,800 instructions per request (callgrind, POST /json/small), the pass a tenth of that.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { BodyHeaders, ReadBody } from '../src/deps.ts';

const incomingOf = (c: Context) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

export const readIncoming: ReadBody = (c, onChunk) => {
  const incoming = incomingOf(c);
  // Not from node-server, or read already: `c.req` answers (and says why it cannot, if so).
  if (!incoming || incoming.readableDidRead) return undefined;
  return new Promise<void>((resolve, reject) => {
    const stop = () => incoming.off('data', data).off('end', end).off('error', fail).off('close', gone);
    const end = () => {
      stop();
      resolve();
    };
    const fail = (err: unknown) => {
      stop();
      reject(err);
    };
    const gone = () => fail(incoming.errored ?? new Error('the client went away before the end of the body'));
    const data = (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (err) {
        // What is still to come is node-server's to drop once the response is sent.
        incoming.pause();
        fail(err);
      }
    };
    if (incoming.destroyed) return gone();
    incoming.on('data', data).on('end', end).on('error', fail).on('close', gone);
  });
};

/** `value` joined to what was already read of a repeated field, as Headers.get joins them. */
const joined = (seen: string | undefined, value: string) => (seen === undefined ? value : `${seen}, ${value}`);

/**
 * The body headers from `rawHeaders` as sent (llhttp has taken the whitespace around each value off
 * already), or undefined when the request did not come through node-server.
 */
export function incomingBodyHeaders(c: Context): BodyHeaders | undefined {
  const incoming = incomingOf(c);
  if (!incoming) return undefined;
  const raw = incoming.rawHeaders;
  let contentType: string | undefined, contentLength: string | undefined, chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    // Only a name of the length of one of the three is compared, and lower-cased only then.
    const name = raw[i]!;
    if (name.length === 12) {
      if (name.toLowerCase() === 'content-type') contentType = joined(contentType, raw[i + 1]!);
    } else if (name.length === 14) {
      if (name.toLowerCase() === 'content-length') contentLength = joined(contentLength, raw[i + 1]!);
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') chunked = true;
  }
  return { contentType, contentLength: chunked ? undefined : contentLength };
}

/** The node entry's reads, as it gives them to the app (and bench:micro's node-server transport to its handlers). */
export const nodeReads = { readBody: readIncoming, bodyHeaders: incomingBodyHeaders } as const;
