/**
 * The `node-server` transport (Node only): the request goes in as the node target receives it, an
 * http.IncomingMessage through @hono/node-server's request listener (its lazy Request, its
 * lightweight Response, its header writing), and comes out of an http.ServerResponse whose bytes
 * are kept in memory instead of written to a socket. So the figures include the adapter the node
 * target runs, which the `fetch` transport replaces by undici's Request and Response.
 *
 * Making the listener installs @hono/node-server's Request and Response as the globals, as the
 * node target's start does: from then on, in this process, every Request and Response is theirs.
 */
import { IncomingMessage, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { fixtureBytes, type Handler, type Reply, type Transport } from './cases.ts';

/** A response that keeps what the listener writes: status and headers as given to writeHead, the body's bytes. */
class KeptResponse extends ServerResponse {
  head: OutgoingHttpHeaders = {};
  chunks: Uint8Array[] = [];
  ended: () => void = () => {};

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    const headers = rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r));
    if (headers) this.head = headers as OutgoingHttpHeaders;
    // The real one: it checks the headers and renders the head as the node target does.
    return super.writeHead(statusCode, ...(rest as [OutgoingHttpHeaders]));
  }

  override write(chunk: unknown): boolean {
    this.keep(chunk);
    return true;
  }

  override end(chunk?: unknown): this {
    if (typeof chunk !== 'function') this.keep(chunk);
    this.ended();
    return this;
  }

  private keep(chunk: unknown): void {
    if (typeof chunk === 'string') this.chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) this.chunks.push(chunk);
  }
}

/** The `node-server` transport; each handler gets its own listener, made once. */
export function nodeServerTransport(): Transport {
  const listeners = new Map<Handler, (req: IncomingMessage, res: ServerResponse) => unknown>();
  // One socket object for every request, as on a keep-alive connection; nothing is ever written to it.
  const socket = new Socket();
  return (endpoint, handler) => {
    let listener = listeners.get(handler);
    if (!listener) {
      listener = typeof handler === 'function' ? getRequestListener(handler) : handler.listener;
      listeners.set(handler, listener);
    }
    const run = listener;
    const { method, path, headers = {}, bodyFile } = endpoint.request;
    const body = bodyFile ? Buffer.from(fixtureBytes(bodyFile)) : undefined;
    const incomingHeaders: Record<string, string> = {
      host: 'localhost',
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
      ...(body ? { 'content-length': String(body.byteLength) } : {}),
    };
    const rawHeaders = Object.entries(incomingHeaders).flat();
    return () => {
      const req = new IncomingMessage(socket);
      req.method = method;
      req.url = path;
      req.headers = incomingHeaders;
      req.rawHeaders = rawHeaders;
      if (body) req.push(body);
      req.push(null);
      const res = new KeptResponse(req);
      return new Promise<Reply>((resolve, reject) => {
        res.ended = () => {
          const text = () => Promise.resolve(Buffer.concat(res.chunks).toString('utf8'));
          resolve({
            status: res.statusCode,
            header: (name) => {
              const key = Object.keys(res.head).find((k) => k.toLowerCase() === name);
              const value = key === undefined ? res.getHeader(name) : res.head[key];
              return value === undefined ? null : String(value);
            },
            text,
            drain: () => Promise.resolve(),
          });
        };
        try {
          // The adapter's listener returns a promise; node:http's (the `listener` case) nothing.
          (run(req, res) as Promise<void> | undefined)?.catch(reject);
        } catch (err) {
          reject(err);
        }
      });
    };
  };
}
