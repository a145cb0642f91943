/**
 * What a conformance case is and the few helpers cases use. Cases test behaviour over real HTTP
 * and WebSocket only, so the same suite judges every target, whatever it is written in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Family, Need } from '../contract/catalogue.ts';

export interface Ctx {
  baseUrl: string;
  /** What this target offers (from its /health): cases needing more are skipped. */
  has: Set<Need>;
  /** Global fetch over the network, or the app's own `app.request` when run in-process. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** False in-process: there is no socket to send raw bytes to. */
  network: boolean;
  /** The families this target declares; cases of other families are not run (not implemented). */
  families: ReadonlySet<Family>;
}

export interface Case {
  name: string;
  /** The family the case judges; set by the suite from the module it comes from. None: every target. */
  family?: Family;
  needs?: Need[];
  /** Checks what only a real server adds (Date, Content-Length): skipped in-process. */
  wire?: boolean;
  /** Judges connection reuse: not run on a target that closes every connection by design (Target.closesConnections). */
  keepAlive?: boolean;
  run(ctx: Ctx): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

const WORKLOADS = new URL('../workloads/', import.meta.url);
export const fixture = (file: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(new URL(file, WORKLOADS)));
export const fixtureText = (file: string): string => readFileSync(new URL(file, WORKLOADS), 'utf8');

export async function request(
  ctx: Ctx,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<Reply> {
  const res = await ctx.fetch(ctx.baseUrl + path, {
    method,
    headers: init.headers,
    body: init.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
    // deno-lint-ignore no-explicit-any
    ...(init.body instanceof ReadableStream ? { duplex: 'half' } as any : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export const get = (ctx: Ctx, path: string) => request(ctx, 'GET', path);

export const postJson = (ctx: Ctx, path: string, body: string) =>
  request(ctx, 'POST', path, { headers: { 'content-type': 'application/json' }, body });

export const postForm = (ctx: Ctx, path: string, body: string) =>
  request(ctx, 'POST', path, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

/** Asserts the contract's error shape, and that an issue's path starts with `issuePath` when given. */
export function assertError(reply: Reply, status: number, code: string, issuePath?: (string | number)[]): void {
  assert.equal(reply.status, status, `status ${reply.status}, expected ${status}: ${reply.text.slice(0, 300)}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/i, 'errors are JSON');
  const body = reply.json() as { error?: { code?: unknown; message?: unknown; issues?: unknown } };
  assert.equal(body.error?.code, code, `error code in ${reply.text.slice(0, 300)}`);
  assert.equal(typeof body.error?.message, 'string', 'error.message is a string');
  if (code === 'validation_failed') {
    const issues = body.error?.issues as { path: unknown[]; message: unknown }[];
    assert.ok(Array.isArray(issues) && issues.length > 0, 'issues is a non-empty list');
    for (const issue of issues) {
      assert.ok(
        Array.isArray(issue.path) && typeof issue.message === 'string',
        `issue shape: ${JSON.stringify(issue)}`,
      );
    }
    if (issuePath) {
      const under = (path: unknown[]) => issuePath.every((p, i) => path[i] === p);
      assert.ok(
        issues.some((i) => under(i.path)),
        `an issue at ${JSON.stringify(issuePath)} in ${JSON.stringify(issues)}`,
      );
    }
  }
}

export function assertJson(reply: Reply, status: number, expected: unknown): void {
  assert.equal(reply.status, status, `status ${reply.status}, expected ${status}: ${reply.text.slice(0, 300)}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/i);
  assert.deepEqual(normalise(reply.json()), normalise(expected));
}

/** Numbers compare by value after a JSON round trip; deepEqual already ignores key order. */
const normalise = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** A body of `bytes` bytes sent chunked (no Content-Length), in 64 KiB pieces. */
export function chunked(bytes: number, fill = 0x20): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(65536, bytes - sent);
      controller.enqueue(new Uint8Array(n).fill(fill));
      sent += n;
    },
  });
}

/** Opens a WebSocket and resolves once it is open. */
export function openSocket(ctx: Ctx, path = '/ws'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(ctx.baseUrl.replace(/^http/, 'ws') + path);
    socket.binaryType = 'arraybuffer';
    const timer = setTimeout(() => reject(new Error('WebSocket did not open within 5 s')), 5000);
    socket.onopen = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    socket.onerror = () => {
      clearTimeout(timer);
      reject(new Error('WebSocket failed to open'));
    };
  });
}

/** The next message, or the close event, within a time bound. */
export function nextEvent(socket: WebSocket, timeoutMs = 5000): Promise<MessageEvent | CloseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no WebSocket event within ${timeoutMs} ms`)), timeoutMs);
    const done = (e: MessageEvent | CloseEvent) => {
      clearTimeout(timer);
      socket.removeEventListener('message', done);
      socket.removeEventListener('close', done);
      resolve(e);
    };
    socket.addEventListener('message', done);
    socket.addEventListener('close', done);
  });
}

/** The status line and headers at the front of raw HTTP/1.1 response bytes, once they are all there. */
function parseHead(raw: Buffer): { status: number; headers: Headers; bodyStart: number } | undefined {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const lines = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return { status: Number(lines[0]!.split(' ')[1]), headers, bodyStart: split + 4 };
}

/**
 * Sends an oversized body over a raw socket and reads the response while still writing: a
 * server may answer 413 before reading the body and close, which fetch reports as a write
 * error instead of the response. `chunked` sends it without Content-Length.
 */
export function sendOversized(
  ctx: Ctx,
  path: string,
  contentType: string,
  bytes: number,
  options: { chunked: boolean },
): Promise<Reply> {
  if (!ctx.network) {
    const body = options.chunked ? chunked(bytes) : new Uint8Array(bytes).fill(0x20);
    const headers: Record<string, string> = { 'content-type': contentType };
    if (!options.chunked) headers['content-length'] = String(bytes);
    return request(ctx, 'POST', path, { headers, body });
  }
  const url = new URL(ctx.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      const raw = Buffer.concat(chunks);
      const head = parseHead(raw);
      if (!head) return;
      const length = Number(head.headers.get('content-length') ?? NaN);
      const body = raw.subarray(head.bodyStart);
      if (!(body.length >= length)) return; // wait for the whole body
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = body.subarray(0, length).toString('utf8');
      resolve({ status: head.status, headers: head.headers, text, json: () => JSON.parse(text) });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no complete response within 15 s'));
    }, 15_000);
    socket.on('data', (d) => {
      chunks.push(d);
      finish();
    });
    socket.on('error', () => {}); // EPIPE/ECONNRESET while writing: the response decides
    socket.on('close', () => {
      finish();
      if (!settled) {
        clearTimeout(timer);
        reject(
          new Error(`connection closed without a complete response: ${Buffer.concat(chunks).toString().slice(0, 200)}`),
        );
      }
    });
    socket.on('connect', async () => {
      const framing = options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`;
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${contentType}\r\n${framing}\r\n\r\n`);
      const piece = Buffer.alloc(65536, 0x20);
      for (let sent = 0; sent < bytes && !settled && !socket.destroyed; sent += piece.length) {
        const n = Math.min(piece.length, bytes - sent);
        const data = options.chunked
          ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece.subarray(0, n), Buffer.from('\r\n')])
          : piece.subarray(0, n);
        if (!socket.write(data)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
      if (options.chunked && !settled && !socket.destroyed) socket.write('0\r\n\r\n');
    });
  });
}

/**
 * Sends the same request `times` times, one after another, on one raw HTTP/1.1 socket and returns
 * each response's status and Connection header: a server that closes after a request with a body
 * makes every such request pay a new TCP connection, which a benchmark would measure instead.
 */
export function overOneConnection(
  ctx: Ctx,
  spec: { method: string; path: string; headers?: Record<string, string>; body?: Uint8Array },
  times: number,
): Promise<{ status: number; connection: string | null }[]> {
  const url = new URL(ctx.baseUrl);
  const head = [
    `${spec.method} ${spec.path} HTTP/1.1`,
    `Host: ${url.host}`,
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ...(spec.body ? [`Content-Length: ${spec.body.length}`] : []),
  ].join('\r\n') + '\r\n\r\n';
  const raw = Buffer.concat([Buffer.from(head, 'latin1'), spec.body ?? Buffer.alloc(0)]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const replies: { status: number; connection: string | null }[] = [];
    let pending = Buffer.alloc(0);
    const fail = (why: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`${why} after ${replies.length} of ${times} responses (${JSON.stringify(replies)})`));
    };
    const timer = setTimeout(() => fail('no answer within 15 s'), 15_000);
    /** Takes one whole response off the front of `pending`, if there is one. */
    const take = (): boolean => {
      const head = parseHead(pending);
      if (!head) return false;
      const { status, headers, bodyStart } = head;
      let end: number;
      if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
        const last = pending.indexOf('\r\n0\r\n\r\n', bodyStart - 2);
        if (last < 0) return false;
        end = last + 7;
      } else {
        end = bodyStart + Number(headers.get('content-length') ?? 0);
        if (pending.length < end) return false;
      }
      replies.push({ status, connection: headers.get('connection') });
      pending = pending.subarray(end);
      return true;
    };
    socket.on('connect', () => socket.write(raw));
    socket.on('data', (d) => {
      pending = Buffer.concat([pending, d]);
      while (take()) {
        if (replies.length === times) {
          clearTimeout(timer);
          socket.destroy();
          return resolve(replies);
        }
        socket.write(raw);
      }
    });
    socket.on('error', (err) => fail(err.message));
    socket.on('close', () => replies.length < times && fail('the server closed the connection'));
  });
}

/**
 * Sends one binary WebSocket message of `bytes` bytes the way a browser on a slow link does —
 * the frame in 64 KiB pieces with pauses — while reading what the server sends, and resolves to
 * the close code of the server's close frame. A server that drops the connection before that
 * frame arrives (the client would see 1006) rejects.
 */
export function closeCodeOfSlowMessage(ctx: Ctx, bytes: number, path = '/ws'): Promise<number> {
  const url = new URL(ctx.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let raw = Buffer.alloc(0);
    let upgraded = false;
    let settled = false;
    const settle = (err: Error | undefined, code?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(code!);
    };
    const timer = setTimeout(() => settle(new Error('no close frame within 15 s')), 15_000);
    socket.on('data', (d) => {
      raw = Buffer.concat([raw, d]);
      if (!upgraded) {
        const head = parseHead(raw);
        if (!head) return;
        if (head.status !== 101) return settle(new Error(`upgrade answered ${head.status}`));
        upgraded = true;
        raw = raw.subarray(head.bodyStart);
      }
      // Server frames are unmasked: [FIN|opcode][len] (+2 or +8 length bytes) payload.
      while (raw.length >= 2) {
        const short = raw[1]! & 0x7f;
        const offset = short === 126 ? 4 : short === 127 ? 10 : 2;
        const length = short === 126 ? raw.readUInt16BE(2) : short === 127 ? Number(raw.readBigUInt64BE(2)) : short;
        if (raw.length < offset + length) return;
        if ((raw[0]! & 0x0f) === 0x8) return settle(undefined, length >= 2 ? raw.readUInt16BE(offset) : 1005);
        raw = raw.subarray(offset + length);
      }
    });
    socket.on('error', () => {}); // a reset while writing: the close frame (or its absence) decides
    socket.on('close', () => settle(new Error('the connection ended without a close frame (a browser sees 1006)')));
    socket.on('connect', async () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
      while (!upgraded && !settled) await new Promise((r) => setTimeout(r, 5));
      // FIN + binary, masked, 64-bit length, a zero mask (so the payload goes as is).
      const header = Buffer.alloc(14);
      header[0] = 0x82;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(bytes), 2);
      socket.write(header);
      const piece = Buffer.alloc(65536, 0x2a);
      for (let sent = 0; sent < bytes && !settled && !socket.destroyed; sent += piece.length) {
        if (!socket.write(piece.subarray(0, Math.min(piece.length, bytes - sent)))) {
          await new Promise((r) => socket.once('drain', r).once('close', r));
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    });
  });
}
