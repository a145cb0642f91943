import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadReferences } from '../results/reference.ts';
import { ROOT } from '../../targets/table.ts';
import { describeRatio, publishedRatios, publishedRows, tag } from './published.ts';

const refs = loadReferences(join(ROOT, 'results', 'reference'));

describe('published figures for the report', () => {
  it('give transcribed Rust ÷ Python ratios with their source and context', () => {
    const [p, ...rest] = publishedRatios(refs, 'json-small');
    assert.equal(rest.length, 0);
    assert.equal(p!.value, 2.68);
    assert.equal(p!.computed, false);
    assert.equal(
      describeRatio(p!),
      '[001] Spikard-Rust ÷ Spikard-Python: oha (oha -z 10s -c 50 --output-format json); 50 concurrent connections; ' +
        '10 seconds per workload; MacBook (M-series, specific specs TBD); 2025-11-21 (closed loop, localhost)',
    );
  });

  it('compute a ratio from two published rates where the source gives none, and say so', () => {
    const [p] = publishedRatios(refs, 'db-recipes');
    assert.equal(p!.computed, true);
    assert.equal(p!.value, 267.0533 / 495.303);
    assert.equal(tag(p!.ref, p!.context), '[002]');
  });

  it('give per-role ratios of a mixed load only when asked for the role', () => {
    assert.deepEqual(publishedRatios(refs, 'shortener-shorten').length, 0);
    const writer = publishedRatios(refs, 'shortener-shorten', 'writer');
    assert.deepEqual(writer.map((p) => [p.value, tag(p.ref, p.context)]), [[23, '[000 summary]']]);
  });

  it('group absolute figures per source, system and scenario, times in ms', () => {
    const rows = publishedRows(refs, 'db-recipes');
    assert.deepEqual(rows.map((r) => r.system), ['django', 'starlette', 'axum']);
    assert.equal(rows[2]!.values.latency_p99, 279.4);
    assert.equal(rows[2]!.values.rps, 267.0533);
    assert.equal(publishedRows(refs, 'basic-health').length, 0);
  });
});
