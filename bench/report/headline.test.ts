import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, run } from './fixture.ts';
import { BEGIN, END, headlineMarkdown, headlineRun, replaceHeadline } from './headline.ts';

// The fixture's json-small cells again as basic-json, so that the Hono-overhead table has a row.
const withJson = [
  ...cells,
  ...cells.filter((c) => c.workload === 'json-small').map((c) => ({ ...c, workload: 'basic-json', family: 'basic' })),
];
const md = headlineMarkdown({ ...run, workloads: [...run.workloads, 'basic-json'] }, withJson, 'results/r1');
const rowsOf = (text: string, workload: string) => text.split('\n').filter((l) => l.startsWith(`| ${workload} |`));

describe('README headline', () => {
  it('shows throughput, CPU per request and ratios of every framework target, headline workloads in order', () => {
    // Controls are not columns; basic-json comes first although the run listed it last.
    assert.match(md, /\| Workload \| Driver \| node \| bun \| rust \| python \|/);
    assert.ok(md.indexOf('| basic-json |') < md.indexOf('| json-small |'));
    assert.deepEqual(rowsOf(md, 'json-small'), [
      // Medians with their min–max range (3 rounds), at the digits the range supports.
      '| json-small | oha | 8,000 (7,900–8,100) | ≥20,000 (19,000–21,000) ⚠ | 10,000 (9,000–11,000) | 4,000 (3,900–4,100) |',
      '| json-small | oha | 60.0 (59.0–61.0) | 20.0 (19.0–21.0) | 10.0 (9.0–11.0) | 200 (195–205) |',
      // Against rust, one table per figure. Paired by round: node 7,900/9,000, 8,000/10,000,
      // 8,100/11,000 → 0.80 (0.73–0.88); bun is generator-bound.
      '| json-small | 0.80× (0.73–0.88) | ≥1.91× (1.90–2.23) ⚠ | 0.39× (0.37–0.45) |',
      // rust's CPU ÷ the target's: 9/61, 10/60, 11/59 → 0.167 (0.147–0.187)
      '| json-small | 0.167× (0.147–0.187) | 0.48× (0.45–0.58) | 0.049× (0.045–0.057) |',
    ]);
    assert.match(md, /\*\*Throughput against rust\*\*[^\n]*\n\n\| Workload \| node \| bun \| python \|/);
    // python's failed repeat leaves the median of the other two: (400 + 420) / 2.
    assert.equal(
      rowsOf(md, 'db-recipes')[0],
      '| db-recipes | k6 | 1,000 (900–1,100) | 1,500 (1,500–1,500) | 500 (500–500) | 410 (400–420) |',
    );
    // node and bun ran db-recipes embedded, rust on services: their ratios are marked.
    assert.match(rowsOf(md, 'db-recipes')[2]!, /^\| db-recipes \| 2\.00× \(1\.80–2\.21\) ‡ \|/);
  });

  it('says "not implemented" where a target does not declare the family, apart from a cell that is missing', () => {
    const undeclared = {
      ...run,
      workloads: [...run.workloads, 'basic-json'],
      skipped: [{
        target: 'python',
        workload: 'json-small',
        reason: 'python does not declare json',
        notImplemented: true,
      }],
    };
    const without = headlineMarkdown(
      undeclared,
      withJson.filter((c) => !(c.target === 'python' && c.workload === 'json-small')),
      'r',
    );
    for (const row of rowsOf(without, 'json-small')) assert.match(row, /\| not implemented \|$/);
    const missing = headlineMarkdown(
      { ...undeclared, skipped: [] },
      withJson.filter((c) => !(c.target === 'python' && c.workload === 'json-small')),
      'r',
    );
    for (const row of rowsOf(missing, 'json-small')) assert.match(row, /\| — \|$/);
  });

  it('shows Hono overhead against each bare control on GET /json', () => {
    assert.ok(
      md.includes(
        '| node vs bare-node | 8,000 (7,900–8,100) | 10,000 (10,000–10,000) | 0.800× (0.790–0.810) | 1.50× (1.47–1.53) | +20.0 |',
      ),
    );
  });

  it('links the report and names the settings', () => {
    assert.match(md, /\[the report\]\(results\/r1\/report\.md\) \(\[HTML\]\(results\/r1\/report\.html\)\)/);
    assert.match(md, /3 interleaved rounds of 10 s after 2 s of warm-up, closed loop, 50 connections/);
  });

  it('replaces only the block between the markers, and finds the run it names', () => {
    const readme = `# Title\n\nbefore\n\n${BEGIN('results/old')}\nstale table\n${END}\n\nafter\n`;
    const next = replaceHeadline(readme, 'results/r1', md);
    assert.equal(headlineRun(next), 'results/r1');
    assert.ok(next.startsWith('# Title\n\nbefore\n\n<!-- gauntlet:headline results/r1 -->\nRun `test-run`'));
    assert.ok(next.endsWith(`|\n${END}\n\nafter\n`));
    assert.ok(!next.includes('stale table'));
    assert.equal(replaceHeadline(next, 'results/r1', md), next);
    assert.throws(() => replaceHeadline('# no block\n', 'results/r1', md), /has no headline block/);
    assert.equal(headlineRun('# no block\n'), undefined);
  });
});
