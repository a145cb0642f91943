/** Server-sent events: N events, one every M ms, then the stream ends. */
import { Hono } from 'hono';
import type { AppDeps } from '../../src/deps.ts';
import type { Issue } from '../../src/errors.ts';
import { assertValid, fromQuery, intText, one, params } from '../../src/validation.ts';
import { SSE_EVENTS, SSE_INTERVAL_MS } from '../../contract/limits.ts';

const query = params({
  events: one(intText(SSE_EVENTS.min, SSE_EVENTS.max).default(SSE_EVENTS.default)),
  interval_ms: one(intText(SSE_INTERVAL_MS.min, SSE_INTERVAL_MS.max).default(SSE_INTERVAL_MS.default)),
});

const encoder = new TextEncoder();

/**
 * A pull stream: the next event is produced only when the runtime asks for it, so a slow
 * reader holds at most one event, and a cancelled stream (client gone) stops at once.
 */
function events(total: number, intervalMs: number, lifecycle: AppDeps['lifecycle']): ReadableStream<Uint8Array> {
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let untrack = () => {};
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    untrack();
    wake?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      untrack = lifecycle.track(() => {
        stop();
        controller.close();
      });
    },
    async pull(controller) {
      if (seq > 0 && intervalMs > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, intervalMs);
        });
      }
      if (stopped) return; // cancelled or shut down while waiting
      seq++;
      controller.enqueue(encoder.encode(`id: ${seq}\ndata: {"seq":${seq},"total":${total}}\n\n`));
      if (seq === total) {
        untrack();
        controller.close();
      }
    },
    cancel: stop,
  });
}

export default function sse(deps: AppDeps): Hono {
  const app = new Hono();

  app.get('/sse', (c) => {
    const issues: Issue[] = [];
    const q = query(fromQuery(c.req.url), issues);
    assertValid(issues);
    return c.body(events(q!.events, q!.interval_ms, deps.lifecycle), 200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
    });
  });

  return app;
}
