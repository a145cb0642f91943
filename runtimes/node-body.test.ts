/**
 * The node entry's body read over a real @hono/node-server on 127.0.0.1: chunks as they arrive
 * (declared length and chunked), a client that goes away mid-body, and the multipart upload through
 * it (its 413 on a chunked body over the limit included).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAdaptorServer, upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import { sendOversized } from '../conformance/harness.ts';
import type { ReadBody } from '../src/deps.ts';
import { createLifecycle } from '../src/lifecycle.ts';
import { createApp } from '../workloads/app.ts';
import multipart from '../workloads/multipart/index.ts';
import { incomingBodyHeaders, readIncoming } from './node-body.ts';

const T = { timeout: 20_000 };
const type = 'multipart/form-data; boundary=gauntlet-boundary-7d3c1a9e';
const fixture = (name: string) => readFileSync(new URL(`../workloads/multipart/${name}`, import.meta.url));
const upload = new Uint8Array(fixture('upload-100k.body'));
const expected = JSON.parse(fixture('upload-100k.expected.json').toString('utf8'));

/** What one `/probe` request's read saw; `arrived` is called on every chunk. */
interface Probe {
  chunks: number;
  bytes: number;
  incoming: IncomingMessage;
  read: Promise<void>;
  arrived: () => void;
}

let server: Server;
let base: string;
/** The reads readIncoming made itself (it gave a promise) for the upload route, and the one it makes next. */
const reads: Promise<void>[] = [];
let onRead: ((read: Promise<void>) => void) | undefined;
let probe: Probe | undefined;
let onProbe: ((p: Probe) => void) | undefined;

before(async () => {
  const counted: ReadBody = (c, onChunk) => {
    const read = readIncoming(c, onChunk);
    if (read) {
      reads.push(read);
      onRead?.(read);
    }
    return read;
  };
  const app = createApp({ upgradeWebSocket, lifecycle: createLifecycle(), readBody: counted }, [multipart]);
  // Reads the body through readIncoming alone and answers with what arrived (after the read settles).
  app.post('/probe', async (c) => {
    const hash = createHash('sha256');
    const { incoming } = c.env as { incoming: IncomingMessage };
    const p = { chunks: 0, bytes: 0, incoming, arrived: () => {} } as Probe;
    p.read = readIncoming(c, (chunk) => {
      p.chunks++;
      p.bytes += chunk.byteLength;
      hash.update(chunk);
      p.arrived();
    })!;
    probe = p;
    onProbe?.(p);
    await p.read.catch(() => {}); // the test looks at the rejection
    return c.json({ chunks: p.chunks, bytes: p.bytes, sha256: hash.digest('hex') });
  });
  // The node entry's header read beside what node-server's Headers gives for the same request.
  app.post('/headers', async (c) => {
    const ours = incomingBodyHeaders(c);
    const theirs = {
      contentType: c.req.header('content-type'),
      contentLength: c.req.header('transfer-encoding') === undefined ? c.req.header('content-length') : undefined,
    };
    await c.req.arrayBuffer();
    return c.json({ ours, theirs });
  });
  server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * POSTs `body` to `/probe` in `pieces`, each written once the server has had the one before (so
 * the test hangs, and fails on its timeout, if the read waits for the whole body), with a
 * Content-Length or chunked.
 */
function sendInPieces(body: Uint8Array, pieces: number, chunked: boolean): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/octet-stream',
      ...(chunked ? {} : { 'content-length': body.length }),
    };
    const req = httpRequest(`${base}/probe`, { method: 'POST', headers }, (res) => {
      const got: Buffer[] = [];
      res.on('data', (d: Buffer) => got.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(got).toString()) }));
    });
    req.on('error', reject);
    const size = Math.ceil(body.length / pieces);
    let sent = 0;
    const next = () => {
      const piece = body.subarray(sent, sent + size);
      sent += piece.length;
      if (sent < body.length) req.write(piece);
      else req.end(piece);
    };
    let seen = 0;
    onProbe = (p) => {
      p.arrived = () => {
        if (p.bytes >= seen + size || p.bytes === body.length) {
          seen = p.bytes;
          if (sent < body.length) next();
        }
      };
    };
    req.flushHeaders();
    next();
  });
}

describe('readIncoming: the IncomingMessage under @hono/node-server, chunk by chunk', () => {
  for (const chunked of [false, true]) {
    it(`hands on each chunk as it arrives (${chunked ? 'chunked' : 'Content-Length'})`, T, async () => {
      const body = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
      const reply = await sendInPieces(body, 4, chunked);
      assert.equal(reply.status, 200);
      const { chunks, bytes, sha256 } = reply.json as { chunks: number; bytes: number; sha256: string };
      assert.equal(bytes, body.length);
      assert.ok(chunks >= 4, `${chunks} chunks`);
      assert.equal(sha256, createHash('sha256').update(body).digest('hex'));
      assert.equal(probe!.incoming.listenerCount('data'), 0);
    });
  }

  it('a client that goes away mid-body: the read rejects, its listeners are removed', T, async () => {
    const seen = new Promise<Probe>((resolve) => {
      onProbe = (p) => (p.arrived = () => resolve(p));
    });
    const req = httpRequest(`${base}/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': 1_000_000 },
    });
    req.on('error', () => {}); // the socket we destroy
    req.write(new Uint8Array(10_000));
    const p = await seen;
    req.destroy();
    await assert.rejects(p.read);
    assert.equal(p.incoming.listenerCount('data'), 0);
    assert.equal(p.incoming.listenerCount('close'), 0);
  });

  it('without node-server’s IncomingMessage (in-process) it gives undefined, and the app reads c.req', async () => {
    let given: unknown = 'not called';
    const app = new Hono().post('/', (c) => {
      given = readIncoming(c, () => {});
      return c.text('ok');
    });
    await app.request('/', { method: 'POST', body: 'x' });
    assert.equal(given, undefined);
  });
});

/** One request written as it is given (`head`: the header lines), over its own connection; the response's JSON. */
function rawRequest(head: string[], body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d));
    socket.on('error', reject);
    socket.on('end', () => {
      const [status, ...rest] = got.split('\r\n\r\n');
      const text = rest.join('\r\n\r\n');
      resolve({
        status: Number(status!.split(' ')[1]),
        json: JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)),
      });
    });
    socket.end([`POST /headers HTTP/1.1`, 'Host: x', 'Connection: close', ...head, '', body].join('\r\n'));
  });
}

describe('incomingBodyHeaders: the three headers a body guard reads, in one pass over rawHeaders', () => {
  const cases: [string, string[], string, unknown][] = [
    ['as sent', ['Content-Type: application/json', 'Content-Length: 2'], '{}', {
      contentType: 'application/json',
      contentLength: '2',
    }],
    ['names in any case', ['cOnTeNt-TyPe: text/plain; charset=utf-8', 'CONTENT-LENGTH: 2'], '{}', {
      contentType: 'text/plain; charset=utf-8',
      contentLength: '2',
    }],
    ['a repeated Content-Type joined by ", "', ['Content-Type: a/b', 'Content-Type: c/d', 'Content-Length: 2'], '{}', {
      contentType: 'a/b, c/d',
      contentLength: '2',
    }],
    ['chunked: no Content-Length', ['Content-Type: a/b', 'Transfer-Encoding: chunked'], '2\r\n{}\r\n0\r\n\r\n', {
      contentType: 'a/b',
    }],
    ['neither', ['X-Content-Typo: a/b', 'Content-Length: 0'], '', { contentLength: '0' }],
  ];
  for (const [name, head, body, expected] of cases) {
    it(`${name}: what node-server's Headers gives`, T, async () => {
      const reply = await rawRequest(head, body);
      assert.equal(reply.status, 200);
      const { ours, theirs } = reply.json as { ours: unknown; theirs: unknown };
      assert.deepEqual(ours, expected);
      assert.deepEqual(ours, JSON.parse(JSON.stringify(theirs)));
    });
  }

  it('without node-server’s IncomingMessage (in-process) it gives undefined, and the app reads c.req', async () => {
    let given: unknown = 'not called';
    const app = new Hono().post('/', (c) => {
      given = incomingBodyHeaders(c);
      return c.text('ok');
    });
    await app.request('/', { method: 'POST', body: 'x' });
    assert.equal(given, undefined);
  });
});

describe('the multipart upload over it', () => {
  it('reads a declared-length upload from the IncomingMessage', T, async () => {
    const before = reads.length;
    const res = await fetch(`${base}/upload`, { method: 'POST', headers: { 'content-type': type }, body: upload });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), expected);
    assert.equal(reads.length, before + 1);
  });

  it('reads a chunked upload from the IncomingMessage', T, async () => {
    const before = reads.length;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < upload.length; at += 7000) controller.enqueue(upload.slice(at, at + 7000));
        controller.close();
      },
    });
    const res = await fetch(`${base}/upload`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), expected);
    assert.equal(reads.length, before + 1);
  });

  it('a chunked upload over 5 MiB → 413 too_large while the client still sends; the server goes on', T, async () => {
    const ctx = { baseUrl: base, network: true } as Parameters<typeof sendOversized>[0];
    const reply = await sendOversized(ctx, '/upload', type, 6 * 1024 * 1024, { chunked: true });
    assert.equal(reply.status, 413);
    assert.equal((reply.json() as { error: { code: string } }).error.code, 'too_large');
    const res = await fetch(`${base}/upload`, { method: 'POST', headers: { 'content-type': type }, body: upload });
    assert.deepEqual(await res.json(), expected);
  });

  it('a client that goes away mid-upload: the read rejects, and the server goes on', T, async () => {
    // In an object: awaiting the read itself would wait for it to settle.
    const started = new Promise<{ read: Promise<void> }>((resolve) => (onRead = (read) => resolve({ read })));
    const req = httpRequest(`${base}/upload`, {
      method: 'POST',
      headers: { 'content-type': type, 'content-length': 2 * upload.length },
    });
    req.on('error', () => {}); // the socket we destroy
    req.write(upload);
    const { read } = await started;
    onRead = undefined;
    req.destroy();
    await assert.rejects(read);
    const res = await fetch(`${base}/upload`, { method: 'POST', headers: { 'content-type': type }, body: upload });
    assert.deepEqual(await res.json(), expected);
  });
});
