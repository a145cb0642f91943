/**
 * The control targets' work, without a framework: /plaintext, /json and POST /json/small with
 * the same zod schema and the same body checks as the app (415, 413, 400, 422; docs/contract.md),
 * plus /health for the orchestrator. Comparing a runtime's target with its bare control shows what
 * Hono costs on it.
 */
import { JSON_LIMIT } from '../../contract/limits.ts';
import { textOf } from '../../src/bytes.ts';
import { small } from '../../workloads/json/schemas.ts';

export const PLAINTEXT = 'Hello, World!';
export const jsonMessage = (): string => JSON.stringify({ message: 'Hello, World!' });
export const HEALTH = '{"status":"ok","db":{"backend":"none","up":false},"cache":{"backend":"none","up":false}}';

/** A response of the control's: its status and JSON body. */
export interface Answer {
  status: number;
  body: string;
}

const UNSUPPORTED: Answer = {
  status: 415,
  body: '{"error":{"code":"unsupported_media_type","message":"expected application/json"}}',
};
export const TOO_LARGE: Answer = {
  status: 413,
  body: `{"error":{"code":"too_large","message":"body exceeds ${JSON_LIMIT} bytes"}}`,
};
export const UNREADABLE: Answer = {
  status: 400,
  body: '{"error":{"code":"invalid_body","message":"the body could not be read to its end"}}',
};

/**
 * POST /json/small's checks before its body is read, in the contract's order (as the app's guard):
 * the media type (415), then a declared length over the limit (413). Undefined: read the body, which
 * stops at JSON_LIMIT when no length was declared.
 */
export function refusal(
  contentType: string | null | undefined,
  contentLength: string | null | undefined,
): Answer | undefined {
  if ((contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() !== 'application/json') return UNSUPPORTED;
  if (contentLength != null && Number(contentLength) > JSON_LIMIT) return TOO_LARGE;
  return undefined;
}

/** POST /json/small's answer to a body read whole: the validated object, or the contract's error. */
export function jsonSmall(body: string): Answer {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { status: 400, body: '{"error":{"code":"invalid_body","message":"malformed JSON"}}' };
  }
  const result = small.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path, message: i.message }));
    return { status: 422, body: JSON.stringify({ error: { code: 'validation_failed', message: 'invalid', issues } }) };
  }
  return { status: 200, body: JSON.stringify(result.data) };
}

/** POST /json/small's answer to a chunked body: read to its end, or the 413 once it passes JSON_LIMIT (never buffered past it). */
async function chunkedSmall(request: Request): Promise<Answer> {
  const reader = request.body?.getReader();
  if (!reader) return jsonSmall('');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > JSON_LIMIT) {
      await reader.cancel();
      return TOO_LARGE;
    }
    chunks.push(r.value);
  }
  return jsonSmall(textOf(chunks));
}

export const NOT_FOUND = '{"error":{"code":"not_found","message":"no such route"}}';

/** The same routes as a fetch handler, for Bun.serve and Deno.serve. */
export async function bareFetch(request: Request): Promise<Response> {
  const path = request.url.slice(request.url.indexOf('/', 8));
  const json = { 'content-type': 'application/json', server: 'bare' };
  if (request.method === 'GET') {
    if (path === '/plaintext') {
      return new Response(PLAINTEXT, { headers: { 'content-type': 'text/plain', server: 'bare' } });
    }
    if (path === '/json') return new Response(jsonMessage(), { headers: json });
    if (path === '/health') return new Response(HEALTH, { headers: json });
  } else if (request.method === 'POST' && path === '/json/small') {
    const length = request.headers.get('content-length');
    let out = refusal(request.headers.get('content-type'), length);
    if (!out) {
      try {
        // A declared length was checked: the runtime reads exactly that many bytes.
        out = length === null ? await chunkedSmall(request) : jsonSmall(await request.text());
      } catch {
        out = UNREADABLE;
      }
    }
    return new Response(out.body, { status: out.status, headers: json });
  }
  return new Response(NOT_FOUND, { status: 404, headers: json });
}
