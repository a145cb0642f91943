/**
 * One stage of `npm test` made of node:test files: runs them (spec output to `out`), counts test by
 * test into `tally`, and returns the stage's summary lines: `✓|✗ name: N passed, M failed`, then one
 * line per failed test (file and name), so the run's closing summary says what failed without the log.
 */
import { relative } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Failed tests named in a stage's summary; past this many, a count of the rest. */
const NAMED = 10;

export async function nodeTests(
  name: string,
  files: { globPatterns: string[] } | { files: string[] },
  o: { cwd: string; tally: Tally; out: NodeJS.WritableStream },
): Promise<string[]> {
  o.out.write(`\n▶ ${name}\n`);
  const before = { ...o.tally };
  const failures: string[] = [];
  const stream = run({ cwd: o.cwd, ...files, timeout: 60_000 });
  stream.on('test:pass', (t) => {
    if (t.details.type === 'suite') return;
    o.tally[t.skip !== undefined && t.skip !== false ? 'skipped' : 'passed']++;
  });
  stream.on('test:fail', (t) => {
    if (t.details.type === 'suite') return;
    o.tally.failed++;
    failures.push(`    ✖ ${t.file ? `${relative(o.cwd, t.file)}: ` : ''}${t.name}`);
  });
  await new Promise<void>((resolve) => {
    stream.compose(spec).on('end', resolve).pipe(o.out, { end: false });
  });
  const failed = o.tally.failed - before.failed;
  return [
    `${failed === 0 ? '✓' : '✗'} ${name}: ${o.tally.passed - before.passed} passed, ${failed} failed`,
    ...failures.slice(0, NAMED),
    ...(failures.length > NAMED ? [`    … and ${failures.length - NAMED} more`] : []),
  ];
}
