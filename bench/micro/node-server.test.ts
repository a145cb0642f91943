/**
 * The node-server transport, in a process of its own (node --test runs each file in one): making
 * its listener replaces the global Request and Response, which would change the fetch cases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Case, CASES, check, handlers, operation } from './cases.ts';
import { nodeServerTransport } from './node-server.ts';
import { nodeReads, readIncoming } from '../../runtimes/node-body.ts';
import { type Budget, runSuite } from './suite.ts';

const TINY: Budget = { minCpuTimeMs: 1, minSamples: 6, maxSamples: 50, sampleMs: 0.2, calibrateMs: 2 };

describe('bench:micro over @hono/node-server in memory', () => {
  const send = nodeServerTransport();

  it('every case answers as the catalogue expects, on every handler it names', async () => {
    const by = handlers(nodeReads);
    for (const c of CASES) assert.deepEqual(await check(c, send(c.endpoint, by[c.handler])), [], c.name);
  });

  it('the app reads an upload through the node target’s body read, from the IncomingMessage', async () => {
    let reads = 0;
    const by = handlers({
      ...nodeReads,
      readBody: (c, onChunk) => {
        const read = readIncoming(c, onChunk);
        if (read) reads++;
        return read;
      },
    });
    const c = CASES.find((k) => k.name === 'multipart-100k/app')!;
    assert.deepEqual(await check(c, send(c.endpoint, by.app)), []);
    assert.equal(reads, 1);
  });

  it('a case pointed at a missing route fails its check and its operation', async () => {
    const c = CASES.find((k) => k.name === 'json-small/app')!;
    const missing: Case = { ...c, endpoint: { ...c.endpoint, request: { ...c.endpoint.request, path: '/json/nope' } } };
    const to = send(missing.endpoint, handlers().app);
    assert.equal((await check(missing, to))[0], 'status 404, expected 200');
    await assert.rejects(operation(missing, to)(), /status 404, expected 200/);
  });

  it('measures the routing cases and their ratios (a tiny budget: nothing is a measurement)', async () => {
    const result = await runSuite({ budget: TINY, transport: 'node-server', filter: /^basic-json\// });
    assert.equal(result.transport, 'node-server');
    assert.deepEqual(result.cases.map((r) => r.name), [
      'basic-json/app',
      'basic-json/basic',
      'basic-json/bare',
      'basic-json/listener',
    ]);
    for (const r of result.cases) assert.ok(Number.isFinite(r.ns.median) && r.ns.median > 0, r.name);
    assert.deepEqual(result.ratios.map((r) => r.name), [
      'app ÷ bare',
      'basic ÷ bare',
      'app ÷ basic',
      'app ÷ listener',
      'bare ÷ listener',
    ]);
  });
});
