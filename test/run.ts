/**
 * `npm test`: lint and format check, type check, unit tests (in-process), then the conformance
 * suite over HTTP on each target. Ends with one line: `N passed, M failed, K skipped`.
 *
 * TEST_TARGETS overrides the conformance targets (default: node, bun and deno, plus rust and
 * python where cargo and python3 are on the PATH to build them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { DENO, NODE, ROOT } from '../bench/targets.ts';

const tally = { passed: 0, failed: 0, skipped: 0 };
const stages: string[] = [];

function command(name: string, argv: string[]): void {
  console.log(`\n▶ ${name}: ${argv.map((a) => a.replace(ROOT, '')).join(' ')}`);
  const [cmd, ...args] = argv as [string, ...string[]];
  const ok = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status === 0;
  tally[ok ? 'passed' : 'failed']++;
  stages.push(`${ok ? '✓' : '✗'} ${name}`);
}

async function unit(): Promise<void> {
  console.log('\n▶ unit tests (in-process)');
  const before = { ...tally };
  const stream = run({
    cwd: ROOT,
    globPatterns: ['src/**/*.test.ts', 'workloads/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    timeout: 60_000,
  });
  stream.on('test:pass', (t) => {
    if (t.details.type === 'suite') return;
    tally[t.skip !== undefined && t.skip !== false ? 'skipped' : 'passed']++;
  });
  stream.on('test:fail', (t) => {
    if (t.details.type !== 'suite') tally.failed++;
  });
  await new Promise<void>((resolve) => {
    stream.compose(spec).on('end', resolve).pipe(process.stdout, { end: false });
  });
  stages.push(
    `${tally.failed === before.failed ? '✓' : '✗'} unit: ${tally.passed - before.passed} passed, ${
      tally.failed - before.failed
    } failed`,
  );
}

function conformance(targets: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-conformance-'));
  const summary = join(dir, 'summary.json');
  console.log(`\n▶ conformance: ${targets}`);
  const status = spawnSync(NODE, ['test/conformance/cli.ts', '--targets', targets, '--summary-json', summary], {
    cwd: ROOT,
    stdio: 'inherit',
  }).status;
  try {
    const counts = JSON.parse(readFileSync(summary, 'utf8')) as typeof tally;
    for (const k of ['passed', 'failed', 'skipped'] as const) tally[k] += counts[k];
    stages.push(
      `${status === 0 ? '✓' : '✗'} conformance (${targets}): ${counts.passed} passed, ${counts.failed} failed`,
    );
  } catch {
    tally.failed++;
    stages.push(`✗ conformance (${targets}) wrote no summary (exit ${status})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

command('lint', [DENO, 'lint']);
command('format', [DENO, 'fmt', '--check']);
command('type check (tsc)', [NODE, 'node_modules/typescript/bin/tsc', '-p', '.']);
command('type check (deno)', [DENO, 'check', 'runtimes/deno.ts', 'runtimes/bare/deno.ts']);
await unit();
const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const defaultTargets = ['node', 'bun', 'deno', ...(onPath('cargo') ? ['rust'] : []), ...(onPath('python3') ? ['python'] : [])];
conformance(process.env.TEST_TARGETS ?? defaultTargets.join(','));

console.log(`\n${stages.join('\n')}`);
console.log(`${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
process.exitCode = tally.failed > 0 ? 1 : 0;
