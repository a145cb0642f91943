/**
 * The Headers class the app sees while the bridge runs (`globalThis.Headers`): the Fetch
 * standard's Headers over one flat `[name, value, name, value…]` list, so that what hono does on
 * every response (`new Headers()`, `set('server', …)`, `set('content-type', …)`) and the bridge's
 * walk over it to write them cost a few array operations instead of undici's header list, its
 * sort and its WebIDL layer. It validates and normalises as the standard says (a bad name or a
 * value with CR, LF or NUL throws the same TypeError), iterates sorted and combined, keeps each
 * Set-Cookie apart; Node's own Headers remains for whatever Node builds (fetch, real Requests
 * and Responses), and either passes `instanceof Headers`.
 */
const GlobalHeaders = globalThis.Headers;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Values that need more than a look: a CR, LF or NUL, or a code unit that is not a byte. */
const UNUSUAL_VALUE = /[\0\n\r\u0100-\uffff]/;
const NOT_BYTES = /[\u0100-\uffff]/;
const FORBIDDEN_IN_VALUE = /[\0\n\r]/;
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** Names seen before, lowercased: the same few names come with every response. */
const knownNames = new Map<string, string>();
const KNOWN_NAMES_MAX = 512;

/** The name lowercased when it is a token, else undefined; remembered, as the same few names come again. */
function lowerToken(name: string): string | undefined {
  const known = knownNames.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) return undefined;
  const lower = name.toLowerCase();
  if (knownNames.size < KNOWN_NAMES_MAX) knownNames.set(name, lower);
  return lower;
}

function headerName(value: unknown): string {
  const name = `${value}`;
  const lower = lowerToken(name);
  if (lower === undefined) throw new TypeError(`Headers: invalid header name ${JSON.stringify(name)}`);
  return lower;
}

/**
 * Whether a name of a headers record is a token, through headerName's memory: a call to TOKEN
 * costs ~400 instructions, and a response's record brings the same few names each time.
 */
export const isHeaderName = (name: string): boolean => lowerToken(name) !== undefined;

const isWhitespace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

function headerValue(raw: unknown): string {
  let value = `${raw}`;
  const n = value.length;
  if (n > 0 && (isWhitespace(value.charCodeAt(0)) || isWhitespace(value.charCodeAt(n - 1)))) {
    value = value.replace(EDGE_WHITESPACE, '');
  }
  if (UNUSUAL_VALUE.test(value)) {
    if (NOT_BYTES.test(value)) throw new TypeError('Headers: a header value must be a ByteString');
    if (FORBIDDEN_IN_VALUE.test(value)) throw new TypeError(`Headers: invalid header value ${JSON.stringify(value)}`);
  }
  return value;
}

function required(given: number, needed: number, method: string): void {
  if (given < needed) {
    throw new TypeError(`Headers.${method}: ${needed} argument${needed > 1 ? 's' : ''} required, ${given} given`);
  }
}

type Pair = [string, string];

export class BridgeHeaders {
  /** `[name, value, …]`, names lowercased, in the order they were added. */
  #list: string[] = [];
  /** Bumped by every change, so that an iteration takes the pairs again only after one. */
  #version = 0;

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (typeof init !== 'object' || init === null) {
      throw new TypeError('Headers: the init must be a record, a sequence of pairs or a Headers');
    }
    if (#list in init) {
      this.#list = (init as BridgeHeaders).#list.slice();
      return;
    }
    const iterate = (init as Iterable<unknown>)[Symbol.iterator];
    if (typeof iterate === 'function') {
      for (const pair of init as Iterable<unknown>) {
        if (
          typeof pair !== 'object' || pair === null ||
          typeof (pair as Iterable<unknown>)[Symbol.iterator] !== 'function'
        ) {
          throw new TypeError('Headers: each header of a sequence must be a [name, value] pair');
        }
        const parts = [...(pair as Iterable<unknown>)];
        if (parts.length !== 2) throw new TypeError('Headers: each header of a sequence must be a [name, value] pair');
        this.#list.push(headerName(parts[0]), headerValue(parts[1]));
      }
      return;
    }
    for (const key of Reflect.ownKeys(init)) {
      if (!Object.prototype.propertyIsEnumerable.call(init, key)) continue;
      if (typeof key === 'symbol') throw new TypeError('Headers: a header name cannot be a Symbol');
      this.#list.push(headerName(key), headerValue((init as Record<string, unknown>)[key]));
    }
  }

  /** The bridge's view: the flat list itself (not to be changed), or undefined for any other object. */
  static list(headers: unknown): readonly string[] | undefined {
    return typeof headers === 'object' && headers !== null && #list in headers
      ? (headers as BridgeHeaders).#list
      : undefined;
  }

  append(name: string, value: string): void {
    required(arguments.length, 2, 'append');
    this.#version++;
    this.#list.push(headerName(name), headerValue(value));
  }

  delete(name: string): void {
    required(arguments.length, 1, 'delete');
    const key = headerName(name);
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === key) {
        this.#version++;
        this.#list = list.filter((_, j) => list[j - (j & 1)] !== key);
        return;
      }
    }
  }

  get(name: string): string | null {
    required(arguments.length, 1, 'get');
    const key = headerName(name);
    const list = this.#list;
    let value: string | null = null;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === key) value = value === null ? list[i + 1]! : `${value}, ${list[i + 1]}`;
    }
    return value;
  }

  getSetCookie(): string[] {
    const list = this.#list;
    const cookies: string[] = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === 'set-cookie') cookies.push(list[i + 1]!);
    return cookies;
  }

  has(name: string): boolean {
    required(arguments.length, 1, 'has');
    const key = headerName(name);
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) if (list[i] === key) return true;
    return false;
  }

  set(name: string, value: string): void {
    required(arguments.length, 2, 'set');
    const key = headerName(name);
    const normalised = headerValue(value);
    const list = this.#list;
    this.#version++;
    let at = -1;
    let others = false;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] !== key) continue;
      if (at < 0) at = i;
      else others = true;
    }
    if (at < 0) {
      list.push(key, normalised);
      return;
    }
    list[at + 1] = normalised;
    if (others) this.#list = list.filter((_, j) => j <= at + 1 || list[j - (j & 1)] !== key);
  }

  /** The standard's "sort and combine": by name, each name once, but every Set-Cookie on its own. */
  #pairs(): Pair[] {
    const list = this.#list;
    const names: string[] = [];
    for (let i = 0; i < list.length; i += 2) if (!names.includes(list[i]!)) names.push(list[i]!);
    names.sort();
    const pairs: Pair[] = [];
    for (const name of names) {
      if (name === 'set-cookie') { for (const cookie of this.getSetCookie()) pairs.push([name, cookie]); }
      else pairs.push([name, this.get(name)!]);
    }
    return pairs;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    required(arguments.length, 1, 'forEach');
    if (typeof callback !== 'function') throw new TypeError('Headers.forEach: the callback must be a function');
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this as unknown as Headers);
  }

  /** As the standard's iteration: after a change (by the loop's body, say) it goes on over the new pairs. */
  *entries(): HeadersIterator<Pair> {
    let version = this.#version;
    let pairs = this.#pairs();
    for (let i = 0;; i++) {
      if (version !== this.#version) {
        version = this.#version;
        pairs = this.#pairs();
      }
      if (i >= pairs.length) return;
      yield pairs[i]!;
    }
  }

  *keys(): HeadersIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): HeadersIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): HeadersIterator<Pair> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, string> {
    return Object.fromEntries(this.entries());
  }

  /** Every Headers is one, Node's own (a fetch's, a real Response's) as well as the bridge's. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return (typeof value === 'object' && value !== null && #list in value) || value instanceof GlobalHeaders;
  }
}
