import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { runFixedRate, single } from './client.ts';

describe('runFixedRate', () => {
  // A server that takes connections and never answers (a target whose workers are all held).
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket.on('error', () => {})));
  after(() => {
    for (const s of held) s.destroy();
    server.close();
  });

  it('ends within timeoutMs of its last send when the server answers nothing, queued requests included', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const started = performance.now();
    // 200 requests on 4 connections: with only a socket's idle timeout, all but the first 4 would wait
    // in the agent's queue for a socket, then 500 ms each on it: about 25 s.
    const r = await runFixedRate({
      baseUrl: `http://127.0.0.1:${port}`,
      rate: 200,
      durationS: 1,
      connections: 4,
      timeoutMs: 500,
      parts: single('held', { method: 'GET', path: '/json', expect: 200 }),
    });
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 4000, `took ${Math.round(tookMs)} ms`);
    assert.equal(r.outcomes.length, 200);
    assert.ok(r.outcomes.every((o) => !o.ok && o.error === 'timeout'), JSON.stringify(r.outcomes.slice(0, 3)));
    assert.equal(r.unfinished, 0);
    // Each reached the server whole before it timed out (a timed-out request frees its connection for
    // the next): whether the server acted on it, the client cannot know.
    assert.ok(r.outcomes.every((o) => o.written), `${r.outcomes.filter((o) => !o.written).length} not written`);
    // Each one timed out about timeoutMs after it was sent, not after it reached a socket.
    for (const o of r.outcomes) assert.ok(o.endMs - o.sentMs < 1500, JSON.stringify(o));
  });
});
