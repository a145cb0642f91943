/**
 * The lazy Request handed to `app.fetch`. uWS's HttpRequest lives only during the route
 * handler: the method and URL are copied out at once (cheap strings), the raw headers when first
 * read, or when the route handler returns if the app can still read them then (`release`); a real
 * `Headers` or `Request` is built only when something needs more than `url`, `method`,
 * `headers.get/has` or the body read whole (`text`, `json`, `arrayBuffer`, `formData`), as
 * @hono/node-server's request.ts does. `globalThis.Request` becomes `BridgeRequest`, so that
 * `new Request(lazy, init)` (hono's bodyLimit does this) works like it does with a real one.
 */
import type { HttpRequest } from 'uws-pack';
import type { IncomingBody } from './body.ts';

const GlobalRequest = globalThis.Request;
const GlobalHeaders = globalThis.Headers;
const GlobalResponse = globalThis.Response;
const decoder = new TextDecoder();

const bodyUnusable = () => Promise.reject(new TypeError('Body is unusable: body has already been read'));

/** uWS's header walk, into one flat array without a closure per request. */
let into: string[] = [];
const collect = (name: string, value: string) => {
  into.push(name, value);
};
/** Every header of uWS's request, as `[name, value, name, value…]` (names lowercase). */
export function copyHeaders(req: HttpRequest): string[] {
  const raw: string[] = (into = []);
  req.forEach(collect);
  return raw;
}
/** The headers of a request answered whole inside its route handler, whose headers nobody had read. */
const RELEASED: string[] = [];

/** Request headers over uWS's raw `[name, value, name, value…]` (names already lowercase). */
class LightHeaders {
  readonly #raw: string[];
  #real: Headers | undefined;

  constructor(raw: string[]) {
    this.#raw = raw;
  }

  /** The real Headers, built once; every method but get/has goes through it. */
  materialise(): Headers {
    if (!this.#real) {
      const headers = new GlobalHeaders();
      for (let i = 0; i < this.#raw.length; i += 2) headers.append(this.#raw[i]!, this.#raw[i + 1]!);
      this.#real = headers;
    }
    return this.#real;
  }

  get(name: string): string | null {
    if (this.#real) return this.#real.get(name);
    const key = name.toLowerCase();
    const raw = this.#raw;
    let value: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i] === key) {
        value = value === null ? raw[i + 1]! : `${value}${key === 'cookie' ? '; ' : ', '}${raw[i + 1]}`;
      }
    }
    return value;
  }

  has(name: string): boolean {
    if (this.#real) return this.#real.has(name);
    const key = name.toLowerCase();
    for (let i = 0; i < this.#raw.length; i += 2) if (this.#raw[i] === key) return true;
    return false;
  }

  set(name: string, value: string): void {
    this.materialise().set(name, value);
  }
  append(name: string, value: string): void {
    this.materialise().append(name, value);
  }
  delete(name: string): void {
    this.materialise().delete(name);
  }
  getSetCookie(): string[] {
    return this.materialise().getSetCookie();
  }
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.materialise().forEach((value, key) => callback.call(thisArg, value, key, this as unknown as Headers));
  }
  entries(): HeadersIterator<[string, string]> {
    return this.materialise().entries();
  }
  keys(): HeadersIterator<string> {
    return this.materialise().keys();
  }
  values(): HeadersIterator<string> {
    return this.materialise().values();
  }
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.materialise().entries();
  }
}
Object.setPrototypeOf(LightHeaders.prototype, GlobalHeaders.prototype);

/**
 * The global Request while the bridge runs: a real Request that also accepts a LightRequest as
 * its input (hono's bodyLimit rebuilds the request with `new Request(c.req.raw, { body })`), and
 * that `instanceof` recognises for every real Request, whoever made it.
 */
export class BridgeRequest extends GlobalRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    if (LightRequest.is(input)) {
      if (init?.body != null) {
        // A replacement body: only the request line and headers are taken from the lazy one.
        init = { method: input.method, headers: input.headers.materialise(), signal: input.signal, ...init };
        input = input.url;
      } else {
        input = input.materialise();
      }
    }
    if (init?.body != null && typeof (init.body as ReadableStream).getReader === 'function') {
      init = { duplex: 'half', ...init } as RequestInit;
    }
    super(input, init);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof GlobalRequest;
  }
}

export class LightRequest {
  readonly method: string;
  readonly url: string;
  /**
   * uWS's request while its route handler runs, until the headers are copied out of it (`raw`):
   * copying them all costs ~2,000 instructions, and a GET that reads none (hono's routing, most
   * handlers) never pays it.
   */
  #source: HttpRequest | undefined;
  #raw: string[] | undefined;
  /** Made when first asked for: hono's routing and many handlers never read a header. */
  #headers: LightHeaders | undefined;
  /** Null for GET and HEAD, as in a real Request. */
  readonly #body: IncomingBody | null;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #real: Request | undefined;
  #abort: AbortController | undefined;

  /** `headers`: copied already, or uWS's request, read only until `release` (the end of its route handler). */
  constructor(method: string, url: string, headers: HttpRequest | string[], body: IncomingBody | null) {
    this.method = method;
    this.url = url;
    if (Array.isArray(headers)) this.#raw = headers;
    else this.#source = headers;
    this.#body = body;
  }

  static is(value: unknown): value is LightRequest {
    return typeof value === 'object' && value !== null && #raw in value;
  }

  /** The raw headers, copied out of uWS's request the first time they are asked for. */
  #rawHeaders(): string[] {
    if (!this.#raw) {
      this.#raw = copyHeaders(this.#source!);
      this.#source = undefined;
    }
    if (this.#raw === RELEASED) {
      throw new TypeError(
        'uws bridge: request headers read after the response was written whole inside the route handler ' +
          '(uWS frees its request then; read them before answering)',
      );
    }
    return this.#raw;
  }

  /**
   * The route handler is returning, and uWS's request goes with it. `later`: the app can still
   * read this request (it answered with a promise or a stream, or upgraded): its headers are
   * copied now if nobody has read them yet. Otherwise the app has answered whole, and headers it
   * never read are dropped unread.
   */
  release(later: boolean): void {
    if (!this.#source) return;
    if (later) this.#rawHeaders();
    else {
      this.#raw = RELEASED;
      this.#source = undefined;
    }
  }

  get headers(): LightHeaders {
    return this.#headers ??= new LightHeaders(this.#rawHeaders());
  }

  get signal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal;
  }

  /** The client went away. */
  abort(reason: Error): void {
    this.#abort?.abort(reason);
  }

  /** The body as a pull stream fed from onData: the one a chunked body's size is counted through. */
  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#real) return this.#real.body as ReadableStream<Uint8Array<ArrayBuffer>> | null;
    if (!this.#body) return null;
    return this.#stream ??= this.#body.stream();
  }

  get bodyUsed(): boolean {
    if (this.#real) return this.#real.bodyUsed;
    return this.#body?.disturbed ?? false;
  }

  /** A real Request, built once; from then on everything goes through it. */
  materialise(): Request {
    if (!this.#real) {
      const init: RequestInit & { duplex?: 'half' } = {
        method: this.method,
        headers: this.headers.materialise(),
        signal: this.signal,
      };
      if (this.#body) {
        init.body = this.body;
        init.duplex = 'half';
      }
      this.#real = new GlobalRequest(this.url, init);
    }
    return this.#real;
  }

  /** The whole body, read straight from the socket without a stream when nothing else has read it. */
  #bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#real) return this.#real.arrayBuffer().then((b) => new Uint8Array(b));
    if (!this.#body) return Promise.resolve(new Uint8Array(0));
    if (this.#body.disturbed) return bodyUnusable();
    return this.#body.readAll();
  }

  text(): Promise<string> {
    return this.#bytes().then((b) => decoder.decode(b));
  }
  json(): Promise<unknown> {
    return this.text().then(JSON.parse);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes().then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    // A small body sits in Node's shared Buffer pool: hand out bytes whose `.buffer` is theirs alone.
    return this.#bytes().then((b) => (b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b)));
  }
  blob(): Promise<Blob> {
    return this.#bytes().then((b) => new Blob([b], { type: this.headers.get('content-type') ?? '' }));
  }
  formData(): Promise<FormData> {
    if (this.#real) return this.#real.formData();
    const type = this.headers.get('content-type') ?? '';
    return this.#bytes().then((b) => new GlobalResponse(b, { headers: { 'content-type': type } }).formData());
  }
  clone(): Request {
    return this.materialise().clone();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Request (lazy) ${this.method} ${this.url}`;
  }
}
// Whatever a lazy request does not answer itself, a real one does.
for (
  const key of [
    'cache',
    'credentials',
    'destination',
    'integrity',
    'mode',
    'redirect',
    'referrer',
    'referrerPolicy',
    'keepalive',
    'duplex',
  ]
) {
  Object.defineProperty(LightRequest.prototype, key, {
    get(this: LightRequest) {
      return (this.materialise() as unknown as Record<string, unknown>)[key];
    },
  });
}
Object.setPrototypeOf(LightRequest.prototype, BridgeRequest.prototype);
