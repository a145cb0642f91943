import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from '../targets/table.ts';

describe("npm test's node:test stages", () => {
  it('count each test, and name each failed one in the stage summary (file and name)', () => {
    // A fixture stage: one test passes, one is skipped, one fails; the tally starts at 3 passed. Run
    // outside this test's runner (NODE_TEST_CONTEXT would make run() skip its files as recursive).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const { tally, lines, printed } = JSON.parse(
      execFileSync(process.execPath, ['test/fixtures/stage.ts'], { cwd: ROOT, env, encoding: 'utf8' }),
    );
    assert.deepEqual(tally, { passed: 4, failed: 1, skipped: 1 });
    assert.deepEqual(lines, [
      '✗ fixture stage: 1 passed, 1 failed',
      '    ✖ test/fixtures/one-fails.ts: fails on purpose',
    ]);
    assert.match(printed, /▶ fixture stage/);
    assert.match(printed, /fails on purpose/);
  });
});
