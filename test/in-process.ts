/**
 * Runs conformance cases in-process through `app.request` (no server, no socket) as node:test
 * tests: the unit tests of each family reuse the behaviour its conformance cases describe. Cases
 * that need a database or a cache get the embedded data layer (PGlite and the in-process cache),
 * opened once per suite and closed after it.
 */
import { after, before, describe, it } from 'node:test';
import { defineWebSocketHelper } from 'hono/ws';
import type { Hono } from 'hono';
import { createApp } from '../workloads/app.ts';
import type { Data } from '../src/data/index.ts';
import { openData } from '../src/data/open.ts';
import { ApiError, errorResponse } from '../src/errors.ts';
import { createLifecycle } from '../src/lifecycle.ts';
import { FAMILIES, type Need } from '../contract/catalogue.ts';
import type { Case, Ctx } from '../conformance/harness.ts';

/** In-process there is no socket to upgrade; the app still mounts its /ws route. */
const noUpgrade = defineWebSocketHelper(() => errorResponse(new ApiError('not_found', 'no WebSocket in-process')));

export function inProcessApp(data?: Data): Hono {
  return createApp({ upgradeWebSocket: noUpgrade, lifecycle: createLifecycle(), data, health: data?.health });
}

/** A context whose requests go to `app()` (read per request: the app may be built in a `before` hook). */
function inProcessCtx(app: () => Hono, has: Need[] = ['stream']): Ctx {
  return {
    baseUrl: 'http://localhost',
    has: new Set(has),
    fetch: async (url, init) => await app().request(url, init),
    network: false,
    families: new Set(FAMILIES),
  };
}

/** The embedded data layer (PGlite + in-process cache), whatever the environment says. */
export const openEmbeddedData = (): Promise<Data> => openData({ databaseUrl: undefined, redisUrl: undefined });

const needsData = (c: Case) => c.needs?.some((n) => n === 'db' || n === 'cache') ?? false;

export function runInProcess(title: string, cases: Case[]): void {
  describe(title, () => {
    const withData = cases.some(needsData);
    const has: Need[] = withData ? ['stream', 'db', 'cache'] : ['stream'];
    let data: Data | undefined;
    let app: Hono | undefined;
    const ctx = inProcessCtx(() => app!, has);
    before(async () => {
      if (withData) data = await openEmbeddedData();
      app = inProcessApp(data);
    });
    after(() => data?.close());
    for (const c of cases) {
      const skip = c.wire
        ? 'needs a real server'
        : c.needs?.some((n) => !ctx.has.has(n))
        ? `needs ${c.needs!.join(', ')}`
        : false;
      it(c.name, { skip }, () => c.run(ctx));
    }
  });
}
