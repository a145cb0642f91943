import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadRun, runDir, writeReport } from './cli.ts';
import { cells, run } from './fixture.ts';
import { ROOT } from '../../targets/table.ts';

const results = mkdtempSync(join(tmpdir(), 'gauntlet-report-'));
after(() => rmSync(results, { recursive: true, force: true }));

function writeRun(id: string, cellFiles: Record<string, unknown>): string {
  const dir = join(results, id);
  mkdirSync(join(dir, 'cells'), { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...run, id }));
  for (const [name, cell] of Object.entries(cellFiles)) writeFileSync(join(dir, 'cells', name), JSON.stringify(cell));
  return dir;
}

const files = Object.fromEntries(cells.map((c) => [`${c.target}__${c.workload}.json`, c]));

describe('npm run report', () => {
  it('reads and validates a run, and writes report.md and report.html beside it', async () => {
    const dir = writeRun('ok-run', files);
    assert.equal(loadRun(dir).cells.length, cells.length);
    assert.equal(runDir('ok-run', results), dir);
    const written = await writeReport(dir, join(ROOT, 'results', 'reference'));
    assert.deepEqual(written, [join(dir, 'report.md'), join(dir, 'report.html')]);
    assert.ok(readFileSync(join(dir, 'report.md'), 'utf8').startsWith('# Gauntlet run ok-run\n'));
    assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes('<svg '));
  });

  it('names the file that does not match the result schema', async () => {
    const dir = writeRun('bad-run', { ...files, 'node__json-small.json': { ...cells[0], driver: 'ab' } });
    await assert.rejects(
      writeReport(dir, join(ROOT, 'results', 'reference')),
      /node__json-small\.json does not match the result schema[\s\S]*driver/,
    );
  });

  it('takes a run directory as the orchestrator passes it', () => {
    assert.equal(runDir('/tmp/x/2026-run', results), '/tmp/x/2026-run');
    assert.equal(runDir('results/2026-run', '/elsewhere'), join(process.cwd(), 'results', '2026-run'));
  });

  it('exits non-zero with a message when the run does not exist', () => {
    const r = spawnSync(process.execPath, ['bench/report/cli.ts', 'no-such-run', '--results', results], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /report: no run\.json in .*no-such-run/);
  });
});
