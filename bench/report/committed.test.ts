/**
 * The committed result set and the README's headline: the README's tables are rendered from the
 * run it names, and that run's report.md from its result files, so neither can drift from the
 * figures nor be typed by hand.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadReportInputs, loadResilience } from './cli.ts';
import { renderMarkdown, renderResilienceMarkdown } from './render.ts';
import { FaultCell } from '../results/resilience.ts';
import { BEGIN, END, headlineMarkdown, headlineRun } from './headline.ts';
import { catalogue } from '../../contract/catalogue.ts';
import { notServed, ROOT, targets } from '../../targets/table.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const runPath = headlineRun(readme);
/** The named run, read and validated once (in a test, so a missing or invalid run fails it). */
let loaded: ReturnType<typeof loadReportInputs> | undefined;
const committed = () => (loaded ??= loadReportInputs(join(ROOT, runPath!), join(ROOT, 'results', 'reference')));

/**
 * What makes a run a full one, the headline's and every supplement's alike: not quick, committed code,
 * real services, repeats, no failed repeat.
 */
function assertFullRun({ run, cells }: Pick<ReturnType<typeof loadReportInputs>, 'run' | 'cells'>): void {
  assert.equal(run.settings.quick, false);
  assert.equal(run.git.dirty, false);
  assert.equal(run.settings.backend, 'services');
  assert.ok(run.settings.repeats >= 3);
  assert.deepEqual(cells.flatMap((c) => c.repeats.filter((r) => r.state === 'failed').map(() => c.target)), []);
}

describe('the committed result set', () => {
  it('the README shows a headline block naming a committed run', () => {
    assert.ok(runPath, `README.md has no ${BEGIN('results/<run-id>')} … ${END} block`);
    assert.ok(existsSync(join(ROOT, runPath, 'run.json')), `${runPath}/run.json is not in the repository`);
  });

  it('the headline is what the run renders to', { skip: !runPath }, () => {
    const { run, cells } = committed();
    const block = readme.slice(readme.indexOf(BEGIN(runPath!)) + BEGIN(runPath!).length + 1, readme.indexOf(END));
    assert.equal(block.trimEnd(), headlineMarkdown(run, cells, runPath!).trimEnd());
  });

  it('its report.md is what its result files render to, and report.html is beside it', { skip: !runPath }, () => {
    const dir = join(ROOT, runPath!);
    const { run, cells, references, seeds, instructions, resilience } = committed();
    const expected = renderMarkdown(run, cells, references, seeds, instructions, resilience);
    assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), expected);
    assert.ok(existsSync(join(dir, 'report.html')));
  });

  it('is a full run: not quick, committed code, real services, no failed repeat', { skip: !runPath }, () => {
    const { run, cells } = committed();
    assertFullRun({ run, cells });
    // Every target the suite has (the seeds' reference setups are measured beside the run, below),
    // on every workload: a cell, or a pair the run left out with its reason.
    const ran = new Set(run.targets.map((t) => t.name));
    assert.deepEqual(targets.filter((t) => !t.reference && !ran.has(t.name)).map((t) => t.name), []);
    const missing = run.targets.flatMap((t) =>
      catalogue
        .filter((e) => !cells.some((c) => c.target === t.name && c.workload === e.id))
        .filter((e) => !run.skipped.some((s) => s.target === t.name && s.workload === e.id && s.reason))
        .map((e) => `${t.name} × ${e.id}`)
    );
    assert.deepEqual(missing, [], 'pairs with neither a cell nor a reason');
  });

  it(
    "has the fixed-rate table, the seeds' setups and the instruction counts beside its cells",
    { skip: !runPath },
    () => {
      const { run, cells, seeds, instructions } = committed();
      assert.equal(run.settings.rateTable, true);
      assert.ok(cells.some((c) => c.phase === 'rate-table'), 'no cell of the fixed-rate table');
      assert.ok(seeds && seeds.rows.length > 0, 'no references.json (npm run bench:seeds)');
      assert.ok(instructions, 'no instructions.json (npm run bench:instructions)');
    },
  );

  it(
    'a family declared since the run is measured in a committed supplement run, which the README links',
    { skip: !runPath },
    () => {
      const { run } = committed();
      // A pair the run skipped as not implemented that the targets' table now serves.
      const declaredSince = run.skipped.filter((s) => {
        const target = targets.find((t) => t.name === s.target);
        const endpoint = catalogue.find((e) => e.id === s.workload);
        return target && endpoint && /not implemented/.test(s.reason) && !notServed(target, endpoint);
      });
      const measured = supplements().flatMap(({ cells }) => cells.map((c) => `${c.target} × ${c.workload}`));
      assert.deepEqual(
        declaredSince.map((s) => `${s.target} × ${s.workload}`).filter((pair) => !measured.includes(pair)),
        [],
        'the run says not implemented for a family the target now declares, and no supplement measured it: a run is due',
      );
    },
  );
});

/**
 * The runs committed beside the headline's: each measured the families declared after it, at a later
 * commit, with the headline's method (a full run: real services, clean tree, repeats, no failure).
 */
const runFolders = () => {
  // Committed ones only: a run a user made in this checkout (`npm run bench` before `npm test`) is not one of them.
  const listed = spawnSync('git', ['ls-files', '-z', 'results'], { cwd: ROOT, encoding: 'utf8' });
  const tracked = listed.status === 0 ? new Set(listed.stdout.split('\0').map((p) => p.split('/')[1])) : undefined;
  return readdirSync(join(ROOT, 'results'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'reference' && (tracked?.has(d.name) ?? true))
    .map((d) => `results/${d.name}`);
};
/** Folders `npm run bench:resilience` wrote on their own: resilience.json and no matrix (run.json) beside it. */
const resiliencePaths = () =>
  runFolders().filter((path) =>
    existsSync(join(ROOT, path, 'resilience.json')) && !existsSync(join(ROOT, path, 'run.json'))
  );
const supplementPaths = () => runFolders().filter((path) => path !== runPath && !resiliencePaths().includes(path));
const supplements = () =>
  supplementPaths().map((path) => ({
    path,
    ...loadReportInputs(join(ROOT, path), join(ROOT, 'results', 'reference')),
  }));

describe('the supplement runs', () => {
  for (const path of supplementPaths()) {
    it(`${path}: a full run, its report rendered from its files, linked from the README`, () => {
      const { run, cells, references, seeds, instructions, resilience } = loadReportInputs(
        join(ROOT, path),
        join(ROOT, 'results', 'reference'),
      );
      assertFullRun({ run, cells });
      assert.equal(
        readFileSync(join(ROOT, path, 'report.md'), 'utf8'),
        renderMarkdown(run, cells, references, seeds, instructions, resilience),
      );
      assert.ok(readme.includes(`(${path}/report.md)`), `README.md does not link ${path}/report.md`);
    });
  }
});

describe('the resilience runs', () => {
  for (const path of resiliencePaths()) {
    it(`${path}: a full run of every phase over every target, its report rendered from its file, linked from the README`, () => {
      const r = loadResilience(join(ROOT, path))!;
      // Full settings: not the CI's short version, every level, the 10-minute soak, real services.
      assert.equal(r.settings.quick, false);
      assert.equal(r.settings.backend, 'services');
      assert.deepEqual(r.settings.sweep.levels, [10, 50, 100, 250, 500, 1000]);
      assert.ok(r.settings.soak.durationS >= 600, `a soak of ${r.settings.soak.durationS} s`);
      assert.deepEqual(r.settings.phases, ['sweep', 'faults', 'soak', 'hostile']);
      // Every invocation that wrote into it ran committed code.
      const parts = r.parts ?? [{ git: r.git, phases: r.settings.phases, targets: r.settings.targets }];
      assert.deepEqual(parts.filter((p) => p.git.dirty).map((p) => `${p.phases} × ${p.targets}`), []);
      assert.deepEqual(r.failedCells.map((c) => `${c.phase} ${c.what} on ${c.target}: ${c.error}`), []);
      // Every target the suite has, in every phase: a cell, or what it left out with the reason.
      const ran = new Set(r.settings.targets);
      assert.deepEqual(targets.filter((t) => !t.reference && !ran.has(t.name)).map((t) => t.name), []);
      const accounted = (target: string, phase: string, what: string, has: boolean) =>
        has || r.skipped.some((s) => s.target === target && s.phase === phase && s.what === what && s.reason);
      const missing = r.settings.targets.flatMap((t) =>
        [
          ...r.settings.sweep.workloads
            .filter((w) => !accounted(t, 'sweep', w, r.sweep.some((c) => c.target === t && c.workload === w)))
            .map((w) => `sweep ${w}`),
          ...FaultCell.shape.scenario.options
            .filter((s) => !accounted(t, 'faults', s, r.faults.some((c) => c.target === t && c.scenario === s)))
            .map((s) => `faults ${s}`),
          ...(accounted(t, 'soak', r.settings.soak.workload, r.soak.some((c) => c.target === t)) ? [] : ['soak']),
          ...(accounted(t, 'hostile', r.settings.hostile.workload, r.hostile.some((c) => c.target === t))
            ? []
            : ['hostile']),
        ].map((what) => `${t}: ${what}`)
      );
      assert.deepEqual(missing, [], 'cells with neither a figure nor a reason');
      assert.equal(readFileSync(join(ROOT, path, 'report.md'), 'utf8'), renderResilienceMarkdown(r));
      assert.ok(existsSync(join(ROOT, path, 'report.html')));
      assert.ok(readme.includes(`(${path}/report.md)`), `README.md does not link ${path}/report.md`);
    });
  }
});
