import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { runFixedRate, single } from './client.ts';

describe('runFixedRate', () => {
  // A server that takes connections and never answers (a target whose workers are all held); it
  // counts the requests that reached it whole (GETs: one blank line each).
  const held: Socket[] = [];
  let received = 0;
  const server = createServer((socket) => {
    let tail = '';
    held.push(
      socket.on('error', () => {}).on('data', (chunk) => {
        const parts = (tail + chunk.toString('latin1')).split('\r\n\r\n');
        received += parts.length - 1;
        tail = parts.at(-1)!;
      }),
    );
  });
  after(() => {
    for (const s of held) s.destroy();
    server.close();
  });

  // Without a deadline from each request's send this takes about 25 s (see below): the test's own bound catches it.
  it('ends within timeoutMs of its last send when the server answers nothing, queued requests included', {
    timeout: 12_000,
  }, async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
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
    assert.equal(r.outcomes.length, 200);
    assert.ok(r.outcomes.every((o) => !o.ok && o.error === 'timeout'), JSON.stringify(r.outcomes.slice(0, 3)));
    assert.equal(r.unfinished, 0);
    // `written` is what the faults rule counts as of unknown outcome: it must say exactly which
    // requests reached the server whole (whether the server acted on one, the client cannot know).
    // How many do depends on the host's speed (a queued request gets a connection about 20 ms before
    // its own deadline), but more than the first four: a timed-out request frees its connection.
    const written = r.outcomes.filter((o) => o.written).length;
    assert.ok(written > 4, `${written} written`);
    const settled = Date.now() + 5000;
    while (received < written && Date.now() < settled) await new Promise((res) => setTimeout(res, 20));
    assert.equal(received, written);
  });
});
