import assert from 'node:assert/strict';
import { sseBody } from '../../contract/catalogue.ts';
import { assertError, type Case, get } from '../../conformance/harness.ts';

export const cases: Case[] = [
  {
    name: 'sse: three events, exact bytes, event-stream headers',
    needs: ['stream'],
    async run(ctx) {
      const reply = await get(ctx, '/sse?events=3');
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(reply.headers.get('cache-control'), 'no-cache');
      assert.equal(reply.text, sseBody(3));
    },
  },
  {
    name: 'sse: the default is 10 events',
    needs: ['stream'],
    run: async (ctx) => assert.equal((await get(ctx, '/sse')).text, sseBody(10)),
  },
  {
    name: 'sse: events are streamed as they are made, not buffered to the end',
    needs: ['stream'],
    async run(ctx) {
      const res = await ctx.fetch(`${ctx.baseUrl}/sse?events=2&interval_ms=3000`, {
        signal: AbortSignal.timeout(10_000),
      });
      const reader = res.body!.getReader();
      let received = '';
      while (!received.endsWith('\n\n')) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the stream ended before the first event was complete');
        received += new TextDecoder().decode(value);
      }
      assert.equal(
        received,
        'id: 1\ndata: {"seq":1,"total":2}\n\n',
        'only the first event arrives before the interval',
      );
      await reader.cancel();
    },
  },
  {
    name: 'sse: clients that disconnect mid-stream leave the server healthy',
    needs: ['stream'],
    async run(ctx) {
      for (let i = 0; i < 20; i++) {
        const res = await ctx.fetch(`${ctx.baseUrl}/sse?events=100000&interval_ms=5`, {});
        const reader = res.body!.getReader();
        await reader.read();
        await reader.cancel(); // the client goes away mid-stream
      }
      assert.equal((await get(ctx, '/sse?events=2')).text, sseBody(2));
    },
  },
  ...([
    ['/sse?events=0', 'events'],
    ['/sse?events=100001', 'events'],
    ['/sse?events=ten', 'events'],
    ['/sse?interval_ms=10001', 'interval_ms'],
    ['/sse?interval_ms=-1', 'interval_ms'],
  ] as const).map(([path, param]): Case => ({
    name: `sse: GET ${path} → 422 at ["${param}"]`,
    run: async (ctx) => assertError(await get(ctx, path), 422, 'validation_failed', [param]),
  })),
];
