/**
 * The control targets' work, without a framework: /plaintext, /json and POST /json/small with
 * the same zod schema as the app, plus /health for the orchestrator. Comparing a runtime's
 * target with its bare control shows what Hono costs on it.
 */
import { small } from '../../workloads/json/schemas.ts';

export const PLAINTEXT = 'Hello, World!';
export const jsonMessage = (): string => JSON.stringify({ message: 'Hello, World!' });
export const HEALTH = '{"status":"ok","db":{"backend":"none","up":false},"cache":{"backend":"none","up":false}}';

/** The body of POST /json/small and its status: the validated object, or the contract's error. */
export function jsonSmall(contentType: string | null, body: string): { status: number; body: string } {
  if ((contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() !== 'application/json') {
    return { status: 415, body: '{"error":{"code":"unsupported_media_type","message":"expected application/json"}}' };
  }
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
    const out = jsonSmall(request.headers.get('content-type'), await request.text());
    return new Response(out.body, { status: out.status, headers: json });
  }
  return new Response(NOT_FOUND, { status: 404, headers: json });
}
