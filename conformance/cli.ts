/**
 * `npm run conformance -- --targets node,bun,deno [--filter text]`: starts each target on a free
 * port, runs the whole contract over HTTP and WebSocket, stops it (checking it shuts down cleanly
 * with streams open), and prints `N passed, M failed` (and writes it as JSON to --summary-json).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Need } from '../contract/catalogue.ts';
import { exitOnSignal, start, type Started } from '../targets/process.ts';
import { declaredFamilies, targetByName } from '../targets/table.ts';
import { type Case, type Ctx, openSocket } from './harness.ts';
import { offers } from '../contract/health.ts';
import { loadSuite } from './suite.ts';

// ^C ends the run and the target under test with it.
exitOnSignal((line) => console.error(`conformance: ${line}`));

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'node,bun,deno' },
    filter: { type: 'string' },
    'summary-json': { type: 'string' },
  },
});

async function capabilities(baseUrl: string): Promise<Set<Need>> {
  return new Set(offers(await (await fetch(`${baseUrl}/health`)).text()));
}

/** Stopping with an SSE stream and a WebSocket open (those the target declares) ends both and exits 0. */
async function shutdownCase(server: Started, ctx: Ctx): Promise<void> {
  const socket = ctx.families.has('ws') ? await openSocket(ctx) : undefined;
  const closed = socket && new Promise<number>((resolve) => socket.addEventListener('close', (e) => resolve(e.code)));
  let ended: Promise<void> | undefined;
  if (ctx.families.has('sse')) {
    const res = await fetch(`${server.baseUrl}/sse?events=100000&interval_ms=1000`);
    const reader = res.body!.getReader();
    await reader.read();
    ended = (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // a reset also ends it
      }
    })();
  }
  const code = await server.stop();
  assert.equal(code, 0, `exit code ${code}`);
  await ended;
  if (closed) {
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('socket still open')), 5000)),
    ]);
  }
}

type Tally = { passed: number; failed: number; skipped: number; notImplemented: number };

async function runCase(c: Case, ctx: Ctx, tally: Tally) {
  if (c.family && !ctx.families.has(c.family)) {
    tally.notImplemented++;
    return;
  }
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
const totals: Tally = { passed: 0, failed: 0, skipped: 0, notImplemented: 0 };
const lines: string[] = [];
for (const name of values.targets.split(',').filter(Boolean)) {
  const tally: Tally = { passed: 0, failed: 0, skipped: 0, notImplemented: 0 };
  console.log(`\n${name}`);
  let server: Started | undefined;
  try {
    const target = targetByName(name);
    const families = declaredFamilies(target);
    server = await start(target, { timeoutMs: 120_000 });
    const has = await capabilities(server.baseUrl);
    const ctx: Ctx = { baseUrl: server.baseUrl, has, fetch, network: true, families };
    for (const c of suite) {
      // A seed's sync workers close every connection (a reference target reproduces that on purpose).
      if (c.keepAlive && target.closesConnections) {
        tally.notImplemented++;
        console.log(`  - ${c.name}: not run (${target.closesConnections})`);
        continue;
      }
      await runCase(c, ctx, tally);
    }
    if (!values.filter) {
      await runCase(
        {
          name: 'shuts down cleanly on SIGTERM with the streams and sockets it declares open',
          run: () => shutdownCase(server!, ctx),
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
  const undeclared = tally.notImplemented ? `, ${tally.notImplemented} not implemented` : '';
  lines.push(`${name}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped${undeclared}`);
  for (const k of ['passed', 'failed', 'skipped', 'notImplemented'] as const) totals[k] += tally[k];
}
console.log(`\n${lines.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (values['summary-json']) writeFileSync(values['summary-json'], JSON.stringify(totals));
process.exitCode = totals.failed > 0 ? 1 : 0;
