/**
 * workerd: the same Hono app as every other runtime, as a Workers module. Bundled by build.ts and
 * served by `workerd serve` with the generated .tools/workerd/workerd.capnp (see README.md).
 *
 * The app is made on the first request, not at module load: workerd forbids timers, random
 * values and I/O at global scope, and the shortener family starts its click flush timer when it
 * is made. Configuration comes from the environment through the config's `fromEnvironment`
 * bindings, and is checked at load so that a bad variable fails the start, as src/config.ts does
 * on the other runtimes.
 */
import type { ExecutionContext, Hono } from 'hono';
import { upgradeWebSocket } from 'hono/cloudflare-workers';
import { env as startEnv } from 'cloudflare:workers';
import { createApp } from '../../workloads/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLifecycle } from '../../src/lifecycle.ts';
import { inScope, type Scope, workerdData } from './data.ts';

/** PORT, HOST, DATABASE_URL, REDIS_URL and GAUNTLET_DATA (build.ts binds them). */
type Env = Record<string, string | undefined>;

/** An unset variable arrives as null through `fromEnvironment`; src/config.ts expects undefined. */
const fromEnvironment = (env: object): Env =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));

const config = loadConfig(fromEnvironment(startEnv));
const lifecycle = createLifecycle();
const data = config.data && config.databaseUrl ? workerdData(config.databaseUrl) : undefined;
console.log(
  `gauntlet: workerd listening on ${config.host}:${config.port} (${
    data
      ? 'db postgres (postgres.js over cloudflare:sockets, a connection per request), cache memory'
      : config.data
      ? 'no data layer: DATABASE_URL unset (PGlite does not run on workerd)'
      : 'no data layer: GAUNTLET_DATA=off'
  })`,
);

let app: Hono | undefined;

const DISCARD_MAX_BYTES = 16 * 1024 * 1024;
const DISCARD_MAX_MS = 5000;

/**
 * A request body the app left unread (a 413 decided from Content-Length or while streaming a
 * chunked body, a 415) is read and dropped before the response goes out, at most 16 MiB for at
 * most 5 s, as the Django target does: workerd answers and closes the connection with the body
 * still arriving, and the kernel's reset then destroys the answer before the client reads it.
 * Bytes are counted, never kept, so the contract's limits still hold.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISCARD_MAX_MS)));
  const drain = (async () => {
    for (let seen = 0; seen <= DISCARD_MAX_BYTES;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
    }
  })();
  try {
    await Promise.race([drain, expired]);
  } catch {
    // the client went away: nothing left to protect
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
}

interface Guarded {
  request: Request;
  /** Drops what the app left of the body. */
  rest(): Promise<void>;
}

/**
 * With a Content-Length the app decides from the header and leaves the body untouched, so the
 * rest can be read from the request itself. A chunked body is read by the app up to its limit
 * and left locked, so it reaches the app through a stream of ours, and the rest is read from
 * the reader under it. Only requests without a Content-Length pay for that stream.
 */
function guard(request: Request): Guarded {
  const body = request.body;
  if (!body) return { request, rest: () => Promise.resolve() };
  if (request.headers.has('content-length') && !request.headers.has('transfer-encoding')) {
    return {
      request,
      rest: () => (request.bodyUsed || body.locked ? Promise.resolve() : discard(body.getReader())),
    };
  }
  const reader = body.getReader();
  let ended = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        controller.close();
      } else controller.enqueue(value);
    },
  }, { highWaterMark: 0 });
  return {
    request: new Request(request, { body: stream }),
    rest: () => (ended ? Promise.resolve() : discard(reader)),
  };
}

/** Runs the app on the request: the response gets a Date header once the unread body is dropped. */
async function serve(app: Hono, request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const guarded = guard(request);
  const response = await app.fetch(guarded.request, env, ctx);
  await guarded.rest();
  return withDate(response);
}

/**
 * `Date` on every response, as Node, Bun, Deno, hyper and uvicorn add it (RFC 9110 §6.6.1; the
 * TechEmpower verifier requires it): workerd's HTTP server adds none. Formatted once a second.
 */
let dateSecond = -1;
let dateText = '';
function withDate(response: Response): Response {
  if (response.status === 101 || response.headers.has('date')) return response;
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  try {
    response.headers.set('Date', dateText);
    return response;
  } catch {
    // Immutable headers (a response passed through from elsewhere): copy it.
    const copy = new Response(response.body, response);
    copy.headers.set('Date', dateText);
    return copy;
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    app ??= createApp({ upgradeWebSocket, lifecycle, ...(data ? { data, health: data.health } : {}) });
    if (!data) return serve(app, request, env, ctx);
    const scope: Scope = { ended: false };
    try {
      return await inScope(scope, () => serve(app!, request, env, ctx));
    } finally {
      ctx.waitUntil(data.endScope(scope));
    }
  },
};
