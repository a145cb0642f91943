import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Cell } from '../results/schema.ts';
import { cells, run } from '../report/fixture.ts';
import { resume } from './resume.ts';
import { remainingWindows } from './run.ts';

describe('remainingWindows', () => {
  const plans = [{ target: 'node', workload: 'json-small' }, { target: 'bun', workload: 'json-small' }];
  const withRepeats = (target: string, repeats: number[]): Cell =>
    ({
      target,
      workload: 'json-small',
      repeats: repeats.map((repeat) => ({ state: 'failed', repeat, reason: 'x' })),
    }) as unknown as Cell;
  it('is every window of a fresh run, repeat-major', () => {
    assert.deepEqual(
      remainingWindows(plans, 2, new Map()).map((w) => `${w.plan.target}/${w.repeat}`),
      ['node/1', 'bun/1', 'node/2', 'bun/2'],
    );
  });
  it('leaves out the windows a cell already records, failed ones included', () => {
    const done = new Map([['node__json-small', withRepeats('node', [1, 2])], [
      'bun__json-small',
      withRepeats('bun', [1]),
    ]]);
    assert.deepEqual(remainingWindows(plans, 3, done).map((w) => `${w.plan.target}/${w.repeat}`), [
      'bun/2',
      'node/3',
      'bun/3',
    ]);
  });
});

describe('resume', () => {
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gauntlet-resume-'));
    mkdirSync(join(d, 'cells'));
    writeFileSync(join(d, 'run.json'), JSON.stringify({ ...run, cells: run.cells.slice(0, 2) }));
    for (const name of run.cells.slice(0, 2)) {
      const c = cells.find((c) => name === `cells/${c.target}__${c.workload}.json`)!;
      writeFileSync(join(d, name), JSON.stringify(c));
    }
    return d;
  };
  it("takes the run's own settings and the cells it holds", () => {
    const d = dir();
    const { options, resumed } = resume(d, run.git.commit);
    assert.equal(options.runId, run.id);
    assert.equal(options.outDir, d);
    assert.deepEqual(options.targets, run.targets.map((t) => t.name));
    assert.equal(options.durationS, run.settings.durationS);
    assert.equal(resumed.cells.length, 2);
  });
  it('refuses another commit, and a directory without a run', () => {
    assert.throws(() => resume(dir(), 'def5678'), /made at commit abc1234 and this checkout is at def5678/);
    assert.throws(() => resume(mkdtempSync(join(tmpdir(), 'gauntlet-none-')), run.git.commit), /no run to resume/);
  });
});
