/**
 * Every control target, started from the table as the orchestrator starts it: its three workloads
 * answer as the catalogue says (the checks the bench runs before measuring a cell), POST
 * /json/small's bad bodies get the app's error codes, and anything else the contract's 404.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { byId } from '../contract/catalogue.ts';
import { offers } from '../contract/health.ts';
import { JSON_LIMIT } from '../contract/limits.ts';
import { chunked, fixtureText } from '../conformance/harness.ts';
import { catalogueCase } from '../conformance/suite.ts';
import { start, type Started } from './process.ts';
import { CONTROL_WORKLOADS, targets } from './table.ts';

const post = (base: string, type: string, body: string) =>
  fetch(`${base}/json/small`, { method: 'POST', headers: { 'content-type': type }, body });
/** An error answer's status and its code. */
const code = async (res: Response) => [res.status, (await res.json() as { error: { code: string } }).error.code];

for (const target of targets.filter((t) => t.control)) {
  describe(`control ${target.name} (${target.description})`, { timeout: 60_000 }, () => {
    let server: Started;
    before(async () => {
      server = await start(target);
    });
    after(async () => {
      assert.equal(await server.stop(), 0);
    });

    for (const id of CONTROL_WORKLOADS) {
      it(`answers ${id} as the catalogue says`, async () => {
        const health = await (await fetch(`${server.baseUrl}/health`)).text();
        const endpoint = byId(id);
        await catalogueCase(endpoint).run({
          baseUrl: server.baseUrl,
          has: new Set(offers(health)),
          fetch,
          network: true,
          families: new Set([endpoint.family]),
        });
      });
    }

    it("gives POST /json/small's bad bodies the app's codes, and 404 elsewhere", async () => {
      const valid = JSON.stringify({ name: 'x', count: 1, tags: [] });
      assert.deepEqual(await code(await post(server.baseUrl, 'text/plain', valid)), [415, 'unsupported_media_type']);
      assert.deepEqual(await code(await post(server.baseUrl, 'application/json', '{"name":')), [400, 'invalid_body']);
      assert.deepEqual(await code(await post(server.baseUrl, 'application/json', '{"count":"x"}')), [
        422,
        'validation_failed',
      ]);
      assert.deepEqual(await code(await fetch(`${server.baseUrl}/nowhere`)), [404, 'not_found']);
    });

    it('refuses a body over the limit with 413, by its Content-Length or as it streams, after the 415', async () => {
      const over = ' '.repeat(JSON_LIMIT + 1);
      assert.deepEqual(await code(await post(server.baseUrl, 'application/json', over)), [413, 'too_large']);
      assert.deepEqual(await code(await post(server.baseUrl, 'text/plain', over)), [415, 'unsupported_media_type']);
      const streamed = await fetch(`${server.baseUrl}/json/small`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chunked(JSON_LIMIT + 65536),
        duplex: 'half',
      } as RequestInit);
      assert.deepEqual(await code(streamed), [413, 'too_large']);
      // At the limit, chunked, it is read whole: only the JSON (all spaces) is wrong.
      const atLimit = await fetch(`${server.baseUrl}/json/small`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chunked(JSON_LIMIT),
        duplex: 'half',
      } as RequestInit);
      assert.deepEqual(await code(atLimit), [400, 'invalid_body']);
    });

    it('keeps serving after a client goes away in the middle of a body', async () => {
      const { port, hostname } = new URL(server.baseUrl);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(
            'POST /json/small HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
            () => setTimeout(() => socket.destroy(), 100),
          );
        });
        socket.on('close', () => resolve()).on('error', reject);
      });
      const res = await post(server.baseUrl, 'application/json', fixtureText('json/small.json'));
      assert.equal(res.status, 200);
      await res.body?.cancel();
    });
  });
}
