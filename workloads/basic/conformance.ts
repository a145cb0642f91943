import assert from 'node:assert/strict';
import {
  assertError,
  assertJson,
  type Case,
  get,
  postJson,
  request,
  sendOversized,
} from '../../conformance/harness.ts';

const MiB = 1024 * 1024;

export const cases: Case[] = [
  ...['/plaintext', '/json'].map((path): Case => ({
    name: `GET ${path} carries Server, Date, Content-Type and Content-Length`,
    wire: true,
    async run(ctx) {
      const reply = await get(ctx, path);
      for (const header of ['server', 'date', 'content-type', 'content-length']) {
        assert.ok(reply.headers.get(header), `${header} header present`);
      }
      assert.equal(Number(reply.headers.get('content-length')), new TextEncoder().encode(reply.text).length);
    },
  })),
  {
    name: 'POST /echo returns any JSON value unchanged',
    async run(ctx) {
      const value = { a: [1, 2.5, -3e-7, null, true], nested: { 'ключ': 'значение ✓', empty: {} }, s: '"\\\u0001' };
      assertJson(await postJson(ctx, '/echo', JSON.stringify(value)), 200, value);
      assertJson(await postJson(ctx, '/echo', '[1,"two",3]'), 200, [1, 'two', 3]);
    },
  },
  {
    name: 'POST /echo accepts a body of exactly 1 MiB',
    async run(ctx) {
      const s = 'a'.repeat(MiB - 2);
      const reply = await postJson(ctx, '/echo', JSON.stringify(s));
      assert.equal(reply.status, 200);
      assert.equal(reply.json(), s);
    },
  },
  {
    name: 'malformed JSON → 400 invalid_body',
    run: async (ctx) => assertError(await postJson(ctx, '/echo', '{"a": [1, 2'), 400, 'invalid_body'),
  },
  {
    name: 'wrong Content-Type → 415 unsupported_media_type',
    async run(ctx) {
      const reply = await request(ctx, 'POST', '/echo', { headers: { 'content-type': 'text/plain' }, body: '{}' });
      assertError(reply, 415, 'unsupported_media_type');
      assertError(
        await request(ctx, 'POST', '/echo', { body: new Uint8Array([123, 125]) }),
        415,
        'unsupported_media_type',
      );
    },
  },
  ...[false, true].map((chunked): Case => ({
    name: `a JSON body over 1 MiB ${chunked ? 'sent chunked' : 'with Content-Length'} → 413 too_large`,
    run: async (ctx) =>
      assertError(await sendOversized(ctx, '/echo', 'application/json', 3 * MiB, { chunked }), 413, 'too_large'),
  })),
  {
    name: 'unknown routes → 404 not_found JSON, for any method',
    async run(ctx) {
      assertError(await get(ctx, '/no/such/route'), 404, 'not_found');
      assertError(await postJson(ctx, '/plaintext/extra', '{}'), 404, 'not_found');
    },
  },
  {
    name: 'GET /health reports the db and cache backends',
    async run(ctx) {
      const body = (await get(ctx, '/health')).json() as Record<string, { backend: string; up: boolean }>;
      for (const key of ['db', 'cache']) {
        assert.equal(typeof body[key]?.backend, 'string');
        assert.equal(typeof body[key]?.up, 'boolean');
      }
    },
  },
];
