/**
 * The uWS route handlers: copy what the app may need out of the stack-allocated HttpRequest,
 * hand a lazy Request to `app.fetch`, and write what comes back, synchronously when the app
 * answered synchronously (no abort handler, no promise, no cork: the fast path).
 */
import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket, us_socket_context_t } from 'uws-pack';
import { IncomingBody } from './body.ts';
import { Exchange, type Upgrade } from './exchange.ts';
import { BridgeHeaders } from './headers.ts';
import { BridgeRequest, copyHeaders, LightRequest } from './request.ts';
import { GlobalResponse, LightResponse } from './response.ts';
import { UPGRADE, type UpgradeEnv, type UpgradeSlot } from './websocket.ts';

export type Fetch = (request: Request, env?: UpgradeEnv) => Response | Promise<Response>;

/**
 * Makes every Request and Response the app creates a lazy one (as @hono/node-server does by
 * default), and every Headers it creates the bridge's flat one.
 */
export function installGlobals(): void {
  if (globalThis.Response === (LightResponse as unknown)) return;
  Object.defineProperty(globalThis, 'Request', { value: BridgeRequest, writable: true, configurable: true });
  Object.defineProperty(globalThis, 'Response', { value: LightResponse, writable: true, configurable: true });
  Object.defineProperty(globalThis, 'Headers', { value: BridgeHeaders, writable: true, configurable: true });
}

/** LIBUS_LISTEN_EXCLUSIVE_PORT: uws-pack exports it, its typings do not. */
const EXCLUSIVE_PORT = 1;

/**
 * Listens exclusively, as Node does: by default uWS shares the port (SO_REUSEPORT) with any
 * server already on it, a stale one included, instead of failing. With `reusePort` (the target's
 * other worker processes share the port) it keeps uWS's default; the orchestrator's listener
 * check then catches a stale server as one socket too many.
 */
export function listen(server: TemplatedApp, host: string, port: number, reusePort = false): Promise<us_listen_socket> {
  const listenWith = server.listen as unknown as (
    host: string,
    port: number,
    flags: number,
    cb: (socket: us_listen_socket | false) => void,
  ) => TemplatedApp;
  return new Promise((resolve, reject) => {
    listenWith.call(server, host, port, reusePort ? 0 : EXCLUSIVE_PORT, (socket) => {
      if (socket) resolve(socket);
      else reject(new Error(`cannot listen on ${host}:${port} (in use?)`));
    });
  });
}

// URLs that are already in the form `new URL(url).href` would give, so that building one can be skipped.
const SAFE_HOST = /^[a-z0-9._-]+(?::[0-9]{1,5})?$/;
const SAFE_PATH = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/** The last host found safe: a client (a keep-alive connection, a load generator) sends the same one each time. */
let safeHost = '';

function requestUrl(host: string, path: string, query: string | undefined): string {
  const url = `http://${host}${path}${query ? `?${query}` : ''}`;
  if (
    (host === safeHost || (SAFE_HOST.test(host) && (safeHost = host))) && SAFE_PATH.test(path) &&
    !DOT_SEGMENT.test(path)
  ) {
    return url;
  }
  if (path.charCodeAt(0) !== 47 && /^https?:\/\//i.test(path)) return new URL(path + (query ? `?${query}` : '')).href;
  return new URL(url).href; // throws on a malformed host or target: 400
}

/**
 * The method as the engine's own constant string. uWS makes a new string of it each time, and a
 * new string used as a property key (hono's router keeps a table per method) is looked up in V8's
 * string table on every request (~450 instructions); Node's HTTP parser hands out constants.
 */
function knownMethod(method: string): string {
  switch (method) {
    case 'GET':
      return 'GET';
    case 'POST':
      return 'POST';
    case 'HEAD':
      return 'HEAD';
    case 'PUT':
      return 'PUT';
    case 'DELETE':
      return 'DELETE';
    case 'PATCH':
      return 'PATCH';
    case 'OPTIONS':
      return 'OPTIONS';
    default:
      return method;
  }
}

const badRequest = () =>
  new GlobalResponse(JSON.stringify({ error: { code: 'invalid_body', message: 'malformed request' } }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  });

const internalError = (err: unknown) => {
  console.error(err);
  return new GlobalResponse(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }), {
    status: 500,
    headers: { 'content-type': 'application/json' },
  });
};

export interface Listener {
  http(res: HttpResponse, req: HttpRequest): void;
  upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void;
  /** Responses begun but not yet finished, for a shutdown to wait for or end. */
  inFlight: Set<Exchange>;
}

/** `defaultHost`: the listening address, for a request whose Host header is empty. */
export function createListener(fetch: Fetch, defaultHost: () => string): Listener {
  const inFlight = new Set<Exchange>();

  function serve(res: HttpResponse, req: HttpRequest, upgrade?: Upgrade): void {
    const method = knownMethod(req.getCaseSensitiveMethod());
    const path = req.getUrl();
    const query = req.getQuery();
    const bodiless = method === 'GET' || method === 'HEAD';
    let headers: HttpRequest | string[];
    let host: string | undefined;
    if (bodiless) {
      // A GET's handler often reads no header (hono's routing reads none): they stay in uWS's
      // request until one is read, and only Host is taken now (LightRequest).
      headers = req;
      host = req.getHeader('host');
    } else {
      // A body's handler reads its Content-Type and Content-Length at once: one walk copies every
      // header now, Host with them (a `getHeader` for Host would come on top of the walk).
      headers = copyHeaders(req);
      for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'host') host = headers[i + 1];
    }
    host ||= defaultHost();

    const body = bodiless ? null : new IncomingBody(res);
    const exchange = new Exchange(res, method === 'HEAD', body, upgrade, inFlight);
    let result: Response | Promise<Response>;
    try {
      const request = new LightRequest(method, requestUrl(host, path, query), headers, body);
      exchange.request = request;
      if (upgrade) upgrade.slot.url = request.url;
      result = fetch(request as unknown as Request, upgrade && { [UPGRADE]: upgrade.slot });
    } catch (err) {
      result = exchange.request ? internalError(err) : badRequest();
    }
    if (result instanceof Promise) {
      exchange.defer();
      result.then(
        (response) => exchange.respond(response, false),
        (err) => exchange.respond(internalError(err), false),
      );
    } else {
      exchange.respond(result, true);
    }
    // A deferred answer (a promise, a streamed body, a body still arriving) or a WebSocket: the app
    // may read the request after this handler returns.
    exchange.request?.release(exchange.deferred || upgrade !== undefined);
  }

  return {
    inFlight,
    http: (res, req) => serve(res, req),
    upgrade(res, req, context) {
      const protocols = req.getHeader('sec-websocket-protocol');
      // A server answers with one of the offered subprotocols, never the whole list.
      const protocol = protocols.split(',')[0]!.trim();
      const slot: UpgradeSlot = { events: undefined, url: '', protocol, state: 0 };
      const key = req.getHeader('sec-websocket-key');
      const extensions = req.getHeader('sec-websocket-extensions');
      serve(res, req, { slot, key, protocol, extensions, context });
    },
  };
}
