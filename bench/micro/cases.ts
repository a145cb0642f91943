/**
 * The micro-benchmark's cases: a catalogue workload sent in-process (no socket, no server) to one
 * of three fetch handlers — the whole app, an app of the basic family alone, the bare control.
 * Every request is the catalogue's (contract/catalogue.ts: method, path, headers, fixture body
 * byte for byte) and every response is checked by contract/expect.ts, as over the wire.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineWebSocketHelper } from 'hono/ws';
import { byId, type Endpoint } from '../../contract/catalogue.ts';
import { mismatches, type Observed } from '../../contract/expect.ts';
import { ApiError, errorResponse } from '../../src/errors.ts';
import type { AppDeps } from '../../src/deps.ts';
import { createLifecycle } from '../../src/lifecycle.ts';
import { createApp } from '../../workloads/app.ts';
import basic from '../../workloads/basic/index.ts';
import { bareFetch } from '../../runtimes/bare/handler.ts';
import { bareListener } from '../../runtimes/bare/listener.ts';

/**
 * `app`: createApp with every family (the router the targets run, data families answering 503 as
 * with GAUNTLET_DATA=off); `basic`: the basic family alone, so `app ÷ basic` is what mounting every
 * other family costs a route; `bare`: runtimes/bare/handler.ts, the control without a framework;
 * `listener` (the node-server transport only): the bare node target's node:http listener, so
 * `app ÷ listener` is all the node target adds over node:http and `bare ÷ listener` the adapter's share.
 */
export type HandlerName = 'app' | 'basic' | 'bare' | 'listener';
/** `env`: what the server passes beside the request (@hono/node-server: its IncomingMessage and ServerResponse). */
export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;
/** A fetch handler, or a node:http request listener (which only the node-server transport can run). */
export type Handler = FetchHandler | { listener: (req: IncomingMessage, res: ServerResponse) => void };

export interface Case {
  /** `<workload>/<handler>`: what `--filter` matches. */
  name: string;
  /** The table the case is printed in. */
  group: 'routing' | 'json' | 'families';
  endpoint: Endpoint;
  handler: HandlerName;
}

/** In-process there is no socket to upgrade; the app still mounts its /ws route. */
const noUpgrade = defineWebSocketHelper(() => errorResponse(new ApiError('not_found', 'no WebSocket in-process')));

/**
 * The handlers, built once: a case measures requests, not building the app. `reads`: the
 * runtime's own body and header reads, as its entry gives them (the node-server transport runs the node target's).
 */
export function handlers(reads: Pick<AppDeps, 'readBody' | 'bodyHeaders'> = {}): Record<HandlerName, Handler> {
  const deps: AppDeps = { upgradeWebSocket: noUpgrade, lifecycle: createLifecycle(), ...reads };
  const app = createApp(deps);
  const only = createApp(deps, [basic]);
  return {
    app: (request, env) => app.fetch(request, env),
    basic: (request, env) => only.fetch(request, env),
    bare: bareFetch,
    listener: { listener: bareListener },
  };
}

const WORKLOADS = new URL('../../workloads/', import.meta.url);
export const fixtureBytes = (file: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(new URL(file, WORKLOADS)));
const fixtureText = (file: string): string => readFileSync(new URL(file, WORKLOADS), 'utf8');

/**
 * A function that makes the endpoint's request afresh (a Request's body can be read once), as a
 * server adapter hands it to the app: an absolute URL, the catalogue's headers and the body's
 * Content-Length, which the app's body limits read.
 */
export function requestMaker(endpoint: Endpoint, origin = 'http://localhost'): () => Request {
  const { method, path, headers, bodyFile } = endpoint.request;
  const url = origin + path;
  if (!bodyFile) return () => new Request(url, { method, headers });
  const body = fixtureBytes(bodyFile);
  const withLength = { ...headers, 'content-length': String(body.byteLength) };
  return () => new Request(url, { method, headers: withLength, body });
}

/** A response as a transport hands it back. */
export interface Reply {
  status: number;
  header(name: string): string | null;
  text(): Promise<string>;
  /** Reads the body to its end (as a server writes it out), keeping nothing. */
  drain(): Promise<unknown>;
}

/** Sends the case's request, afresh each call, and returns the response. */
export type Send = () => Promise<Reply>;

/**
 * How a request reaches the handler. `fetch`: a Request made in-process, handed to the fetch
 * handler, its Response read (bench/micro/node-server.ts has the other, Node only).
 */
export type Transport = (endpoint: Endpoint, handler: Handler) => Send;

export const fetchTransport: Transport = (endpoint, handler) => {
  if (typeof handler !== 'function') throw new Error('a node:http listener runs only on the node-server transport');
  const make = requestMaker(endpoint);
  return async () => {
    const response = await handler(make());
    return {
      status: response.status,
      header: (name) => response.headers.get(name),
      text: () => response.text(),
      drain: () => response.arrayBuffer(),
    };
  };
};

/**
 * Sends the case's request once and returns every way its response differs from the catalogue's
 * `expect` (empty: correct). The case is timed only when this is empty.
 */
export async function check(c: Case, send: Send): Promise<string[]> {
  let reply: Reply;
  try {
    reply = await send();
  } catch (err) {
    return [`the handler threw: ${(err as Error).message}`];
  }
  const location = reply.header('location');
  const observed: Observed = {
    status: reply.status,
    contentType: reply.header('content-type') ?? '',
    body: await reply.text(),
    ...(location ? { location } : {}),
  };
  return mismatches(c.endpoint.expect, observed, fixtureText);
}

/**
 * One operation of the case: send the request, read the whole response body, and throw on any
 * status but the expected one, so a case that starts failing midway stops the run instead of
 * timing error responses.
 */
export function operation(c: Case, send: Send): () => Promise<void> {
  const expect = c.endpoint.expect;
  if (expect.kind === 'websocket-echo') throw new Error(`${c.name}: a WebSocket echo has no in-process request`);
  const status = expect.status;
  return async function op() {
    const reply = await send();
    await reply.drain();
    if (reply.status !== status) throw new Error(`${c.name}: status ${reply.status}, expected ${status}`);
  };
}

const at = (group: Case['group'], id: string, handler: HandlerName): Case => ({
  name: `${id}/${handler}`,
  group,
  endpoint: byId(id),
  handler,
});

/**
 * The hot paths, in the order they run. Routing and POST /json/small on all the handlers that
 * serve them (the bare control serves only /plaintext, /json and POST /json/small); one or two
 * workloads of every family that runs without services and without a socket (sse and ws need a
 * stream or an upgrade, db and shortener a database).
 */
export const CASES: readonly Case[] = [
  ...['basic-json', 'basic-plaintext'].flatMap((id) =>
    (['app', 'basic', 'bare', 'listener'] as const).map((handler) => at('routing', id, handler))
  ),
  at('json', 'json-small', 'app'),
  at('json', 'json-small', 'bare'),
  at('json', 'json-small', 'listener'),
  at('json', 'json-medium', 'app'),
  at('json', 'json-large', 'app'),
  at('json', 'basic-echo', 'app'),
  ...[
    'path-simple',
    'path-deep',
    'query-few',
    'query-many',
    'form-simple',
    'form-complex',
    'multipart-1k',
    'multipart-100k',
    'mixed-post',
    'stress-cpu',
  ].map((id) => at('families', id, 'app')),
];
