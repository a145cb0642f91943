/**
 * TechEmpower's verifier requires a `Server` header on its json, plaintext, db and query tests;
 * the four endpoints that are those tests answer through these two functions.
 *
 * Their headers are one record each, made once: a route that sets a second header with Hono's
 * `c.header()` makes Hono build a `Headers` per request (and @hono/node-server then copies it back
 * into a record to write it). A Response made with a plain record goes out as it is on every
 * adapter. The bytes on the wire are those of `c.header('Server', …)` + `c.json()` / `c.text()`.
 */
export const SERVER = 'Hono';

const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json', server: SERVER };
const TEXT_HEADERS: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8', server: SERVER };

/** A TechEmpower JSON answer: `value` serialised, with the Server header. */
export const techJson = (value: unknown): Response => new Response(JSON.stringify(value), { headers: JSON_HEADERS });

/** A TechEmpower plaintext answer, with the Server header. */
export const techText = (text: string): Response => new Response(text, { headers: TEXT_HEADERS });
