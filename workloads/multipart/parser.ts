/**
 * A streaming multipart/form-data parser (RFC 7578 over RFC 2046's framing), fed the body chunk by
 * chunk as it arrives: a part's bytes go to its sink as views of the chunks they came in (no copy),
 * so a file can be hashed while it streams instead of being buffered whole, copied into a File and
 * copied again into an ArrayBuffer. The rules are those of the WHATWG multipart/form-data parser
 * that `Request.formData()` follows (names and filenames in double quotes, `%0A` `%0D` `%22`
 * decoded in them, a part is a file when it has a filename), read as leniently as RFC 2046 reads
 * the framing: a preamble, transport padding after a boundary and an epilogue are allowed.
 * Anything else that does not parse is a `MalformedMultipart`.
 */
import { joined } from '../../src/bytes.ts';

export class MalformedMultipart extends Error {}

export interface PartHead {
  name: string;
  /** Present (possibly empty) when the part is a file. */
  filename: string | undefined;
}

/** Where one part's bytes go: `data` once per piece, in order, then `end`. */
export interface PartSink {
  data(bytes: Uint8Array): void;
  end(): void;
}

const CR = 0x0d, LF = 0x0a, DASH = 0x2d, SPACE = 0x20, TAB = 0x09;
const CRLF = new Uint8Array([CR, LF]);
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

/** The `boundary` parameter of a multipart Content-Type, or undefined when it has none. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A pattern with its Horspool shift table (how far the window may move given its last byte). */
interface Pattern {
  bytes: Uint8Array;
  shift: Uint8Array;
}

/** For patterns of at most 255 bytes (a boundary has at most 70). */
function pattern(bytes: Uint8Array): Pattern {
  const n = bytes.length;
  const shift = new Uint8Array(256).fill(n);
  for (let i = 0; i < n - 1; i++) shift[bytes[i]!] = n - 1 - i;
  return { bytes, shift };
}

const HEAD_END = pattern(new Uint8Array([CR, LF, CR, LF]));

/**
 * The delimiter of the last boundary seen: a client sends every upload with the same boundary, or
 * a new one each time (then this costs what building it costs anyway). Patterns are never written.
 */
let lastDelimiter: { boundary: string; pattern: Pattern } | undefined;
function delimiter(boundary: string): Pattern {
  if (lastDelimiter?.boundary !== boundary) {
    lastDelimiter = { boundary, pattern: pattern(new TextEncoder().encode(`\r\n--${boundary}`)) };
  }
  return lastDelimiter.pattern;
}

/**
 * Where `pat` starts in the carry when it runs on into chunk[at…] (the seam between two chunks),
 * or -1. The carry never holds the pattern whole, so only its last `pat.length - 1` starts are tried.
 */
function startInCarry(carry: Uint8Array, chunk: Uint8Array, at: number, pat: Uint8Array): number {
  const c = carry.length, n = pat.length, total = c + chunk.length - at;
  for (let s = Math.max(0, c - n + 1); s < c && s + n <= total; s++) {
    let j = 0;
    while (j < n && (s + j < c ? carry[s + j] : chunk[at + s + j - c]) === pat[j]) j++;
    if (j === n) return s;
  }
  return -1;
}

/** The first index ≥ from where `p` occurs whole in `hay`, or -1 (Boyer–Moore–Horspool). */
function indexOf(hay: Uint8Array, p: Pattern, from: number): number {
  const pat = p.bytes, shift = p.shift, n = pat.length, last = n - 1, end = hay.length - n;
  const tail = pat[last]!;
  let i = from;
  while (i <= end) {
    const b = hay[i + last]!;
    if (b === tail) {
      let j = last - 1;
      while (j >= 0 && hay[i + j] === pat[j]) j--;
      if (j < 0) return i;
    }
    i += shift[b]!;
  }
  return -1;
}

const S = { preamble: 0, afterBoundary: 1, headers: 2, body: 3, done: 4, failed: 5 } as const;
type State = (typeof S)[keyof typeof S];

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => joined([a, b]);

/**
 * Push the body's chunks in order, then call `end()`; `onPart` gives the sink for each part's
 * bytes as soon as its headers are read. `end` throws `MalformedMultipart` if the body did not
 * parse; `push` never throws: after a failure it ignores what it is given, so that the caller
 * still reads the body to its end (leaving it unread would cost the connection on some servers).
 */
export class MultipartParser {
  readonly #delimiter: Pattern;
  readonly #onPart: (head: PartHead) => PartSink;
  #state: State = S.preamble;
  /** The unconsumed bytes from earlier chunks: a possible start of the pattern, or headers so far. */
  #carry: Uint8Array;
  #sink: PartSink | undefined;
  #error: MalformedMultipart | undefined;

  constructor(boundary: string, onPart: (head: PartHead) => PartSink) {
    if (boundary.length === 0 || boundary.length > 70) throw new MalformedMultipart('bad boundary');
    this.#delimiter = delimiter(boundary);
    this.#onPart = onPart;
    // The first boundary needs no CRLF before it: start as if the body began with one.
    this.#carry = CRLF;
  }

  push(chunk: Uint8Array): void {
    if (this.#state === S.failed) return;
    try {
      this.#push(chunk);
    } catch (err) {
      this.#fail(err);
    }
  }

  end(): void {
    if (this.#state !== S.done && this.#state !== S.failed) {
      this.#fail(new MalformedMultipart('the body ends before the closing boundary'));
    }
    if (this.#error) throw this.#error;
  }

  #fail(err: unknown): void {
    this.#state = S.failed;
    this.#carry = EMPTY;
    if (!(err instanceof MalformedMultipart)) throw err;
    this.#error = err;
  }

  #push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length || this.#carry.length > 0) {
      switch (this.#state) {
        case S.preamble:
        case S.body: {
          const next = this.#scan(chunk, at, this.#delimiter, this.#state === S.body);
          if (next < 0) return;
          at = next;
          if (this.#state === S.body) this.#sink!.end();
          this.#sink = undefined;
          this.#state = S.afterBoundary;
          break;
        }
        case S.afterBoundary: {
          const next = this.#afterBoundary(chunk, at);
          if (next < 0) return;
          at = next;
          break;
        }
        case S.headers: {
          const next = this.#headers(chunk, at);
          if (next < 0) return;
          at = next;
          break;
        }
        default: // done: the epilogue is ignored
          this.#carry = EMPTY;
          return;
      }
    }
  }

  /**
   * Looks for `p` in carry ++ chunk[at…]. Found: the bytes before it go to the part's sink (when
   * `emit`), and the index in chunk just after it is returned. Not found: everything that cannot be
   * the start of `p` is passed on, the rest is kept as the carry, and -1 is returned.
   */
  #scan(chunk: Uint8Array, at: number, p: Pattern, emit: boolean): number {
    const carry = this.#carry, c = carry.length, n = p.bytes.length, pat = p.bytes;
    const s = startInCarry(carry, chunk, at, pat);
    if (s >= 0) {
      if (emit && s > 0) this.#sink!.data(carry.subarray(0, s));
      this.#carry = EMPTY;
      return at + s + n - c;
    }
    const found = indexOf(chunk, p, at);
    if (found >= 0) {
      if (emit) {
        if (c > 0) this.#sink!.data(carry);
        if (found > at) this.#sink!.data(chunk.subarray(at, found));
      }
      this.#carry = EMPTY;
      return found + n;
    }
    // Keep the longest tail of carry ++ chunk that is a prefix of the pattern.
    const total = c + chunk.length - at;
    const byte = (i: number) => (i < c ? carry[i]! : chunk[at + i - c]!);
    let keep = Math.max(0, total - n + 1);
    for (; keep < total; keep++) {
      let j = 0;
      while (keep + j < total && byte(keep + j) === pat[j]) j++;
      if (keep + j === total) break;
    }
    if (keep < c) {
      if (emit && keep > 0) this.#sink!.data(carry.subarray(0, keep));
      this.#carry = concat(carry.subarray(keep), chunk.subarray(at));
    } else {
      if (emit) {
        if (c > 0) this.#sink!.data(carry);
        if (keep > c) this.#sink!.data(chunk.subarray(at, at + keep - c));
      }
      this.#carry = chunk.slice(at + keep - c);
    }
    return -1;
  }

  /** After a boundary: `--` ends the body; else optional spaces or tabs, then CRLF, then headers. */
  #afterBoundary(chunk: Uint8Array, at: number): number {
    const bytes = this.#carry.length > 0 ? concat(this.#carry, chunk.subarray(at)) : chunk.subarray(at);
    const consumed = this.#carry.length > 0 ? -this.#carry.length : 0;
    if (bytes.length < 2) {
      this.#carry = bytes.slice();
      return -1;
    }
    if (bytes[0] === DASH && bytes[1] === DASH) {
      this.#state = S.done;
      this.#carry = EMPTY;
      return chunk.length;
    }
    let i = 0;
    while (i < bytes.length && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
    if (i + 2 > bytes.length) {
      this.#carry = bytes.slice();
      return -1;
    }
    if (bytes[i] !== CR || bytes[i + 1] !== LF) throw new MalformedMultipart('expected CRLF after a boundary');
    // The headers start with a virtual CRLF so that a part without headers ends them at once.
    this.#carry = CRLF;
    this.#state = S.headers;
    return at + consumed + i + 2;
  }

  /** Collects the header block up to the empty line, then opens the part. */
  #headers(chunk: Uint8Array, at: number): number {
    const carry = this.#carry;
    const found = this.#scanHeaders(chunk, at);
    if (found === undefined) {
      this.#carry = concat(carry, chunk.subarray(at));
      return -1;
    }
    const [block, next] = found;
    const head = parseHeaders(utf8.decode(block));
    this.#sink = this.#onPart(head);
    this.#carry = EMPTY;
    this.#state = S.body;
    return next;
  }

  /** The header block (without its final CRLF CRLF) and the index after it, if it is complete. */
  #scanHeaders(chunk: Uint8Array, at: number): [Uint8Array, number] | undefined {
    const carry = this.#carry, c = carry.length;
    // The terminator may straddle carry and chunk: look at the seam first.
    const end = startInCarry(carry, chunk, at, HEAD_END.bytes);
    if (end >= 0) return [carry.subarray(0, end), at + end + 4 - c];
    const found = indexOf(chunk, HEAD_END, at);
    if (found < 0) return undefined;
    return [concat(carry, chunk.subarray(at, found)), found + 4];
  }
}

/** The part's name and filename from its header block (which starts with the virtual CRLF). */
function parseHeaders(block: string): PartHead {
  let head: PartHead | undefined;
  for (const line of block.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedMultipart('expected a header');
    const name = line.slice(0, colon).trim();
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new MalformedMultipart('bad header name');
    if (name.toLowerCase() === 'content-disposition') head = disposition(line.slice(colon + 1));
  }
  if (!head) throw new MalformedMultipart('part without a name');
  return head;
}

const PARAM = /;\s*([^\s=;]+)\s*=\s*(?:"([^"\r\n]*)"|([^;\s"]*))\s*/gy;

/** `form-data; name="…"[; filename="…"]`; quoted values decode %0A, %0D and %22 as browsers encode them. */
function disposition(value: string): PartHead {
  const type = /^\s*form-data\s*/i.exec(value);
  if (!type) throw new MalformedMultipart('expected form-data');
  let name: string | undefined, filename: string | undefined, extended: string | undefined;
  PARAM.lastIndex = type[0].length;
  let m: RegExpExecArray | null;
  while (PARAM.lastIndex < value.length && (m = PARAM.exec(value))) {
    const key = m[1]!.toLowerCase();
    const v = m[2] !== undefined ? unescapeQuoted(m[2]) : m[3]!;
    if (key === 'name') name = v;
    else if (key === 'filename') filename = v;
    else if (key === 'filename*') extended = v;
  }
  if (PARAM.lastIndex < value.length) throw new MalformedMultipart('bad Content-Disposition');
  if (name === undefined) throw new MalformedMultipart('part without a name');
  if (extended !== undefined) {
    const ext = /^utf-8'[^']*'(.*)$/i.exec(extended);
    if (!ext) throw new MalformedMultipart("expected filename*=utf-8''…");
    try {
      filename = decodeURIComponent(ext[1]!);
    } catch {
      throw new MalformedMultipart('bad percent-encoding in filename*');
    }
  }
  return { name, filename };
}

const unescapeQuoted = (s: string): string =>
  s.indexOf('%') < 0 ? s : s.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%22/g, '"');
