/**
 * `npm test`: lint and format check, type check, unit tests (in-process), then the conformance
 * suite over HTTP on each target — on the embedded data layer (PGlite + in-process cache), the
 * orchestrator end to end (a quick run to a validated result set and report), and
 * again on Postgres + Redis when scripts/services.sh has them up, followed by the data services
 * stage (stampede bound seen from Postgres, Redis and Postgres degrade and recover) and the
 * resilience suite's short version (test/resilience.ts: no crash, no lost click, no error outside an
 * outage). Ends with
 * one line: `N passed, M failed, K skipped`.
 *
 * TEST_TARGETS overrides the conformance targets (default: node, bun and deno, plus rust and
 * python where cargo and python3 are on the PATH to build them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPath } from '../bench/measure/machine.ts';
import { DENO, NODE, NODE22, ROOT, targets as targetTable } from '../targets/table.ts';
import { runningServices } from '../bench/measure/services.ts';
import { nodeTests as runNodeTests, type Tally } from './node-tests.ts';

const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
const stages: string[] = [];

function command(name: string, argv: string[]): void {
  console.log(`\n▶ ${name}: ${argv.map((a) => a.replace(ROOT, '')).join(' ')}`);
  const [cmd, ...args] = argv as [string, ...string[]];
  const ok = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status === 0;
  tally[ok ? 'passed' : 'failed']++;
  stages.push(`${ok ? '✓' : '✗'} ${name}`);
}

/** node:test files, counted test by test; the stage's summary names each failed test. */
async function nodeTests(name: string, files: { globPatterns: string[] } | { files: string[] }): Promise<void> {
  stages.push(...await runNodeTests(name, files, { cwd: ROOT, tally, out: process.stdout }));
}

function conformance(targets: string, data: string, env: NodeJS.ProcessEnv): void {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-conformance-'));
  const summary = join(dir, 'summary.json');
  console.log(`\n▶ conformance on ${data}: ${targets}`);
  const status = spawnSync(NODE, ['conformance/cli.ts', '--targets', targets, '--summary-json', summary], {
    cwd: ROOT,
    stdio: 'inherit',
    env,
  }).status;
  try {
    const counts = JSON.parse(readFileSync(summary, 'utf8')) as typeof tally;
    for (const k of ['passed', 'failed', 'skipped'] as const) tally[k] += counts[k];
    stages.push(
      `${
        status === 0 ? '✓' : '✗'
      } conformance on ${data} (${targets}): ${counts.passed} passed, ${counts.failed} failed`,
    );
  } catch {
    tally.failed++;
    stages.push(`✗ conformance on ${data} (${targets}) wrote no summary (exit ${status})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

command('lint', [DENO, 'lint']);
command('format', [DENO, 'fmt', '--check']);
command('type check (tsc)', [NODE, 'node_modules/typescript/bin/tsc', '-p', '.']);
command('type check (deno)', [DENO, 'check', 'runtimes/deno.ts', 'runtimes/deno-serve.ts', 'runtimes/bare/deno.ts']);
command('dependency direction (dependency-cruiser, .dependency-cruiser.cjs)', [
  NODE,
  'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs',
  ...['contract', 'src', 'workloads', 'runtimes', 'targets', 'conformance', 'k6', 'bench', 'test'],
  '--config',
  '.dependency-cruiser.cjs',
]);
if (onPath('cargo') && onPath('python3')) {
  command('baselines: ruff, rustfmt, clippy (baselines/lint.sh)', ['bash', 'baselines/lint.sh']);
} else {
  tally.skipped++;
  stages.push('- baselines lint skipped: it needs cargo and python3');
}
if (onPath('cargo')) {
  // Each Rust crate's own tests (pure logic: codes, limits, rules), in the release profile the lint shares.
  for (const dir of readdirSync(join(ROOT, 'baselines')).filter((d) => /^rust-/.test(d)).sort()) {
    if (!existsSync(join(ROOT, 'baselines', dir, 'Cargo.toml'))) continue;
    command(`baselines/${dir}: cargo test`, [
      'cargo',
      'test',
      '--release',
      '--locked',
      '--manifest-path',
      join(ROOT, 'baselines', dir, 'Cargo.toml'),
    ]);
  }
} else {
  tally.skipped++;
  stages.push("- Rust baselines' tests skipped: no cargo");
}
if (onPath('go')) command('loadgen (go test)', ['bash', '-c', 'cd tools/loadgen && go test ./...']);
else {
  tally.skipped++;
  stages.push('- loadgen tests skipped: no go');
}
await nodeTests('unit tests (in-process)', {
  globPatterns: [
    'contract/**/*.test.ts',
    'src/**/*.test.ts',
    'workloads/**/*.test.ts',
    'test/**/*.test.ts',
    'targets/**/*.test.ts',
    'bench/**/*.test.ts',
    'runtimes/*.test.ts',
  ],
});
// uws-pack loads only on Node ≤ 22, so the bridge's own tests run there, apart from the unit stage.
command('uWebSockets.js bridge tests (Node 22)', [NODE22, '--test', 'runtimes/uws/bridge.test.ts']);
/** Every target but the controls, where its toolchain is installed (.ci/run installs them all). */
const defaultTargets = targetTable.filter((t) => !t.control && (!t.toolchain || onPath(t.toolchain))).map((t) =>
  t.name
);
const targets = process.env.TEST_TARGETS ?? defaultTargets.join(',');

const { DATABASE_URL: _db, REDIS_URL: _cache, ...embedded } = process.env;
conformance(targets, 'the embedded data layer', embedded);
await nodeTests('bench end to end (quick, node, json-small)', { files: ['test/bench-smoke.ts'] });
const services = runningServices();
if (services) {
  conformance(targets, 'Postgres + Redis', { ...embedded, ...services });
  process.env.TEST_TARGETS = targets;
  await nodeTests('data services (Postgres + Redis: stampede, degrade, recover)', { files: ['test/data-services.ts'] });
  await nodeTests('statements per request (pg_stat_statements)', { files: ['test/statements.ts'] });
  await nodeTests('resilience, short (sweep, faults mid-load, soak, hostile clients)', {
    files: ['test/resilience.ts'],
  });
} else {
  tally.skipped++;
  stages.push('- Postgres + Redis stages skipped: services not up (bash scripts/services.sh up)');
}

console.log(`\n${stages.join('\n')}`);
console.log(`${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
process.exitCode = tally.failed > 0 ? 1 : 0;
