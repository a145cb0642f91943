import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { targetsMarkdown, withTargets } from './readme.ts';
import { ROOT, targets } from './table.ts';

describe("the README's targets table", () => {
  it('is what the target table renders to (npm run targets:readme rewrites it)', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    assert.equal(withTargets(readme), readme);
  });
  it('lists every target once, grouped by language', () => {
    const rows = targetsMarkdown().split('\n').slice(2);
    assert.equal(rows.length, targets.length);
    const languages = rows.map((r) => r.split(' | ')[1]);
    const runs = languages.filter((l, i) => i === 0 || l !== languages[i - 1]);
    assert.equal(new Set(runs).size, runs.length, `one run per language: ${runs.join(', ')}`);
  });
});
