/**
 * The Hono app of the catalogue: every family mounted, one JSON error for what none of them
 * answers. It knows nothing of the runtime it runs on: what differs between runtimes (the
 * WebSocket upgrade, the data clients) arrives through `createApp(deps)`.
 */
import { Hono } from 'hono';
import { ApiError, errorResponse } from '../src/errors.ts';
import type { AppDeps, FamilyApp } from '../src/deps.ts';
import { AppRouter } from '../src/router.ts';
import { families } from './families.ts';

/** The app with every family of the catalogue mounted, or only `mounted` (the micro-benchmark's one-family app). */
export function createApp(deps: AppDeps, mounted: FamilyApp[] = families): Hono {
  const app = new Hono({ router: new AppRouter() });
  for (const family of mounted) app.route('/', family(deps));

  app.notFound(() => errorResponse(new ApiError('not_found', 'no such route')));
  app.onError((err) => {
    if (err instanceof ApiError) return errorResponse(err);
    console.error(err);
    return errorResponse(new ApiError('internal', 'internal error'));
  });
  return app;
}
