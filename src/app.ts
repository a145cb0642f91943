/**
 * The Hono app of the catalogue. It knows nothing of the runtime it runs on: what differs
 * between runtimes (the WebSocket upgrade, the data clients) arrives through `createApp(deps)`.
 */
import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import { ApiError, errorResponse } from './errors.ts';
import type { Data } from './data/index.ts';
import type { Lifecycle } from './lifecycle.ts';
import { families } from '../workloads/families.ts';
import type { Health } from '../contract/health.ts';

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
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  for (const family of families) app.route('/', family(deps));

  app.notFound(() => errorResponse(new ApiError('not_found', 'no such route')));
  app.onError((err) => {
    if (err instanceof ApiError) return errorResponse(err);
    console.error(err);
    return errorResponse(new ApiError('internal', 'internal error'));
  });
  return app;
}
