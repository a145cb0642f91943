import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cell, RunMeta } from '../../results/schema.ts';
import { toMarkdown } from '../doc.ts';
import { cells, run } from '../fixture.ts';
import { indexCells } from '../model.ts';
import { header } from './header.ts';

const render = (r: RunMeta, cs: Cell[]) => toMarkdown(header(r, cs, indexCells(r, cs)));

describe('header: multi-core runs', () => {
  it('says nothing of workers in a run without them', () => {
    const text = render(run, cells);
    assert.doesNotMatch(text, /Functional run|Uneven worker CPU/);
  });
  it('says which runtime variables every target inherited, and only when there were some', () => {
    assert.doesNotMatch(render(run, cells), /Runtime settings from the environment/);
    const env = { ...run, settings: { ...run.settings, runtimeEnv: { DENO_V8_FLAGS: '--a', NODE_OPTIONS: '--b' } } };
    assert.match(
      render(env, cells),
      /\*\*Runtime settings from the environment\*\*: every target ran with `DENO_V8_FLAGS=--a NODE_OPTIONS=--b`/,
    );
  });
  it('labels a functional run as one, with its reason', () => {
    const functional = { ...run, settings: { ...run.settings, functional: 'the server and generator share CPU 1' } };
    assert.match(
      render(functional, cells),
      /\*\*Functional run, not figures\*\*: the server and generator share CPU 1\./,
    );
  });
  it('lists the cells whose workers shared the CPU unevenly, with the shares of those rounds', () => {
    const uneven = cells.map((c, i) =>
      i !== 0 ? c : {
        ...c,
        repeats: c.repeats.map((r, j) =>
          r.state !== 'ok' ? r : {
            ...r,
            figures: { ...r.figures, workerCpuShares: [0.7, 0.3], workerCpuUneven: j === 0 },
          }
        ),
      }
    );
    const text = render(run, uneven);
    assert.match(
      text,
      new RegExp(`\\*\\*Uneven worker CPU\\*\\*.*: ${cells[0]!.target} × ${cells[0]!.workload} \\(70%/30%\\)\\.`),
    );
  });
});
