import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertError, assertJson, type Case, request, sendOversized } from '../../conformance/harness.ts';

const BOUNDARY = 'gauntlet-boundary-7d3c1a9e';
const type = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

/** A multipart body from parts; a part with `filename` is a file. */
function multipart(parts: { name: string; value: string | Uint8Array; filename?: string }[]): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head = `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n` +
      (p.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : '') + '\r\n';
    chunks.push(enc.encode(head), typeof p.value === 'string' ? enc.encode(p.value) : p.value, enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${BOUNDARY}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

const upload = (ctx: Parameters<Case['run']>[0], body: BodyInit, headers = type) =>
  request(ctx, 'POST', '/upload', { headers, body });

export const cases: Case[] = [
  {
    name: 'upload: an empty file and a UTF-8 field',
    async run(ctx) {
      const body = multipart([{ name: 'note', value: 'naïve ✓' }, {
        name: 'file',
        value: new Uint8Array(0),
        filename: 'e.txt',
      }]);
      assertJson(await upload(ctx, body), 200, {
        fields: { note: 'naïve ✓' },
        file: { name: 'e.txt', size: 0, sha256: createHash('sha256').digest('hex') },
      });
    },
  },
  {
    name: 'upload: fields are optional',
    async run(ctx) {
      const bytes = new Uint8Array(3000).map((_, i) => i % 251);
      const reply = await upload(ctx, multipart([{ name: 'file', value: bytes, filename: 'x.bin' }]));
      assertJson(reply, 200, {
        fields: {},
        file: { name: 'x.bin', size: 3000, sha256: createHash('sha256').update(bytes).digest('hex') },
      });
    },
  },
  {
    name: 'upload: without the file part → 422 at ["file"]',
    async run(ctx) {
      assertError(await upload(ctx, multipart([{ name: 'description', value: 'x' }])), 422, 'validation_failed', [
        'file',
      ]);
    },
  },
  {
    name: 'upload: a text part named file → 422 at ["file"]',
    async run(ctx) {
      assertError(await upload(ctx, multipart([{ name: 'file', value: 'not a file' }])), 422, 'validation_failed', [
        'file',
      ]);
    },
  },
  {
    name: 'upload: two file parts → 422 at ["file"]',
    async run(ctx) {
      const one = { name: 'file', value: 'a', filename: 'a.txt' };
      assertError(await upload(ctx, multipart([one, { ...one, filename: 'b.txt' }])), 422, 'validation_failed', [
        'file',
      ]);
    },
  },
  {
    name: 'upload: a JSON body → 415',
    async run(ctx) {
      assertError(await upload(ctx, '{}', { 'content-type': 'application/json' }), 415, 'unsupported_media_type');
    },
  },
  {
    name: 'upload: a malformed multipart body → 400',
    async run(ctx) {
      assertError(await upload(ctx, 'this is not multipart at all'), 400, 'invalid_body');
    },
  },
  ...[false, true].map((chunked): Case => ({
    name: `upload: over 5 MiB ${chunked ? 'sent chunked' : 'with Content-Length'} → 413`,
    run: async (ctx) =>
      assertError(
        await sendOversized(ctx, '/upload', type['content-type'], 6 * 1024 * 1024, { chunked }),
        413,
        'too_large',
      ),
  })),
  {
    name: 'upload: a 4 MiB file is accepted',
    async run(ctx) {
      const bytes = new Uint8Array(4 * 1024 * 1024).fill(7);
      const reply = await upload(ctx, multipart([{ name: 'file', value: bytes, filename: 'four.bin' }]));
      assert.equal(reply.status, 200, reply.text.slice(0, 200));
      assert.equal(
        (reply.json() as { file: { sha256: string } }).file.sha256,
        createHash('sha256').update(bytes).digest('hex'),
      );
    },
  },
];
