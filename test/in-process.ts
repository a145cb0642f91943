/**
 * Runs conformance cases in-process through `app.request` (no server, no socket) as node:test
 * tests: the unit tests of each family reuse the behaviour its conformance cases describe.
 */
import { describe, it } from 'node:test';
import { defineWebSocketHelper } from 'hono/ws';
import { createApp } from '../src/app.ts';
import { ApiError, errorResponse } from '../src/errors.ts';
import { createLifecycle } from '../src/lifecycle.ts';
import type { Case, Ctx } from './conformance/harness.ts';

/** In-process there is no socket to upgrade; the app still mounts its /ws route. */
const noUpgrade = defineWebSocketHelper(() => errorResponse(new ApiError('not_found', 'no WebSocket in-process')));

export function inProcessApp() {
  return createApp({ upgradeWebSocket: noUpgrade, lifecycle: createLifecycle() });
}

export function inProcessCtx(): Ctx {
  const app = inProcessApp();
  return {
    baseUrl: 'http://localhost',
    has: new Set(['stream']),
    fetch: async (url, init) => await app.request(url, init),
    network: false,
  };
}

export function runInProcess(title: string, cases: Case[]): void {
  describe(title, () => {
    const ctx = inProcessCtx();
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
