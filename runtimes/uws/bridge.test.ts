/**
 * The uWS bridge over real sockets, in-process (uws-pack loads only on Node 22):
 *   node_modules/node22/bin/node --test runtimes/uws/bridge.test.ts
 * The real app runs behind it, with a few probe routes that let a test see what the server
 * side did: how far a stream was pulled, whether its cancel ran, how a body read ended.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Running } from '../adapter.ts';
import { start } from '../uws.ts';
import { BridgeHeaders } from './headers.ts';
import { createApp } from '../../workloads/app.ts';
import { createLifecycle, type Lifecycle } from '../../src/lifecycle.ts';
import { MAX_MESSAGE_BYTES } from '../../contract/limits.ts';

const MiB = 1024 * 1024;
/** Node's own Headers, taken before the bridge installs its own as the global. */
const NodeHeaders = globalThis.Headers;
/** Every test fails rather than hangs. */
const T = { timeout: 30_000 };

/** What the probe routes saw, server side. */
const probe = { pulled: 0, cancelled: 0, reading: 0, bodyReads: [] as string[], answered: [] as Request[] };

// deno-lint-ignore no-explicit-any
function probes(upgradeWebSocket: UpgradeWebSocket<any>): Hono {
  const app = new Hono();
  // A pull stream of `chunks` chunks of `size` bytes: the count of pulls shows how far the bridge read it.
  app.get('/big', (c) => {
    const chunks = Number(c.req.query('chunks'));
    const chunk = new Uint8Array(Number(c.req.query('size'))).fill(0x61);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        probe.pulled++;
        controller.enqueue(chunk);
        if (++sent === chunks) controller.close();
      },
      cancel() {
        probe.cancelled++;
      },
    }, { highWaterMark: 0 });
    return c.body(body, 200, { 'content-type': 'application/octet-stream' });
  });
  // Reads the request body as a stream and records how the read ended.
  app.post('/read', async (c) => {
    probe.reading++;
    let bytes = 0;
    try {
      const reader = c.req.raw.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
      probe.bodyReads.push(`done ${bytes}`);
    } catch {
      probe.bodyReads.push(`error after ${bytes}`);
    }
    return c.json({ bytes });
  });
  // Echoes each message a turn later: a message buffer uWS has reused by then would come back empty.
  app.get(
    '/ws-later',
    upgradeWebSocket(() => ({
      onMessage(event, socket) {
        setTimeout(() => socket.send(event.data as string | ArrayBuffer), 1);
      },
    })),
  );
  app.get(
    '/bytes',
    () => new Response(new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 5), { headers: { 'x-probe': 'yes' } }),
  );
  // Request headers read at each point the app can read them: in the route handler, after an
  // await, from a stream pulled after the handler returned, and (not at all) after a whole answer.
  app.get('/headers/now', (c) => c.text(`${c.req.header('x-probe')} ${c.req.header('host')}`));
  app.get('/headers/later', async (c) => {
    await new Promise((r) => setTimeout(r, 5));
    return c.text(`${c.req.header('x-probe')} ${[...c.req.raw.headers.keys()].join(',')}`);
  });
  app.get('/headers/stream', (c) => {
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((r) => setTimeout(r, 5));
        controller.enqueue(new TextEncoder().encode(`${c.req.header('x-probe')}`));
        controller.close();
      },
    }, { highWaterMark: 0 });
    return c.body(body, 200, { 'content-type': 'text/plain' });
  });
  app.get('/headers/unread', (c) => {
    probe.answered.push(c.req.raw);
    return c.text('answered whole');
  });
  app.get('/split', () => new Response('x', { headers: { 'x-probe': 'a\r\nx-injected: 1' } }));
  app.get('/cookies', (c) => {
    c.header('set-cookie', 'a=1; Path=/', { append: true });
    c.header('set-cookie', 'b=2; HttpOnly', { append: true });
    return c.text('two cookies');
  });
  return app;
}

let server: Running;
let lifecycle: Lifecycle;
let port: number;
const errors: unknown[] = [];
const consoleError = console.error;

before(async () => {
  // Anything the bridge or the app logs is an error the tests assert on (and show when they fail).
  console.error = (...args: unknown[]) => errors.push(args);
  lifecycle = createLifecycle();
  server = await start({ port: 0, host: '127.0.0.1', maxMessageBytes: MAX_MESSAGE_BYTES }, (runtime) => {
    const app = createApp({ ...runtime, lifecycle });
    app.route('/_probe', probes(runtime.upgradeWebSocket));
    return app;
  });
  port = Number(new URL(server.url).port);
});

after(async () => {
  await server.stop();
  console.error = consoleError;
});

/** Polls until `check` holds (never a fixed sleep), failing after `ms`. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls until `value()` has not changed for `quiet` polls in a row, and returns it. */
async function settled(value: () => number, quiet = 10): Promise<number> {
  let last = value();
  for (let same = 0; same < quiet;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = value();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

/** Sends raw bytes and collects what comes back until `done(received)` or the server closes. */
function raw(request: string | Buffer, done: (received: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer: ${JSON.stringify(received.slice(0, 300))}`));
    }, 10_000);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (done(received)) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => {});
    socket.write(request);
  });
}

/** Splits raw HTTP/1.1 responses (Content-Length framed) off the front of `text`. */
function responses(text: string): { status: string; headers: Map<string, string[]>; body: string }[] {
  const out = [];
  while (text.length > 0) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [status, ...lines] = text.slice(0, end).split('\r\n');
    const headers = new Map<string, string[]>();
    for (const line of lines) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).toLowerCase();
      headers.set(name, [...headers.get(name) ?? [], line.slice(i + 1).trim()]);
    }
    const length = status!.startsWith('HTTP/1.1') && !/^HTTP\/1\.1 (204|304)/.test(status!)
      ? Number(headers.get('content-length')?.[0] ?? 0)
      : 0;
    out.push({ status: status!, headers, body: text.slice(end + 4, end + 4 + length) });
    text = text.slice(end + 4 + length);
  }
  return out;
}

const countResponses = (n: number) => (received: string) => responses(received).length >= n;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

describe('Headers (the global while the bridge runs)', () => {
  type Step = (h: Headers) => unknown;
  /** What a script of calls gives: each call's result or the kind of error it threw, then the pairs. */
  function outcome(make: () => Headers, steps: Step[]): unknown[] {
    const seen: unknown[] = [];
    let h: Headers;
    try {
      h = make();
    } catch (err) {
      return [`threw ${(err as Error).constructor.name}`];
    }
    for (const step of steps) {
      try {
        seen.push(step(h));
      } catch (err) {
        seen.push(`threw ${(err as Error).constructor.name}`);
      }
    }
    seen.push([...h], h.getSetCookie());
    return seen;
  }
  const inits: [string, () => HeadersInit | undefined][] = [
    ['nothing', () => undefined],
    ['a record', () => ({ 'Content-Type': ' text/plain ', 'X-B': 'b', 'x-a': '\t1\r\n' })],
    ['pairs', () => [['Set-Cookie', 'a=1'], ['x-v', 'one'], ['set-cookie', 'b=2'], ['X-V', 'two']]],
    ['a Node Headers', () => new NodeHeaders([['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['vary', 'x']])],
    ['a bad name', () => ({ 'bad name': 'x' })],
    ['a value with CR LF', () => ({ 'x-split': 'a\r\nx-injected: 1' })],
    ['a value beyond bytes', () => ({ 'x-u': 'π' })],
    ['a value that is a number', () => ({ 'x-n': 5 as unknown as string })],
    ['a pair of three', () => [['a', 'b', 'c']] as unknown as HeadersInit],
    ['a string', () => 'x-a: 1' as unknown as HeadersInit],
    ['null', () => null as unknown as HeadersInit],
  ];
  const scripts: [string, Step[]][] = [
    ['reads', [(h) => h.get('content-type'), (h) => h.get('X-V'), (h) => h.has('x-a'), (h) => h.get('missing')]],
    ['set replaces every value', [(h) => h.set('x-v', 'three'), (h) => h.get('x-v'), (h) => h.set('New', ' n ')]],
    ['append combines', [(h) => h.append('vary', 'a'), (h) => h.append('Vary', 'b'), (h) => h.get('vary')]],
    ['delete', [(h) => h.delete('X-V'), (h) => h.delete('set-cookie'), (h) => h.has('x-v'), (h) => h.delete('none')]],
    ['bad input throws', [
      (h) => h.get('bad name'),
      (h) => h.set('x', 'a\nb'),
      (h) => h.append('x', '\0'),
      (h) => h.set('x', 'é€'),
      (h) => h.has(''),
      (h) => (h.get as () => unknown)(),
      (h) => (h.set as (n: string) => unknown)('x'),
    ]],
    ['edge whitespace and empty values', [
      (h) => h.set('x-e', ''),
      (h) => h.append('x-e', ' \t '),
      (h) => h.get('x-e'),
    ]],
    ['iteration', [
      (h) => [...h.keys()],
      (h) => [...h.values()],
      (h) => {
        const seen: string[] = [];
        h.forEach((value, name, parent) => seen.push(`${name}=${value}`, String(parent === h)));
        return seen;
      },
    ]],
    ['changes while iterating', [(h) => {
      const seen: string[] = [];
      for (const [name] of h) {
        seen.push(name);
        if (seen.length === 1) h.append('0-first', 'x');
      }
      return seen;
    }]],
  ];
  for (const [what, init] of inits) {
    it(`from ${what}, behaves as Node's own`, () => {
      for (const [name, steps] of scripts) {
        const bridge = outcome(() => new BridgeHeaders(init()) as unknown as Headers, steps);
        const node = outcome(() => new NodeHeaders(init()), steps);
        assert.deepEqual(bridge, node, name);
      }
    });
  }

  it('is a Headers to instanceof and to Node, whichever made it', () => {
    const bridge = new BridgeHeaders({ 'x-a': '1' });
    assert.ok(bridge instanceof BridgeHeaders);
    assert.ok(new NodeHeaders() instanceof BridgeHeaders);
    assert.equal(Object.prototype.toString.call(bridge), '[object Headers]');
    const response = new Response('x', { headers: bridge as unknown as Headers });
    assert.equal(response.headers.get('x-a'), '1');
    assert.deepEqual([...new NodeHeaders(bridge as unknown as Headers)], [['x-a', '1']]);
  });
});

describe('HTTP on the wire', () => {
  it('answers /plaintext and /json with Server, Date, Content-Type and an exact Content-Length', T, async () => {
    const [text, json] = responses(await raw(get('/plaintext') + get('/json'), countResponses(2)));
    for (
      const [reply, body, type] of [
        [text!, 'Hello, World!', 'text/plain'],
        [json!, '{"message":"Hello, World!"}', 'application/json'],
      ] as const
    ) {
      assert.equal(reply.status, 'HTTP/1.1 200 OK');
      assert.equal(reply.body, body);
      assert.deepEqual(reply.headers.get('content-length'), [String(body.length)]);
      assert.deepEqual(reply.headers.get('server'), ['Hono']);
      assert.equal(reply.headers.get('date')?.length, 1);
      assert.match(reply.headers.get('content-type')![0]!, new RegExp(`^${type}`));
    }
  });

  it('writes the standard status texts', T, async () => {
    const post = JSON.stringify({ title: 't', body: 'b', tags: [] });
    const replies = responses(
      await raw(
        `POST /api/v1/users/7/posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${post.length}\r\n\r\n${post}` +
          get('/no/such/route') + get('/path/int/abc') +
          `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}`,
        countResponses(4),
      ),
    );
    assert.deepEqual(replies.map((r) => r.status), [
      'HTTP/1.1 201 Created',
      'HTTP/1.1 404 Not Found',
      'HTTP/1.1 422 Unprocessable Entity',
      'HTTP/1.1 415 Unsupported Media Type',
    ]);
    const tooLarge = responses(
      await raw(
        `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 * MiB}\r\n\r\n` +
          ' '.repeat(2 * MiB),
        countResponses(1),
      ),
    );
    assert.equal(tooLarge[0]!.status, 'HTTP/1.1 413 Payload Too Large');
  });

  it('writes a byte view exactly, and never a header value that would split the response', T, async () => {
    const bytes = await fetch(`${server.url}/_probe/bytes`);
    assert.equal(bytes.headers.get('x-probe'), 'yes');
    assert.equal(bytes.headers.get('content-length'), '3');
    assert.deepEqual(new Uint8Array(await bytes.arrayBuffer()), new Uint8Array([2, 3, 4]));

    const [split] = responses(await raw(get('/_probe/split'), countResponses(1)));
    assert.equal(split!.status, 'HTTP/1.1 500 Internal Server Error');
    assert.equal(split!.headers.get('x-injected'), undefined);
    errors.length = 0; // the app logged the TypeError it answered 500 for
  });

  it('keeps every Set-Cookie header', T, async () => {
    const res = await fetch(`${server.url}/_probe/cookies`);
    assert.deepEqual(res.headers.getSetCookie(), ['a=1; Path=/', 'b=2; HttpOnly']);
    assert.equal(await res.text(), 'two cookies');
  });

  it('answers HEAD with the GET Content-Length and no body, and cancels a streamed body', T, async () => {
    // The GET after the HEAD on the same connection parses only if the HEAD sent no body.
    const request = `HEAD /json HTTP/1.1\r\nHost: x\r\n\r\n` + get('/plaintext');
    const received = await raw(request, (r) => r.includes('Hello, World!'));
    const head = received.slice(0, received.indexOf('\r\n\r\n') + 4);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-length: 27\r\n/i);
    assert.match(received.slice(head.length), /^HTTP\/1\.1 200 OK\r\n/);

    const cancelled = probe.cancelled;
    const sse = await raw(
      `HEAD /_probe/big?chunks=1000&size=10 HTTP/1.1\r\nHost: x\r\n\r\n`,
      (r) => r.includes('\r\n\r\n'),
    );
    assert.match(sse, /^HTTP\/1\.1 200 OK\r\n/);
    assert.doesNotMatch(sse, /\r\n\r\n./s);
    await until(() => probe.cancelled === cancelled + 1, 'the stream behind a HEAD to be cancelled');
  });

  it('bridges a chunked request body through a real ReadableStream (and new Request(lazy, { body }))', T, async () => {
    const value = 'x'.repeat(MiB - 2);
    const res = await fetch(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunkedBody(new TextEncoder().encode(JSON.stringify(value))),
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 200);
    assert.equal(await res.json(), value);
  });
});

/** A request body sent chunked (no Content-Length), in 64 KiB pieces. */
function chunkedBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 65536));
      offset += 65536;
    },
  });
}

/** `size` bytes sent chunked, made as they are sent (so the client holds none of it). */
function chunkedFill(size: number): ReadableStream<Uint8Array> {
  const piece = new Uint8Array(65536).fill(0x20);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(piece.length, size - sent);
      controller.enqueue(piece.subarray(0, n));
      sent += n;
    },
  });
}

describe('request headers (copied out of uWS only when the app can read them)', () => {
  const request = (path: string) =>
    `GET /_probe/headers/${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Probe: one\r\nX-Probe: two\r\n\r\n`;
  const body = async (path: string) => responses(await raw(request(path), countResponses(1)))[0]!;

  it('are read inside the route handler', T, async () => {
    assert.equal((await body('now')).body, 'one, two 127.0.0.1');
  });
  it('are all there after an await, the handler having returned meanwhile', T, async () => {
    assert.equal((await body('later')).body, 'one, two host,x-probe');
  });
  it('are there for a stream pulled after the handler returned', T, async () => {
    const reply = await raw(request('stream'), (text) => text.endsWith('0\r\n\r\n'));
    assert.match(reply, /\r\n\r\n[0-9a-f]+\r\none, two\r\n0\r\n\r\n$/);
  });
  it(
    'a request answered whole, its headers unread, refuses to read them afterwards (uWS has freed them)',
    T,
    async () => {
      probe.answered.length = 0;
      assert.equal((await body('unread')).body, 'answered whole');
      const answered = probe.answered[0]!;
      assert.equal(answered.url, 'http://127.0.0.1/_probe/headers/unread');
      assert.throws(() => answered.headers.get('x-probe'), /read after the response was written whole/);
    },
  );
  it(
    'with an empty Host header, the URL takes the listening address (uWS itself refuses a missing one)',
    T,
    async () => {
      probe.answered.length = 0;
      await raw('GET /_probe/headers/unread HTTP/1.1\r\nHost:\r\n\r\n', countResponses(1));
      assert.equal(probe.answered[0]!.url, `http://127.0.0.1:${port}/_probe/headers/unread`);
    },
  );
});

describe('large request bodies', () => {
  const boundary = 'gauntlet-bridge-boundary';
  const multipart = (total: number) => {
    const headPart = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const file = new Uint8Array(total - headPart.length - tail.length).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
    const body = new Uint8Array(total);
    body.set(new TextEncoder().encode(headPart));
    body.set(file, headPart.length);
    body.set(new TextEncoder().encode(tail), headPart.length + file.length);
    return { body, file };
  };
  const upload = (body: BodyInit) =>
    fetch(`${server.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);

  it('accepts an upload of exactly 5 MiB, byte-exact', T, async () => {
    const { body, file } = multipart(5 * MiB);
    const res = await upload(body);
    assert.equal(res.status, 200);
    const json = await res.json() as { file: { name: string; size: number; sha256: string } };
    assert.deepEqual(json.file, {
      name: 'big.bin',
      size: file.length,
      sha256: createHash('sha256').update(file).digest('hex'),
    });
  });

  it('rejects 6 MiB with 413, with a Content-Length and sent chunked', T, async () => {
    const { body } = multipart(6 * MiB);
    for (const sent of [body, chunkedBody(body)]) {
      const res = await upload(sent);
      assert.equal(res.status, 413);
      assert.equal((await res.json() as { error: { code: string } }).error.code, 'too_large');
    }
  });

  it('never buffers a chunked body past the limit: 48 MiB to a 1 MiB endpoint → 413, memory flat', T, async () => {
    const rss = process.memoryUsage().rss;
    const res = await fetch(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunkedFill(48 * MiB),
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    await res.arrayBuffer();
    const grew = process.memoryUsage().rss - rss;
    assert.ok(grew < 24 * MiB, `RSS grew by ${(grew / MiB).toFixed(1)} MiB`);
  });

  it('cuts off a client that keeps sending a body nobody reads, after a bounded amount', T, async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let closed = false;
    let wake = () => {};
    socket.on('close', () => {
      closed = true;
      wake();
    });
    socket.on('error', () => {});
    socket.write(
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${4096 * MiB}\r\n\r\n`,
    );
    const piece = Buffer.alloc(MiB, 0x20);
    let sent = 0;
    while (!closed && sent < 1024 * MiB) {
      if (!socket.write(piece)) await new Promise<void>((r) => socket.once('drain', wake = r));
      sent += MiB;
    }
    socket.destroy();
    assert.ok(closed, `the server was still reading after ${sent / MiB} MiB`);
  });
});

describe('client aborts', () => {
  it('mid-body: the app’s body read fails, nothing is written, the server stays healthy', T, async () => {
    const reads = probe.bodyReads.length;
    const reading = probe.reading;
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST /_probe/read HTTP/1.1\r\nHost: x\r\nContent-Length: ${5 * MiB}\r\n\r\n`);
    socket.write(Buffer.alloc(MiB, 0x61));
    await until(() => probe.reading === reading + 1, 'the app to start reading');
    socket.destroy();
    await until(() => probe.bodyReads.length === reads + 1, 'the app to see the body read end');
    assert.match(probe.bodyReads.at(-1)!, /^error after \d+$/);

    // and the chunked kind
    const chunked = connect(port, '127.0.0.1');
    await new Promise((r) => chunked.once('connect', r));
    chunked.write(`POST /_probe/read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n`);
    await until(() => probe.reading === reading + 2, 'the app to start reading the chunked body');
    chunked.destroy();
    await until(() => probe.bodyReads.length === reads + 2, 'the app to see the chunked read end');
    assert.match(probe.bodyReads.at(-1)!, /^error after \d+$/);

    assert.equal((await fetch(`${server.url}/json`)).status, 200);
    assert.deepEqual(errors, []);
  });

  it('mid-stream: the app’s cancel runs, nothing is written after, every SSE stream is released', T, async () => {
    /** Clients that read the first bytes of a response and go away. */
    const leaveMidStream = async (path: string, count: number) => {
      const sockets: Socket[] = [];
      for (let i = 0; i < count; i++) {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        socket.write(get(path));
        await new Promise((r) => socket.once('data', r));
      }
      for (const socket of sockets) socket.destroy();
    };
    const cancelled = probe.cancelled;
    await leaveMidStream('/_probe/big?chunks=100000&size=1024', 10);
    await until(() => probe.cancelled === cancelled + 10, 'every probe stream to be cancelled');

    // The app's own SSE streams register with the lifecycle and leave it when cancelled.
    await leaveMidStream('/sse?events=100000&interval_ms=0', 10);
    await leaveMidStream('/sse?events=100000&interval_ms=5', 10);
    await until(() => lifecycle.open === 0, 'every SSE stream to be released');

    assert.equal((await fetch(`${server.url}/sse?events=2`)).status, 200);
    assert.deepEqual(errors, []);
  });
});

describe('backpressure', () => {
  /** A GET through node:http, whose response can be paused (the socket then stops being read). */
  const request = (path: string) =>
    new Promise<IncomingMessage>((resolve, reject) => httpGet(`${server.url}${path}`, resolve).on('error', reject));

  it('a paused reader holds back the stream: bounded pulls, then every byte once it reads again', T, async () => {
    const chunks = 2000;
    const size = 64 * 1024; // 125 MiB in all
    const pulledBefore = probe.pulled;
    const rss = process.memoryUsage().rss;
    const res = await request(`/_probe/big?chunks=${chunks}&size=${size}`);
    res.pause();
    const pulled = await settled(() => probe.pulled) - pulledBefore;
    // Socket buffers on both sides hold some megabytes; never the whole stream.
    assert.ok(pulled < chunks / 4, `pulled ${pulled} of ${chunks} chunks while the client was paused`);
    const grew = process.memoryUsage().rss - rss;
    assert.ok(grew < 64 * MiB, `RSS grew by ${(grew / MiB).toFixed(1)} MiB while paused`);

    let bytes = 0;
    res.on('data', (d: Buffer) => (bytes += d.length));
    res.resume();
    await new Promise((r) => res.on('end', r));
    assert.equal(bytes, chunks * size);
    assert.equal(probe.pulled - pulledBefore, chunks);
  });

  it('100,000 SSE events to a paused client all arrive, in order, once it reads', T, async () => {
    const res = await request('/sse?events=100000&interval_ms=0');
    res.pause();
    await settled(() => res.socket.bytesRead);
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (text += d));
    res.resume();
    await new Promise((r) => res.on('end', r));
    const events = text.split('\n\n').filter(Boolean);
    assert.equal(events.length, 100_000);
    assert.equal(events[99_999], 'id: 100000\ndata: {"seq":100000,"total":100000}');
    assert.ok(events.every((e, i) => e.startsWith(`id: ${i + 1}\n`)));
  });
});

describe('WebSocket', () => {
  const open = (path = '/ws') =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}`);
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => resolve(socket);
      socket.onerror = () => reject(new Error('WebSocket failed to open'));
    });

  it('echoes 50 concurrent sockets × 100 messages, text and binary, each in order', T, async () => {
    const sockets = await Promise.all(Array.from({ length: 50 }, () => open()));
    await Promise.all(sockets.map((socket, s) =>
      new Promise<void>((resolve, reject) => {
        const sent: (string | Uint8Array)[] = [];
        for (let m = 0; m < 100; m++) {
          sent.push(m % 2 ? `socket ${s} message ${m} ✓` : new Uint8Array(64 + m).map((_, i) => (s + m + i) & 0xff));
        }
        let next = 0;
        socket.onmessage = (event) => {
          const expected = sent[next++]!;
          try {
            if (typeof expected === 'string') assert.equal(event.data, expected);
            else assert.deepEqual(new Uint8Array(event.data as ArrayBuffer), expected);
          } catch (err) {
            reject(err);
          }
          if (next === sent.length) {
            socket.close(1000);
            resolve();
          }
        };
        socket.onclose = (e) => next < sent.length && reject(new Error(`closed early: ${e.code}`));
        for (const message of sent) socket.send(message);
      })
    ));
  });

  it('hands the app a copy of each binary message, still whole after the callback', T, async () => {
    const socket = await open('/_probe/ws-later');
    const sent = new Uint8Array(4096).map((_, i) => i & 0xff);
    const echo = await new Promise<MessageEvent>((resolve) => {
      socket.onmessage = resolve;
      socket.send(sent);
    });
    assert.deepEqual(new Uint8Array(echo.data as ArrayBuffer), sent);
    socket.close(1000);
  });

  it('closes with 1009 on a message over the limit (the bridge’s check, under uWS’s own cut-off)', T, async () => {
    // /_probe/ws-later has no size check of its own (the app's /ws does): the close is the bridge's.
    for (const [path, size] of [['/_probe/ws-later', MAX_MESSAGE_BYTES + 1], ['/ws', 4 * MAX_MESSAGE_BYTES]] as const) {
      const socket = await open(path);
      const code = await new Promise<number>((resolve) => {
        socket.onclose = (e) => resolve(e.code);
        socket.send(new Uint8Array(size));
      });
      assert.equal(code, 1009, `${size} bytes to ${path}`);
    }
    assert.equal(lifecycle.open, 0);
  });
});

describe('shutdown', () => {
  it('stop() ends open streams and sockets and resolves', T, async () => {
    const own = createLifecycle();
    const other = await start(
      { port: 0, host: '127.0.0.1', maxMessageBytes: MAX_MESSAGE_BYTES },
      (runtime) => createApp({ ...runtime, lifecycle: own }),
    );
    const socket = new WebSocket(`${other.url.replace('http', 'ws')}/ws`);
    await new Promise((r) => (socket.onopen = r));
    const closed = new Promise<number>((r) => (socket.onclose = (e) => r(e.code)));
    const res = await fetch(`${other.url}/sse?events=100000&interval_ms=1000`);
    const reader = res.body!.getReader();
    await reader.read();
    own.closeAll(); // what runtimes/main.ts does first on SIGTERM
    await other.stop();
    assert.equal(await closed, 1001);
    let ended = false;
    try {
      while (!(await reader.read()).done);
      ended = true;
    } catch {
      ended = true; // a reset also ends it
    }
    assert.ok(ended);
    await assert.rejects(fetch(`${other.url}/json`));
  });
});
