/**
 * The committed result set and the README's headline: the README's tables are rendered from the
 * run it names, and that run's report.md from its result files, so neither can drift from the
 * figures nor be typed by hand.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadReferences } from '../results/reference.ts';
import { loadRun } from './cli.ts';
import { renderMarkdown } from './render.ts';
import { BEGIN, END, headlineMarkdown, headlineRun } from './headline.ts';
import { catalogue } from '../../contract/catalogue.ts';
import { ROOT } from '../../targets/table.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const runPath = headlineRun(readme);
/** The named run, read and validated once (in a test, so a missing or invalid run fails it). */
let loaded: ReturnType<typeof loadRun> | undefined;
const committed = () => (loaded ??= loadRun(join(ROOT, runPath!)));

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
    const { run, cells } = committed();
    const expected = renderMarkdown(run, cells, loadReferences(join(ROOT, 'results', 'reference')));
    assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), expected);
    assert.ok(existsSync(join(dir, 'report.html')));
  });

  it('is a full run: not quick, committed code, real services, no failed repeat', { skip: !runPath }, () => {
    const { run, cells } = committed();
    assert.equal(run.settings.quick, false);
    assert.equal(run.git.dirty, false);
    assert.equal(run.settings.backend, 'services');
    assert.ok(run.settings.repeats >= 3);
    assert.deepEqual(cells.flatMap((c) => c.repeats.filter((r) => r.state === 'failed').map(() => c.target)), []);
    for (const t of ['node', 'bun', 'deno', 'bare-node', 'bare-bun', 'bare-deno']) {
      assert.ok(cells.some((c) => c.target === t), `no cell for ${t}`);
    }
    for (const t of ['node', 'bun', 'deno']) {
      const missing = catalogue.filter((e) => !cells.some((c) => c.target === t && c.workload === e.id));
      assert.deepEqual(missing.map((e) => e.id), [], `workloads ${t} did not run`);
    }
  });
});
