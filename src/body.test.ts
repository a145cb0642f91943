import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { z } from 'zod';
import { bodies, streamChunks } from './body.ts';
import type { AppDeps, BodyHeaders, ReadBody } from './deps.ts';
import { ApiError, errorResponse } from './errors.ts';
import { JSON_LIMIT } from '../contract/limits.ts';

/**
 * A runtime's own reads, as an entry gives them (runtimes/node-body.ts), made here over `c.req`:
 * the headers read at once, the body handed on chunk by chunk from its stream. Each counts its calls.
 */
function ownReads() {
  const calls = { headers: 0, body: 0 };
  const bodyHeaders = (c: Parameters<ReadBody>[0]): BodyHeaders => {
    calls.headers++;
    const headers = c.req.raw.headers;
    return {
      contentType: headers.get('content-type') ?? undefined,
      contentLength: headers.has('transfer-encoding') ? undefined : headers.get('content-length') ?? undefined,
    };
  };
  const readBody: ReadBody = (c, onChunk) => {
    if (!c.req.raw.body) return undefined;
    calls.body++;
    return streamChunks(c, onChunk);
  };
  return { calls, deps: { bodyHeaders, readBody } satisfies Pick<AppDeps, 'bodyHeaders' | 'readBody'> };
}

const through = {
  'c.req': () => ({ calls: undefined, deps: {} }),
  "the runtime's own reads": ownReads,
};

for (const [name, make] of Object.entries(through)) {
  describe(`bodies through ${name}: the guard, the read, the parse and the schema`, () => {
    const { calls, deps } = make();
    const body = bodies(deps);
    const app = new Hono();
    app.post('/read', (c) => body.json(c).then((value) => c.json({ value })));
    const valid = body.validator(z.object({ n: z.number() }));
    app.post('/valid', (c) => valid(c).then((value) => c.json(value)));
    app.post('/form', (c) => body.form(c).then((form) => c.json([...form])));
    app.post('/upload', (c) => c.json(body.check(c, 'multipart/form-data', 10)));
    app.onError((err) => err instanceof ApiError ? errorResponse(err) : new Response('unexpected', { status: 500 }));
    const post = async (path: string, body: BodyInit, headers: Record<string, string> = {}) => {
      const res = await app.request(path, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
      return [res.status, await res.json().catch(() => undefined)] as [
        number,
        { error?: { code: string } } | undefined,
      ];
    };
    const code = ([status, body]: [number, { error?: { code: string } } | undefined]) => [status, body?.error?.code];
    /** A body whose stream fails before its end (a client gone mid-body). */
    const failing = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"n":'));
          controller.error(new Error('the client went away'));
        },
      });
    /** A chunked body (no Content-Length) of `pieces` × `size` bytes of JSON whitespace, then `{}`. */
    const chunked = (pieces: number, size: number) => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < pieces) controller.enqueue(new TextEncoder().encode(' '.repeat(size)));
          else {
            controller.enqueue(new TextEncoder().encode('{}'));
            controller.close();
          }
        },
      });
    };

    it('answers the value, the 400 for a body that is not JSON, and the 422 for one that does not match', async () => {
      assert.deepEqual(await post('/read', '[1,{"a":null}]'), [200, { value: [1, { a: null }] }]);
      assert.deepEqual(await post('/valid', '{"n":2}'), [200, { n: 2 }]);
      assert.deepEqual(await post('/read', '"\u00e9t\u00e9 \u{1F600}"'), [200, { value: '\u00e9t\u00e9 \u{1F600}' }]);
      assert.deepEqual(code(await post('/read', '{"n":')), [400, 'invalid_body']);
      assert.deepEqual(code(await post('/valid', '{"n":')), [400, 'invalid_body']);
      assert.deepEqual(code(await post('/valid', '{"n":"2"}')), [422, 'validation_failed']);
    });

    it('reads a urlencoded form, and answers 415 for any other media type, before reading', async () => {
      const form = { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8' };
      assert.deepEqual(await post('/form', 'a=1&b=x+y&a=%C3%A9', form), [200, [['a', '1'], ['b', 'x y'], [
        'a',
        '\u00e9',
      ]]]);
      assert.deepEqual(code(await post('/form', 'a=1')), [415, 'unsupported_media_type']);
      assert.deepEqual(code(await post('/read', '{}', { 'content-type': 'text/plain' })), [
        415,
        'unsupported_media_type',
      ]);
      assert.deepEqual(code(await post('/read', failing(), { 'content-type': 'text/plain' })), [
        415,
        'unsupported_media_type',
      ]);
    });

    it('answers the 413 from a Content-Length over the limit, and for a chunked body once it passes the limit', async () => {
      assert.deepEqual(code(await post('/read', '{}', { 'content-length': String(JSON_LIMIT + 1) })), [
        413,
        'too_large',
      ]);
      assert.deepEqual(code(await post('/read', chunked(64, 16 * 1024))), [413, 'too_large']);
      assert.deepEqual(await post('/read', chunked(8, 16 * 1024)), [200, { value: {} }]);
    });

    it('answers the 400 when the body cannot be read to its end', async () => {
      for (const path of ['/read', '/valid']) {
        assert.deepEqual(code(await post(path, failing(), { 'content-length': '20' })), [400, 'invalid_body'], path);
        assert.deepEqual(code(await post(path, failing())), [400, 'invalid_body'], path);
      }
    });

    it("gives the guard's Content-Type as sent and the declared length (none when chunked)", async () => {
      const type = 'multipart/form-data; boundary=x';
      assert.deepEqual(await post('/upload', 'abc', { 'content-type': type, 'content-length': '3' }), [200, {
        contentType: type,
        length: 3,
      }]);
      assert.deepEqual(await post('/upload', chunked(0, 0), { 'content-type': type }), [200, { contentType: type }]);
      assert.deepEqual(code(await post('/upload', '12345678901', { 'content-type': type, 'content-length': '11' })), [
        413,
        'too_large',
      ]);
    });

    if (calls) {
      it("reads through the runtime's own reads, once per request", () => {
        assert.ok(calls.headers > 0 && calls.body > 0, JSON.stringify(calls));
      });
    }
  });
}
