/**
 * End to end, as a user runs it: `npm run bench -- --quick --targets node --workloads json-small`
 * produces a valid result set (run.json and a cell, checked against the result schema) and its
 * report. Run by `npm test` as its own stage (it starts a server and a load generator).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadRun } from '../bench/report/cli.ts';
import { ROOT } from '../targets/table.ts';

const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-smoke-')), 'run');
after(() => rmSync(join(out, '..'), { recursive: true, force: true }));

describe('npm run bench -- --quick --targets node --workloads json-small', () => {
  const r = spawnSync(
    process.execPath,
    ['bench/measure/cli.ts', '--quick', '--targets', 'node', '--workloads', 'json-small', '--out', out],
    { cwd: ROOT, encoding: 'utf8', timeout: 600_000, env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' } },
  );

  it('exits 0 and says where the results are', () => {
    assert.equal(r.status, 0, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /results: .*\(1 cells, 0 skipped, 0 failed repeats, \d+s\)/);
  });

  it('writes a result set that matches the schema, with one measured cell', () => {
    const { run, cells } = loadRun(out);
    assert.equal(run.settings.quick, true);
    assert.deepEqual(run.targets.map((t) => t.name), ['node']);
    assert.equal(cells.length, 1);
    const [cell] = cells;
    assert.equal(cell!.workload, 'json-small');
    assert.equal(cell!.repeats.length, 1);
    assert.equal(cell!.repeats[0]!.state, 'ok');
    assert.ok(cell!.median!.throughput > 0 && cell!.median!.serverCpuUsPerUnit > 0);
  });

  it('writes the report beside it', () => {
    assert.ok(existsSync(join(out, 'report.html')));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(md, /^# Gauntlet run .*-quick/);
    assert.match(md, /\n\| json-small \| (wrk|oha|k6) \| [≥\d]/);
  });
});
