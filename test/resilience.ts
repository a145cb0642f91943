/**
 * The resilience suite's short version, end to end on Postgres + Redis: `npm run bench:resilience
 * -- --quick` on node (and rust where cargo builds it), two levels of the sweep, every fault, a
 * few seconds of soak and of hostile clients. Fails on a crash, a lost click, or an error outside
 * an outage; never on a timing. Run by `npm test` as its own stage when the services are up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { onPath } from '../bench/measure/machine.ts';
import { Resilience } from '../bench/results/resilience.ts';
import { ROOT } from '../targets/table.ts';

const targets = ['node', ...(onPath('cargo') ? ['rust'] : [])];
const out = join(mkdtempSync(join(tmpdir(), 'gauntlet-resilience-')), 'run');
after(() => rmSync(join(out, '..'), { recursive: true, force: true }));

let data: Resilience;
let log = '';

/** `node bench/resilience/cli.ts <args>`, its output appended to `log`. */
const resilience = (args: string[]) =>
  new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['bench/resilience/cli.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', () => resolve());
  });
const read = () => Resilience.parse(JSON.parse(readFileSync(join(out, 'resilience.json'), 'utf8')));

describe(`npm run bench:resilience -- --quick on ${targets.join(', ')}`, { timeout: 900_000 }, () => {
  before(async () => {
    await resilience([
      '--quick',
      '--services',
      '--targets',
      targets.join(','),
      '--levels',
      '10,100',
      '--level-duration',
      '1s',
      '--settle',
      '4s',
      '--soak-duration',
      '4s',
      '--hostile-duration',
      '3s',
      '--out',
      out,
    ]);
    data = read();
  }, { timeout: 900_000 });

  it('ran every phase to its end on every target', () => {
    assert.ok(data.finishedAt, log.slice(-3000));
    for (const t of targets) {
      assert.equal(
        data.sweep.filter((c) => c.target === t).length,
        4,
        `${t}: four sweep workloads\n${log.slice(-3000)}`,
      );
      assert.equal(data.faults.filter((c) => c.target === t).length, 2, `${t}: the mix and db-recipes`);
      assert.ok(data.soak.some((c) => c.target === t), `${t}: soak`);
      assert.ok(data.hostile.some((c) => c.target === t), `${t}: hostile clients`);
    }
  });

  it('no target crashed: every level of the sweep ends with /health answering', () => {
    for (const c of data.sweep) {
      assert.equal(c.failure, undefined, `${c.target} ${c.workload}: ${c.failure}`);
      assert.deepEqual(c.levels.map((l) => l.alive), [true, true], `${c.target} ${c.workload}`);
    }
    for (const c of [...data.soak, ...data.hostile]) {
      assert.ok(!c.failures.includes('the target stopped answering'), `${c.target}: ${c.failures.join('; ')}`);
    }
  });

  it('faults: no error outside an outage, every request answered, every outage recovered from', () => {
    for (const c of data.faults) {
      const where = `${c.target} ${c.scenario}: ${c.errorSamples.join('; ')}`;
      assert.equal(c.errorsOutside, 0, where);
      // Every error is in errorKinds, by part and kind.
      assert.equal(Object.values(c.errorKinds ?? {}).reduce((n, k) => n + k, 0), c.errors, where);
      assert.equal(c.unfinished, 0, where);
      for (const e of c.events) assert.notEqual(e.recovery.firstSuccessMs, null, `${where} ${e.kind}`);
    }
  });

  it('faults: no click lost across the Redis and Postgres restarts and the kill -9, none counted twice', () => {
    for (const c of data.faults.filter((x) => x.scenario === 'shortener-mix')) {
      assert.ok(c.clicks, `${c.target}: clicks checked`);
      assert.ok(c.clicks.redirected > 0);
      assert.equal(c.clicks.lost, 0, `${c.target}: ${JSON.stringify(c.clicks)}`);
      assert.ok(c.clicks.ok, `${c.target}: ${JSON.stringify(c.clicks)}`);
      assert.ok(!c.failures.some((f) => f.includes('unflushed')), c.failures.join('; '));
    }
  });

  it('soak and hostile clients: no error in the normal traffic', () => {
    for (const c of data.soak) assert.equal(c.errors, 0, `${c.target} soak: ${c.failures.join('; ')}`);
    for (const c of data.hostile) assert.equal(c.with.errorRate, 0, `${c.target} hostile: ${c.failures.join('; ')}`);
  });

  it('renders the Resilience section beside resilience.json', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(md, /^## Resilience$/m);
    assert.match(md, /^### Faults mid-load$/m);
    for (const t of targets) assert.match(md, new RegExp(`^\\| ${t} \\| shortener-mix \\|`, 'm'));
  });

  it('adds a phase to the run with --run: that phase replaced on that target, the rest kept, both parts recorded', async () => {
    await resilience([
      '--quick',
      '--services',
      '--run',
      out,
      '--phases',
      'soak',
      '--targets',
      'node',
      '--soak-duration',
      '2s',
    ]);
    const again = read();
    assert.equal(again.parts?.length, 2, log.slice(-3000));
    assert.deepEqual(again.parts.map((p) => p.phases), [['sweep', 'faults', 'soak', 'hostile'], ['soak']]);
    assert.deepEqual(again.parts[1]!.targets, ['node']);
    assert.equal(again.soak.filter((c) => c.target === 'node').length, 1);
    assert.notDeepEqual(again.soak.find((c) => c.target === 'node'), data.soak.find((c) => c.target === 'node'));
    assert.deepEqual(again.sweep, data.sweep);
    assert.deepEqual(again.faults, data.faults);
    assert.deepEqual(again.hostile, data.hostile);
    assert.equal(again.settings.soak.durationS, 2);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^Made in 2 parts:$/m);
  });
});
