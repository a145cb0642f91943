/**
 * One request/response pair on a uWS HttpResponse, from the route handler to the last byte.
 * uWS rules it keeps: after `onAborted` fires or the response has ended, `res` must never be
 * touched again; a response not finished inside the route handler needs `onAborted`; writes
 * outside the route handler are corked. Strings and bytes are written in one `end`; a stream is
 * written as it is pulled, and no longer pulled while uWS holds unsent data (`write` → false
 * until `onWritable`), so a slow reader never makes the server buffer the stream.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse, us_socket_context_t } from 'uws-pack';
import type { IncomingBody } from './body.ts';
import { BridgeHeaders } from './headers.ts';
import type { LightRequest } from './request.ts';
import { type BodyPart, GlobalResponse, LightResponse, type Parts } from './response.ts';
import type { UpgradeSlot } from './websocket.ts';

const GlobalHeaders = globalThis.Headers;
const TEXT = 'text/plain;charset=UTF-8';
const noop = () => {};

/** How much of an unread request body is read and dropped, and for how long, before closing instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;
const DRAIN_MS = 5000;
/** Stream bytes gathered before they are written without waiting for the end of the turn. */
const BATCH = 16 * 1024;

const statusLines: string[] = [];
const statusLine = (status: number): string => statusLines[status] ??= `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;

/** What writing the headers found: set by writeHead, read right after (the bridge runs on one thread). */
let sawType = false;
let declaredLength: string | undefined;
let closeAsked = false;
/**
 * The header lines gathered for one `res.writeHeader` call: the first name, then its value
 * followed by every other line. Each call into uWS converts both of its strings to UTF-8 and
 * costs more than the rest of writing a header (~1,700 instructions under callgrind), so the
 * lines go in one call, which writes exactly the bytes that one call per header would
 * (`name: value\r\n` each). Safe because no name or value that gets here can hold a CR or LF:
 * names are tokens and values are checked (a record or pairs by LightResponse, the bridge's
 * Headers by itself, Node's Headers by undici), so no line can be split or added.
 */
let firstName: string | undefined;
let lines = '';

/**
 * uWS writes Date, Content-Length and Transfer-Encoding itself (a second copy would corrupt the
 * framing), and closes the connection when told to rather than through a header.
 */
function addHeader(name: string, value: string): void {
  switch (name.length) {
    case 4:
      if (name.toLowerCase() === 'date') return;
      break;
    case 10: {
      const key = name.toLowerCase();
      if (key === 'connection') {
        closeAsked ||= /\bclose\b/i.test(value);
        return;
      }
      if (key === 'keep-alive') return;
      break;
    }
    case 12:
      if (name.toLowerCase() === 'content-type') sawType = true;
      break;
    case 14:
      if (name.toLowerCase() === 'content-length') {
        declaredLength = value;
        return;
      }
      break;
    case 17:
      if (name.toLowerCase() === 'transfer-encoding') return;
      break;
  }
  if (firstName === undefined) {
    firstName = name;
    lines = value;
  } else lines = `${lines}\r\n${name}: ${value}`;
}

function writeHead(res: HttpResponse, parts: Parts): void {
  sawType = false;
  declaredLength = undefined;
  closeAsked = false;
  firstName = undefined;
  if (parts.status !== 200) res.writeStatus(statusLine(parts.status));
  const headers = parts.headers;
  if (headers) {
    // A record first: the app's constant headers (techJson's) are one, and the other tests cost more on it.
    const proto = Object.getPrototypeOf(headers);
    if (proto === Object.prototype || proto === null) {
      for (const name in headers) addHeader(name, (headers as Record<string, string>)[name]!);
    } else {
      const list = BridgeHeaders.list(headers);
      if (list) { for (let i = 0; i < list.length; i += 2) addHeader(list[i]!, list[i + 1]!); }
      else if (headers instanceof GlobalHeaders) headers.forEach((value, name) => addHeader(name, value));
      else if (Array.isArray(headers)) { for (const [name, value] of headers) addHeader(name!, value!); }
      else for (const name in headers) addHeader(name, (headers as Record<string, string>)[name]!);
    }
  }
  if (parts.defaultType && !sawType) addHeader('content-type', TEXT);
  if (firstName !== undefined) res.writeHeader(firstName, lines);
  lines = '';
}

const byteLength = (body: BodyPart): number | undefined =>
  typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : undefined;

const cancel = (body: BodyPart | undefined): void => {
  if (body instanceof ReadableStream) body.cancel().catch(noop);
};

export interface Upgrade {
  slot: UpgradeSlot;
  key: string;
  protocol: string;
  extensions: string;
  context: us_socket_context_t;
}

export class Exchange {
  readonly res: HttpResponse;
  readonly head: boolean;
  readonly body: IncomingBody | null;
  readonly upgrade: Upgrade | undefined;
  readonly #inFlight: Set<Exchange>;
  request: LightRequest | undefined;
  /** The client went away: `res` is gone. */
  aborted = false;
  /** The response is complete, the socket upgraded or closed: `res` is no longer ours. */
  finished = false;
  #deferred = false;
  #watchingWritable = false;
  #writable: (() => void) | undefined;
  #cancelStream: (() => void) | undefined;

  constructor(
    res: HttpResponse,
    head: boolean,
    body: IncomingBody | null,
    upgrade: Upgrade | undefined,
    inFlight: Set<Exchange>,
  ) {
    this.res = res;
    this.head = head;
    this.body = body;
    this.upgrade = upgrade;
    this.#inFlight = inFlight;
  }

  /** Whether the response goes on after the route handler returns. */
  get deferred(): boolean {
    return this.#deferred;
  }

  /** The response will be written after the route handler returns: uWS must tell us of aborts. */
  defer(): void {
    if (this.#deferred) return;
    this.#deferred = true;
    this.#inFlight.add(this);
    this.res.onAborted(() => this.#onAborted());
  }

  #onAborted(): void {
    this.aborted = true;
    const gone = new Error('client disconnected');
    this.body?.fail(gone);
    this.#done();
    this.request?.abort(gone);
    this.#cancelStream?.();
    this.#wakeWriter();
  }

  #done(): void {
    this.finished = true;
    this.body?.detach();
    if (this.#deferred) this.#inFlight.delete(this);
  }

  #wakeWriter(): void {
    const wake = this.#writable;
    this.#writable = undefined;
    wake?.();
  }

  /** Writes the app's response; `corked` inside the route handler (uWS corks it), else we cork. */
  respond(response: Response, corked: boolean): void {
    if (!(response instanceof GlobalResponse)) {
      console.error(new TypeError(`the app answered ${String(response)}, not a Response`));
      response = new GlobalResponse(null, { status: 500 });
    }
    const parts = LightResponse.parts(response);
    if (this.finished) {
      cancel(parts.body);
      return;
    }
    if (this.upgrade?.slot.events) {
      cancel(parts.body);
      const { slot, key, protocol, extensions, context } = this.upgrade;
      this.#done();
      this.#corked(corked, () => this.res.upgrade(slot, key, protocol, extensions, context));
      return;
    }
    const bodiless = this.head || parts.status === 204 || parts.status === 304;
    if (parts.body instanceof ReadableStream && !bodiless) {
      this.defer();
      this.#pipe(parts, parts.body);
      return;
    }
    if (this.body && !this.body.complete) {
      this.defer();
      this.#bodyDrained().then((close) => this.#write(parts, bodiless, false, close));
      return;
    }
    this.#write(parts, bodiless, corked, false);
  }

  /**
   * The app answered before reading the whole request body (a 413, a 415, a 404): the rest is
   * read and dropped before the response goes out, then the connection is kept. Closing it while
   * the client still sends would reset it, and the client would lose the response; a client
   * that sends more than DRAIN_LIMIT, or for longer than DRAIN_MS, is answered and closed anyway.
   * Resolves to whether the connection must close.
   */
  async #bodyDrained(): Promise<boolean> {
    if (!this.body || this.body.complete) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const complete = await Promise.race([
      this.body.drain(DRAIN_LIMIT),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_MS))),
    ]);
    clearTimeout(timer);
    return !complete;
  }

  /** A response without a stream: one `end` (or `endWithoutBody` for HEAD, 204 and 304). */
  #write(parts: Parts, bodiless: boolean, corked: boolean, close: boolean): void {
    if (this.finished) {
      cancel(parts.body);
      return;
    }
    this.#done();
    const body = parts.body;
    if (bodiless) {
      cancel(body);
      cancel(parts.source?.body);
    }
    // Inside the route handler uWS has corked the socket already: no closure, no call through cork.
    if (corked) this.#writeNow(parts, bodiless, close);
    else this.res.cork(() => this.#writeNow(parts, bodiless, close));
  }

  #writeNow(parts: Parts, bodiless: boolean, close: boolean): void {
    const body = parts.body;
    writeHead(this.res, parts);
    if (!bodiless) {
      this.res.end((body as string | Uint8Array | null) ?? undefined, close || closeAsked);
      return;
    }
    const length = this.head ? declaredLength ?? byteLength(parts.source?.body ?? body) : undefined;
    if (length !== undefined) this.res.writeHeader('content-length', String(length));
    // endWithoutBody with a length or a close flag misbehaves in this uWS build (it leaves the
    // response unfinished, or adds Content-Length: 0): the length is a header, the close a request.
    if (close || closeAsked) this.res.writeHeader('connection', 'close');
    this.res.endWithoutBody();
  }

  #corked(corked: boolean, write: () => void): void {
    if (corked) write();
    else this.res.cork(write);
  }

  /**
   * Pipes a response stream. Chunks that arrive together go out together, in one corked write
   * (one syscall) at the end of the event-loop turn, or at once when BATCH bytes are waiting,
   * and then the loop yields, so that a stream that never waits cannot starve other sockets.
   * While uWS holds unsent bytes (`write` → false) nothing more is read until `onWritable`: a
   * slow reader holds back the app's (pull-based) stream instead of filling the server's memory.
   */
  async #pipe(parts: Parts, stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = stream.getReader();
    this.#cancelStream = () => reader.cancel(new Error('client disconnected')).catch(noop);
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let blocked = false;
    let scheduled = false;
    let headWritten = false;
    let askedClose = false;
    const writeOut = () => {
      if (!headWritten) {
        writeHead(this.res, parts);
        askedClose = closeAsked;
        headWritten = true;
      }
      if (pending.length === 0) return;
      // One write (one HTTP chunk) per batch: nothing more is written once uWS reports
      // backpressure, which a second write in the same batch would otherwise meet — uWS then
      // drops part of a chunk's framing (seen as "2e" without its CRLF past ~4 MiB of backlog).
      const batch = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (!this.res.write(batch)) blocked = true;
    };
    const flush = () => {
      scheduled = false;
      if (!this.finished && !blocked && pending.length > 0) this.res.cork(writeOut);
    };
    try {
      for (;;) {
        if (blocked) {
          await this.#drained();
          if (this.finished) return;
          blocked = false;
          flush();
          continue;
        }
        const { done, value } = await reader.read();
        if (this.finished) return; // aborted while waiting; the abort cancelled the stream
        if (done) {
          const close = await this.#bodyDrained();
          if (this.finished) return;
          this.#done();
          this.res.cork(() => {
            writeOut();
            this.res.end(undefined, close || askedClose);
          });
          return;
        }
        if (value.byteLength === 0) continue;
        pending.push(value);
        pendingBytes += value.byteLength;
        if (pendingBytes >= BATCH) {
          flush();
          await new Promise((resolve) => setImmediate(resolve));
          if (this.finished) return;
        } else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }
    } catch (err) {
      // The app's stream failed: cut the connection so the client cannot take it for a complete response.
      console.error(err);
      if (!this.finished) {
        this.#done();
        this.res.close();
      }
    }
  }

  #drained(): Promise<void> {
    if (!this.#watchingWritable) {
      this.#watchingWritable = true;
      this.res.onWritable(() => {
        this.#wakeWriter();
        return true;
      });
    }
    return new Promise((resolve) => (this.#writable = resolve));
  }

  /** Shutdown: end the response now. */
  close(): void {
    if (this.finished) return;
    this.#done();
    this.#cancelStream?.();
    this.#wakeWriter();
    this.res.close();
  }
}
