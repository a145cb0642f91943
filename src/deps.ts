/**
 * What the app receives from its runtime entry (`createApp(deps)`), and the shape of a workload
 * family: a Hono sub-app built from those deps. The families and the entries both depend on this
 * module; it depends on neither.
 */
import type { Context, Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Health } from '../contract/health.ts';
import type { Data } from './data/index.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface AppDeps {
  /** The runtime's WebSocket upgrade (hono/bun, hono/deno, @hono/node-server, or the uWS bridge). */
  // deno-lint-ignore no-explicit-any
  upgradeWebSocket: UpgradeWebSocket<any>;
  /** Where open streams and sockets register, so that a shutdown can close them. */
  lifecycle: Lifecycle;
  /** Backends' reachability for `/health`; absent while the app runs without data services. */
  health?: () => Promise<Health>;
  /** The database and cache of the `shortener` and `db` families (src/data); without it they answer 503. */
  data?: Data;
  /** The runtime's own read of a request body chunk by chunk; without it, or when it gives undefined, `c.req`'s. */
  readBody?: ReadBody;
  /** The runtime's own read of the headers a body's guard needs (src/body.ts); without it, or when it gives undefined, `c.req.header`'s. */
  bodyHeaders?: (c: Context) => BodyHeaders | undefined;
}

/** What a body's guard reads of the request's headers, each as `Headers.get` gives it (a repeated field's values joined by ", "). */
export interface BodyHeaders {
  contentType: string | undefined;
  /** The Content-Length; undefined when there is none, or when a Transfer-Encoding overrides it (RFC 9112 §6.3). */
  contentLength: string | undefined;
}

/**
 * Hands the request body's chunks to `onChunk` as the runtime receives them, without copying them
 * into one buffer or building a web stream over them. Resolves at the end of the body; rejects when
 * the client goes away first, or with what `onChunk` threw (reading then stops, and the rest of the
 * body is the server's to drop). Undefined when it cannot read this request's body.
 */
export type ReadBody = (c: Context, onChunk: (chunk: Uint8Array) => void) => Promise<void> | undefined;

/** A workload family's sub-app (workloads/<family>/index.ts). */
export type FamilyApp = (deps: AppDeps) => Hono;
