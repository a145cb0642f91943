import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inProcessApp, runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';
import { READ_WHOLE_BYTES } from './index.ts';

runInProcess('multipart (in-process)', cases);

const type = 'multipart/form-data; boundary=gauntlet-boundary-7d3c1a9e';
const fixture = (name: string) => readFileSync(new URL(name, import.meta.url));

/** A body the server reads chunk by chunk (no Content-Length), in pieces of `size` bytes. */
const streamed = (bytes: Uint8Array, size: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size));
      controller.close();
    },
  });

describe('multipart: both ways of reading the body give the fixtures’ responses', () => {
  const app = inProcessApp();
  for (const size of ['1k', '10k', '100k']) {
    const bytes = new Uint8Array(fixture(`upload-${size}.body`));
    const expected = JSON.parse(fixture(`upload-${size}.expected.json`).toString('utf8'));
    assert.ok(bytes.length <= READ_WHOLE_BYTES, 'the fixtures are read whole when their length is declared');
    it(`${size}, read whole (Content-Length)`, async () => {
      const reply = await app.request('/upload', {
        method: 'POST',
        headers: { 'content-type': type, 'content-length': String(bytes.length) },
        body: bytes,
      });
      assert.equal(reply.status, 200);
      assert.deepEqual(await reply.json(), expected);
    });
    it(`${size}, streamed in 1,000-byte chunks`, async () => {
      const reply = await app.request('/upload', {
        method: 'POST',
        headers: { 'content-type': type },
        body: streamed(bytes, 1000),
        duplex: 'half',
      } as RequestInit);
      assert.equal(reply.status, 200);
      assert.deepEqual(await reply.json(), expected);
    });
  }
});
