/**
 * The lazy Response: `globalThis.Response` while the bridge runs, as @hono/node-server's
 * response.ts does. A response made from a string, bytes or a stream keeps them as given, so
 * the bridge writes a string straight to the socket and pipes a stream without ever building a
 * real Response; one is built only when something reads the body back or passes another kind
 * of body (Blob, FormData, URLSearchParams …).
 */
import { BridgeHeaders, isHeaderName } from './headers.ts';

export const GlobalResponse = globalThis.Response;
const GlobalHeaders = globalThis.Headers;

const TEXT = 'text/plain;charset=UTF-8';
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export type BodyPart = string | Uint8Array | ReadableStream<Uint8Array> | null;

/** What the bridge writes: the response's own headers init (not yet a Headers) when it can. */
export interface Parts {
  status: number;
  headers: HeadersInit | undefined;
  body: BodyPart;
  /** A string body with no Content-Type gets text/plain, as a real Response would. */
  defaultType: boolean;
  /** HEAD: the GET response hono made this one from; its body gives the Content-Length. */
  source: Parts | undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\0\r\n]/;

/**
 * Headers given as a record or as pairs are written to the socket as given, so they must be what
 * a real Headers would accept (no CR/LF to split the response with); anything else, a real
 * Response checks, and throws for.
 */
function writableAsGiven(headers: HeadersInit | undefined): boolean {
  if (headers === undefined) return true;
  // A record first: the app's constant headers (techJson's) are one, and the tests below cost more on it.
  const proto = Object.getPrototypeOf(headers);
  if (proto === Object.prototype || proto === null) {
    for (const name in headers) {
      const value = (headers as Record<string, unknown>)[name];
      if (typeof value !== 'string' || !isHeaderName(name) || BAD_VALUE.test(value)) return false;
    }
    return true;
  }
  if (BridgeHeaders.list(headers) || headers instanceof GlobalHeaders) return true;
  if (Array.isArray(headers)) {
    return headers.every((pair) =>
      pair.length === 2 && typeof pair[1] === 'string' && TOKEN.test(pair[0]!) && !BAD_VALUE.test(pair[1])
    );
  }
  return false;
}

export class LightResponse {
  #body: BodyPart = null;
  #status = 200;
  #statusText = '';
  #init: HeadersInit | undefined;
  #headers: Headers | undefined;
  #source: LightResponse | undefined;
  #real: Response | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    if (init instanceof GlobalResponse) {
      // hono answers HEAD with `new Response(null, responseToGet)`: keep it for its length.
      if (LightResponse.#isLight(init)) this.#source = init;
      init = {
        status: init.status,
        statusText: init.statusText,
        headers: new BridgeHeaders(init.headers) as unknown as Headers,
      };
    }
    const status = init?.status ?? 200;
    let part: BodyPart | undefined;
    if (body == null) part = null;
    else if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream) part = body;
    else if (body instanceof ArrayBuffer) part = new Uint8Array(body);
    if (
      part === undefined || status < 200 || status > 599 || (part !== null && NULL_BODY_STATUS.has(status)) ||
      !writableAsGiven(init?.headers)
    ) {
      // Another kind of body, or a status or headers a real Response validates (and throws for).
      this.#real = new GlobalResponse(body, init);
      return;
    }
    this.#body = part;
    this.#status = status;
    this.#statusText = init?.statusText ?? '';
    this.#init = init?.headers;
  }

  static #isLight(value: object): value is LightResponse {
    return #body in value;
  }

  /** What to write, without building a real Response unless the app already made one. */
  static parts(response: Response): Parts {
    if (LightResponse.#isLight(response) && !response.#real) {
      return {
        status: response.#status,
        headers: response.#headers ?? response.#init,
        body: response.#body,
        defaultType: typeof response.#body === 'string' && !response.#headers,
        source: response.#source && LightResponse.parts(response.#source as unknown as Response),
      };
    }
    const real = LightResponse.#isLight(response) ? response.#real! : response;
    return { status: real.status, headers: real.headers, body: real.body, defaultType: false, source: undefined };
  }

  /** A real Response, built once; from then on everything goes through it. */
  materialise(): Response {
    if (!this.#real) {
      const headers = this.headers;
      this.#real = new GlobalResponse(this.#body as BodyInit | null, {
        status: this.#status,
        statusText: this.#statusText,
        headers,
      });
    }
    return this.#real;
  }

  get status(): number {
    return this.#real ? this.#real.status : this.#status;
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return this.#real ? this.#real.statusText : this.#statusText;
  }
  get headers(): Headers {
    if (this.#real) return this.#real.headers;
    if (!this.#headers) {
      const headers = new BridgeHeaders(this.#init);
      if (typeof this.#body === 'string' && !headers.has('content-type')) headers.set('content-type', TEXT);
      this.#headers = headers as unknown as Headers;
    }
    return this.#headers;
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.materialise().body;
  }
  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : false;
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data);
    if (body === undefined) throw new TypeError('The data is not JSON serializable');
    const headers = new BridgeHeaders(init?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new LightResponse(body, { ...init, headers: headers as unknown as Headers }) as unknown as Response;
  }

  static redirect(url: string | URL, status = 302): Response {
    return GlobalResponse.redirect(url, status);
  }

  static error(): Response {
    return GlobalResponse.error();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Response (lazy) ${this.status} ${this.#real ? '(materialised)' : typeof this.#body}`;
  }

  /** Every Response is one, whether the bridge made it lazily or anything else made a real one. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof GlobalResponse;
  }
}
// Whatever a lazy response does not answer itself, a real one does.
for (const key of ['type', 'url', 'redirected', 'trailers']) {
  Object.defineProperty(LightResponse.prototype, key, {
    get(this: LightResponse) {
      return (this.materialise() as unknown as Record<string, unknown>)[key];
    },
  });
}
for (const key of ['arrayBuffer', 'blob', 'bytes', 'clone', 'formData', 'json', 'text']) {
  Object.defineProperty(LightResponse.prototype, key, {
    value(this: LightResponse) {
      const real = this.materialise() as unknown as Record<string, () => unknown>;
      return real[key]!();
    },
  });
}
Object.setPrototypeOf(LightResponse, GlobalResponse);
Object.setPrototypeOf(LightResponse.prototype, GlobalResponse.prototype);
