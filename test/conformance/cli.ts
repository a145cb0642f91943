/**
 * `npm run conformance -- --targets node,bun,deno [--filter text]`: starts each target on a free
 * port, runs the whole contract over HTTP and WebSocket, stops it (checking it shuts down cleanly
 * with streams open), and prints `N passed, M failed` (and writes it as JSON to --summary-json).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Need } from '../../workloads/catalogue.ts';
import { start, type Started } from '../../bench/process.ts';
import { targetByName } from '../../bench/targets.ts';
import { type Case, type Ctx, type HealthReport, offered, openSocket } from './harness.ts';
import { loadSuite } from './suite.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'node,bun,deno' },
    filter: { type: 'string' },
    'summary-json': { type: 'string' },
  },
});

async function capabilities(baseUrl: string): Promise<Set<Need>> {
  return offered(await (await fetch(`${baseUrl}/health`)).json() as HealthReport);
}

/** Stopping with an SSE stream and a WebSocket open ends both and exits 0. */
async function shutdownCase(server: Started): Promise<void> {
  const ctx: Ctx = { baseUrl: server.baseUrl, has: new Set<Need>(), fetch, network: true };
  const socket = await openSocket(ctx);
  const closed = new Promise<number>((resolve) => socket.addEventListener('close', (e) => resolve(e.code)));
  const res = await fetch(`${server.baseUrl}/sse?events=100000&interval_ms=1000`);
  const reader = res.body!.getReader();
  await reader.read();
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // a reset also ends it
    }
  })();
  const code = await server.stop();
  assert.equal(code, 0, `exit code ${code}`);
  await ended;
  await Promise.race([
    closed,
    new Promise((_, reject) => setTimeout(() => reject(new Error('socket still open')), 5000)),
  ]);
}

async function runCase(c: Case, ctx: Ctx, tally: { passed: number; failed: number; skipped: number }) {
  if (c.needs?.some((n) => !ctx.has.has(n))) {
    tally.skipped++;
    return;
  }
  try {
    await c.run(ctx);
    tally.passed++;
    console.log(`  ✓ ${c.name}`);
  } catch (err) {
    tally.failed++;
    const cause = (err as Error).cause ? ` (${String((err as Error).cause)})` : '';
    console.log(`  ✗ ${c.name}\n      ${String((err as Error).message + cause).split('\n').join('\n      ')}`);
  }
}

const suite = (await loadSuite()).filter((c) => !values.filter || c.name.includes(values.filter));
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];
for (const name of values.targets.split(',').filter(Boolean)) {
  const tally = { passed: 0, failed: 0, skipped: 0 };
  console.log(`\n${name}`);
  let server: Started | undefined;
  try {
    server = await start(targetByName(name), { timeoutMs: 120_000 });
    const ctx: Ctx = { baseUrl: server.baseUrl, has: await capabilities(server.baseUrl), fetch, network: true };
    for (const c of suite) await runCase(c, ctx, tally);
    if (!values.filter) {
      await runCase(
        {
          name: 'shuts down cleanly on SIGTERM with a stream and a socket open',
          run: () => shutdownCase(server!),
        },
        ctx,
        tally,
      );
    }
  } catch (err) {
    tally.failed++;
    console.log(`  ✗ ${name} did not start or crashed: ${(err as Error).message}`);
  } finally {
    await server?.stop();
  }
  lines.push(`${name}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
  for (const k of ['passed', 'failed', 'skipped'] as const) totals[k] += tally[k];
}
console.log(`\n${lines.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (values['summary-json']) writeFileSync(values['summary-json'], JSON.stringify(totals));
process.exitCode = totals.failed > 0 ? 1 : 0;
