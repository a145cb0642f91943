/**
 * The whole conformance suite: the catalogue's own requests with their expected responses,
 * then each family's behaviour and bad-input cases (workloads/<family>/conformance.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { catalogue, type Endpoint } from '../contract/catalogue.ts';
import { mismatches } from '../contract/expect.ts';
import {
  type Case,
  type Ctx,
  fixture,
  fixtureText,
  nextEvent,
  openSocket,
  overOneConnection,
  request,
} from './harness.ts';

/** The catalogue's own request for an endpoint, checked against its `expect` (also the orchestrator's verification). */
export function catalogueCase(endpoint: Endpoint): Case {
  const { request: spec, expect } = endpoint;
  return {
    name: `${endpoint.id}: ${spec.method} ${spec.path.length > 70 ? spec.path.slice(0, 70) + '…' : spec.path}`,
    family: endpoint.family,
    needs: endpoint.needs,
    async run(ctx) {
      if (expect.kind === 'websocket-echo') {
        const socket = await openSocket(ctx, spec.path);
        for (const message of expect.messages) {
          const sent = message.text ?? new Uint8Array(message.binaryBytes ?? 0).map((_, i) => i * 7);
          socket.send(sent);
          const event = await nextEvent(socket);
          assert.ok(event instanceof MessageEvent, 'an echo, not a close');
          if (typeof sent === 'string') assert.equal(event.data, sent);
          else assert.deepEqual(new Uint8Array(event.data as ArrayBuffer), sent);
        }
        socket.close(1000);
        return;
      }
      const reply = await request(ctx, spec.method, spec.path, {
        headers: spec.headers,
        body: spec.bodyFile ? fixture(spec.bodyFile) : undefined,
      });
      const problems = mismatches(expect, {
        status: reply.status,
        contentType: reply.headers.get('content-type') ?? '',
        body: reply.text,
        location: reply.headers.get('location') ?? undefined,
      }, fixtureText);
      assert.deepEqual(problems, []);
    },
  };
}

/** Whether the target serves an endpoint: its family declared, what it needs offered. */
const served = (ctx: Ctx, e: Endpoint): boolean => ctx.families.has(e.family) && e.needs.every((n) => ctx.has.has(n));

/**
 * Every workload that sends a body keeps its connection: the load generators reuse connections,
 * and a server that closes after each POST would be measured on TCP handshakes instead (Deno 2.9.5
 * did this for bodies over ~1 KB: denoland/deno#36657, fixed in 2.9.6).
 */
const keepAliveCase: Case = {
  name: 'keep-alive: three requests over one connection, for every workload that sends a body',
  wire: true,
  keepAlive: true,
  async run(ctx) {
    const problems: string[] = [];
    for (const e of catalogue.filter((e) => e.request.bodyFile && served(ctx, e))) {
      const replies = await overOneConnection(ctx, {
        method: e.request.method,
        path: e.request.path,
        headers: e.request.headers,
        body: fixture(e.request.bodyFile!),
      }, 3).catch((err: Error) => [{ status: 0, connection: err.message }]);
      if (replies.some((r) => r.status < 200 || r.status >= 300 || r.connection?.toLowerCase() === 'close')) {
        problems.push(`${e.id}: ${JSON.stringify(replies)}`);
      }
    }
    assert.deepEqual(problems, []);
  },
};

/**
 * RFC 9110 §9.1/§9.3.2: a general-purpose server answers HEAD wherever it answers GET, with the
 * status and Content-Type the GET would have, and no body. WebSocket upgrades are GET-only.
 */
const headCase: Case = {
  name: 'HEAD on every GET endpoint: the status and Content-Type of the GET, no body (RFC 9110 §9.3.2)',
  async run(ctx) {
    const problems: string[] = [];
    const gets = catalogue.filter((e) => e.request.method === 'GET' && e.expect.kind !== 'websocket-echo');
    for (const e of gets.filter((e) => served(ctx, e))) {
      const { expect } = e;
      const status = 'status' in expect ? expect.status : 200;
      const type = expect.kind === 'text' ? expect.contentType : status === 302 ? undefined : 'application/json';
      const reply = await request(ctx, 'HEAD', e.request.path);
      const got = reply.headers.get('content-type') ?? '';
      if (reply.status !== status || (type && !got.toLowerCase().startsWith(type)) || reply.text !== '') {
        problems.push(`HEAD ${e.request.path}: ${reply.status} ${got} ${JSON.stringify(reply.text.slice(0, 80))}`);
      }
    }
    assert.deepEqual(problems, []);
  },
};

export const catalogueCases = (): Case[] => [...catalogue.map(catalogueCase), keepAliveCase, headCase];

export async function loadSuite(): Promise<Case[]> {
  const cases = catalogueCases();
  const families = [...new Set(catalogue.map((e) => e.family))];
  for (const family of families) {
    const url = new URL(`../workloads/${family}/conformance.ts`, import.meta.url);
    if (!existsSync(url)) continue;
    const mod = await import(url.href) as { cases: Case[] };
    cases.push(...mod.cases.map((c) => ({ ...c, family })));
  }
  return cases;
}
