import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cells, run } from '../report/fixture.ts';
import { resume } from './resume.ts';

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
    const { options, resumed } = resume(d, run.git.commit, run.machine.cpuModel, {});
    assert.equal(options.runId, run.id);
    assert.equal(options.outDir, d);
    assert.deepEqual(options.targets, run.targets.map((t) => t.name));
    assert.equal(options.durationS, run.settings.durationS);
    assert.equal(resumed.cells.length, 2);
  });
  it('refuses another commit, and a directory without a run', () => {
    assert.throws(
      () => resume(dir(), 'def5678', run.machine.cpuModel, {}),
      /made at commit abc1234 and this checkout is at def5678/,
    );
    assert.throws(() => resume(mkdtempSync(join(tmpdir(), 'gauntlet-none-')), run.git.commit), /no run to resume/);
  });
  it('refuses another CPU model: its rounds would be mixed into the same medians', () => {
    assert.throws(
      () => resume(dir(), run.git.commit, 'Some Other CPU', {}),
      /measured on ".*" and this machine is "Some Other CPU"/,
    );
  });
  it("refuses a shell whose runtime variables differ from the run's: no target would run as before", () => {
    assert.throws(
      () => resume(dir(), run.git.commit, run.machine.cpuModel, { DENO_V8_FLAGS: '--jitless' }),
      /ran its targets with no runtime variables in the environment, and this shell has DENO_V8_FLAGS=--jitless/,
    );
    const d = mkdtempSync(join(tmpdir(), 'gauntlet-resume-env-'));
    mkdirSync(join(d, 'cells'));
    const withEnv = { ...run, cells: [], settings: { ...run.settings, runtimeEnv: { NODE_OPTIONS: '--jitless' } } };
    writeFileSync(join(d, 'run.json'), JSON.stringify(withEnv));
    assert.throws(
      () => resume(d, run.git.commit, run.machine.cpuModel, {}),
      /ran its targets with NODE_OPTIONS=--jitless in the environment, and this shell has none/,
    );
    assert.equal(resume(d, run.git.commit, run.machine.cpuModel, { NODE_OPTIONS: '--jitless' }).options.runId, run.id);
  });
});
