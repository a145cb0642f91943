/**
 * Bytes read in pieces, put together: what the app's body reads, multipart's parser and the bare
 * controls share. No framework here, so a control can use it without loading Hono.
 */

/** The pieces' bytes, in order, in one new array (a copy, never a view of a piece). */
export function joined(pieces: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of pieces) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const utf8 = new TextDecoder();

/** The chunks as one string (UTF-8, malformed sequences replaced, as `Request.text()` does). */
export const textOf = (chunks: readonly Uint8Array[]): string =>
  utf8.decode(chunks.length === 1 ? chunks[0] : joined(chunks));
