/**
 * What Postgres sees per request, on every data target (`npm test` runs it after the conformance
 * suite on real services): each data endpoint is requested K times, and every statement that
 * pg_stat_statements counted at least K more times must be one of the contract's statements
 * (contract/sql.ts). This catches work outside the contract that no response shows — a connection
 * reset on release, a health check before use, a transaction around a single statement.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { catalogue } from '../contract/catalogue.ts';
import { offers } from '../contract/health.ts';
import { normaliseSql, SQL } from '../contract/sql.ts';
import { services, ServicesStatus } from '../bench/measure/services.ts';
import { start } from '../targets/process.ts';
import { declaredFamilies, ROOT, targetByName } from '../targets/table.ts';

const K = 30;
const ALLOWED = new Set(Object.values(SQL).map(normaliseSql));
const { DATABASE_URL, REDIS_URL } = services(ServicesStatus, 'status');
const targets = (process.env.TEST_TARGETS ?? 'node').split(',').filter(Boolean).map(targetByName)
  .filter((t) => ['db', 'shortener'].some((f) => declaredFamilies(t).has(f as 'db')));
/** /health and every catalogue request of the data families. */
const endpoints = catalogue.filter((e) => e.id === 'basic-health' || e.family === 'db' || e.family === 'shortener');

describe('Postgres sees only the contract statements per request', () => {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const counts = async () => {
    const rows = await sql<{ id: string; query: string; calls: number }[]>`
      SELECT queryid::text AS id, query, calls::int AS calls FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    return new Map(rows.filter((r) => !r.query.includes('pg_stat_statements')).map((r) => [r.id, r]));
  };
  before(async () => {
    await sql`SELECT 1`;
  });
  after(() => sql.end());

  for (const target of targets) {
    it(`${target.name}: ${K} requests of each data endpoint send nothing but the contract's statements`, async () => {
      const server = await start(target, { env: { DATABASE_URL, REDIS_URL }, timeoutMs: 120_000 });
      const problems: string[] = [];
      try {
        const has = new Set(offers(await (await fetch(`${server.baseUrl}/health`)).text()));
        const families = declaredFamilies(target);
        for (const e of endpoints.filter((e) => families.has(e.family) && e.needs.every((n) => has.has(n)))) {
          const { method, path, headers, bodyFile } = e.request;
          const body = bodyFile ? readFileSync(`${ROOT}workloads/${bodyFile}`) : undefined;
          const before = await counts();
          for (let i = 0; i < K; i++) {
            const res = await fetch(server.baseUrl + path, { method, headers, body, redirect: 'manual' });
            await res.arrayBuffer();
            assert.ok(res.status < 500, `${e.id}: ${res.status}`);
          }
          for (const [id, row] of await counts()) {
            const delta = row.calls - (before.get(id)?.calls ?? 0);
            if (delta >= K && !ALLOWED.has(normaliseSql(row.query))) {
              problems.push(`${e.id}: ${delta} × ${row.query.replace(/\s+/g, ' ').slice(0, 160)}`);
            }
          }
        }
      } finally {
        await server.stop();
      }
      assert.deepEqual(problems, []);
    });
  }
});
