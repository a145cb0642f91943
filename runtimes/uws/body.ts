/**
 * A request body as uWS delivers it: chunks pushed by `res.onData`, which must be registered
 * before the route handler returns (uWS drops data that arrives with no handler) and whose
 * ArrayBuffers are neutered when the callback returns, so every chunk is copied. Consumers pull:
 * `read()` for a stream, `readAll()` for `text()`/`json()`. Unread data past a high-water mark
 * pauses the socket, so a body nobody reads is never buffered whole; when the app answers
 * without reading it all, the rest is read and dropped (`drain`).
 */
import type { HttpResponse } from 'uws-pack';

/** Unread bytes queued before the socket is paused. */
const HIGH_WATER = 256 * 1024;

export class IncomingBody {
  readonly #res: HttpResponse;
  #chunks: Uint8Array<ArrayBuffer>[] = [];
  #queued = 0;
  #complete = false;
  #failure: Error | undefined;
  #paused = false;
  /** False once the response has ended or the client has gone: `res` may no longer be touched. */
  #live = true;
  /** Set by readAll(): everything is wanted, so never pause. */
  #wantsAll = false;
  /** Nobody will read the rest: it is counted and thrown away uncopied. */
  #dropping = false;
  #dropped = 0;
  #drained: { limit: number; resolve: (complete: boolean) => void } | undefined;
  #wake: (() => void) | undefined;
  /** A read has started (stream pulled or readAll called): the body is used. */
  disturbed = false;

  constructor(res: HttpResponse) {
    this.#res = res;
    res.onData((chunk, isLast) => this.#push(chunk, isLast));
  }

  /** Every byte has arrived. */
  get complete(): boolean {
    return this.#complete;
  }

  #push(chunk: ArrayBuffer, isLast: boolean): void {
    if (this.#dropping) {
      this.#dropped += chunk.byteLength;
      if (isLast) this.#complete = true;
      this.#settleDrain();
      this.#notify();
      return;
    }
    if (chunk.byteLength > 0) {
      // Buffer.from copies into Node's pool: ten times cheaper than an ArrayBuffer of its own.
      const copy = Buffer.from(new Uint8Array(chunk));
      this.#chunks.push(copy);
      this.#queued += copy.byteLength;
    }
    if (isLast) this.#complete = true;
    else if (this.#queued >= HIGH_WATER && !this.#wantsAll) this.#pause();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #pause(): void {
    if (this.#paused || !this.#live) return;
    this.#paused = true;
    this.#res.pause();
  }

  #resume(): void {
    if (!this.#paused || !this.#live) return;
    this.#paused = false;
    this.#res.resume();
  }

  #waitForData(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** The next chunk, or null at the end; rejects when the client went away mid-body. */
  async read(): Promise<Uint8Array<ArrayBuffer> | null> {
    this.disturbed = true;
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk) {
        this.#queued -= chunk.byteLength;
        if (this.#queued < HIGH_WATER) this.#resume();
        return chunk;
      }
      if (this.#failure) throw this.#failure;
      if (this.#complete) return null;
      this.#resume();
      await this.#waitForData();
    }
  }

  /** The whole body as one buffer; rejects when the client went away mid-body. */
  async readAll(): Promise<Uint8Array<ArrayBuffer>> {
    this.disturbed = true;
    this.#wantsAll = true;
    this.#resume();
    while (!this.#complete) {
      if (this.#failure) throw this.#failure;
      await this.#waitForData();
    }
    if (this.#failure) throw this.#failure;
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#queued = 0;
    if (chunks.length === 1) return chunks[0]!;
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.byteLength;
    }
    return all;
  }

  /** A pull-based stream over read(): a chunk is taken from the socket only when asked for. */
  stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (controller) => {
        try {
          const chunk = await this.read();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        } catch (err) {
          controller.error(err);
        }
      },
      cancel: () => this.discard(),
    }, { highWaterMark: 0 });
  }

  /** Nobody will read what is queued. */
  discard(): void {
    this.#chunks = [];
    this.#queued = 0;
  }

  /** The client went away: pending and future reads reject; `res` is no longer touched. */
  fail(reason: Error): void {
    this.#live = false;
    this.#failure = reason;
    this.discard();
    this.#notify();
    this.#settleDrain();
  }

  /**
   * Reads the rest of the body and drops it; resolves true once it has all arrived, false if more
   * than `limit` bytes were dropped or the client went away. (Closing the socket while a client
   * still sends resets the connection, and the client loses the response written just before.)
   */
  drain(limit: number): Promise<boolean> {
    this.#dropping = true;
    this.discard();
    this.#resume();
    return new Promise((resolve) => {
      this.#drained = { limit, resolve };
      this.#settleDrain();
    });
  }

  #settleDrain(): void {
    const drained = this.#drained;
    if (!drained) return;
    if (this.#complete || this.#failure || this.#dropped > drained.limit) {
      this.#drained = undefined;
      drained.resolve(this.#complete && !this.#failure);
    }
  }

  /** The response is ending: `res` is no longer touched, and whatever still arrives is dropped. */
  detach(): void {
    this.#live = false;
    this.#dropping = true;
    this.discard();
  }
}
