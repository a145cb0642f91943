/**
 * The published figures in results/reference/: every file valid, every workload id in the
 * catalogue, every value shown by its quote and every quote found verbatim in its source, plus
 * independent re-readings of the seed tables, so a mistyped figure fails here.
 *
 * The seed texts live in shared/seeds/ beside the repository (GAUNTLET_SEEDS overrides); the
 * checks against them are skipped where that folder is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catalogue } from '../../contract/catalogue.ts';
import type { Figure, IncludedReference } from './reference.ts';
import { included, loadReferences, quoteShowsValue, Reference } from './reference.ts';
import { ROOT } from '../../targets/table.ts';

const DIR = join(ROOT, 'results', 'reference');
const SEEDS = process.env.GAUNTLET_SEEDS ?? join(ROOT, '..', 'shared', 'seeds');
const haveSeeds = existsSync(SEEDS);
const noSeeds = haveSeeds ? false : `no seed texts at ${SEEDS}`;

const refs = loadReferences(DIR);
const bySeed = (seed: string): IncludedReference => {
  const ref = included(refs).find((r) => r.seed === seed);
  assert.ok(ref, `no included reference for seed ${seed}`);
  return ref;
};
const seedText = (ref: { source: string }) => readFileSync(join(SEEDS, ref.source), 'utf8');
const value = (ref: IncludedReference, pick: (f: Figure) => boolean): number => {
  const found = ref.figures.filter(pick);
  assert.equal(found.length, 1, 'exactly one figure matches');
  return found[0]!.value;
};

describe('reference files', () => {
  it('all validate, one file per seed, named after it', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(files, ['000.json', '001.json', '002.json', '003.json', '004.json']);
    for (const [i, ref] of refs.entries()) {
      assert.equal(`${ref.seed}.json`, files[i]);
      assert.ok(ref.source.startsWith(`${ref.seed}_`), ref.source);
    }
  });

  it('account for every seed text', { skip: noSeeds }, () => {
    const seeds = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
    assert.deepEqual(refs.map((r) => r.source).sort(), seeds);
  });

  it('leave out seed 004 (a sample output) and seed 003 (another task), saying why', () => {
    const excluded = refs.filter((r) => r.status === 'excluded');
    assert.deepEqual(excluded.map((r) => r.seed), ['003', '004']);
    for (const r of excluded) assert.ok(r.status === 'excluded' && r.reason.length > 80, r.seed);
  });

  it('map only to workload ids of the catalogue', () => {
    const ids = new Set(catalogue.map((e) => e.id));
    for (const ref of included(refs)) {
      for (const f of ref.figures) {
        if (f.workload !== null) assert.ok(ids.has(f.workload), `${ref.seed}: ${f.workload}`);
      }
    }
  });

  it("map seed 001's workloads as the catalogue names them", () => {
    const map = new Map(bySeed('001').figures.map((f) => [f.label, f.workload]));
    assert.equal(map.get('JSON Small'), 'json-small');
    assert.equal(map.get('Path Simple'), 'path-simple');
    assert.equal(map.get('URL-Encoded Simple'), 'form-simple');
    assert.equal(map.get('Query Many'), 'query-many');
    assert.equal(map.size, 14);
  });

  it('show each value in its quote', () => {
    for (const ref of included(refs)) {
      for (const f of ref.figures) {
        assert.ok(quoteShowsValue(f.quote, f.value), `${ref.seed} ${f.label} ${f.metric}: ${f.value} in ${f.quote}`);
      }
    }
  });

  it('quote their source verbatim', { skip: noSeeds }, () => {
    for (const ref of included(refs)) {
      const text = seedText(ref);
      for (const f of ref.figures) assert.ok(text.includes(f.quote), `${ref.seed}: ${JSON.stringify(f.quote)}`);
    }
  });

  it('state the tool, concurrency, duration, hardware and date of every context', () => {
    for (const ref of included(refs)) {
      for (const [id, c] of Object.entries(ref.contexts)) {
        for (const [k, v] of Object.entries(c)) assert.ok(v.trim().length > 0, `${ref.seed} ${id} ${k}`);
      }
    }
    const c001 = bySeed('001').contexts.main!;
    assert.equal(c001.hardware, 'MacBook (M-series, specific specs TBD)');
    assert.equal(c001.concurrency, '50 concurrent connections');
    assert.match(c001.tool, /^oha/);
    assert.equal(c001.date, '2025-11-21');
  });

  // The source's printed ratios are not exactly its printed rates divided (81.03 is printed 81.04):
  // they agree to about 0.01, which still catches a mistyped digit anywhere but the last decimal.
  it('agree with their own ratios (seed 001: Rust ÷ Python within 0.015)', () => {
    const ref = bySeed('001');
    for (const f of ref.figures) {
      if (f.kind !== 'ratio') continue;
      const rate = (system: string) =>
        value(ref, (g) => g.kind === 'value' && g.label === f.label && g.system === system && g.metric === 'rps');
      assert.ok(Math.abs(rate(f.numerator) / rate(f.denominator) - f.value) < 0.015, f.label);
    }
  });
});

describe('figures re-read from the seed texts', { skip: noSeeds }, () => {
  it('seed 001: JSON Small is 159,515 vs 59,358 req/s, 2.68×', () => {
    const ref = bySeed('001');
    const text = seedText(ref);
    assert.ok(text.includes('| **JSON Small** | 159,515 | 59,358 | **2.68x** |'));
    const fig = (system: string) =>
      value(ref, (f) => f.kind === 'value' && f.workload === 'json-small' && f.system === system);
    assert.equal(fig('spikard-rust'), 159515);
    assert.equal(fig('spikard-python'), 59358);
    assert.equal(value(ref, (f) => f.kind === 'ratio' && f.workload === 'json-small'), 2.68);
  });

  it('seed 001: every row of its detailed tables', () => {
    const ref = bySeed('001');
    const rows = [...seedText(ref).matchAll(/^\| \*\*([^*]+)\*\* \| ([\d,]+) \| ([\d,]+) \| \*\*([\d.]+)x\*\* \|/gm)];
    assert.equal(rows.length, 14);
    for (const [, label, rust, python, ratio] of rows) {
      const n = (s: string) => Number(s.replace(/,/g, ''));
      const of = (pick: (f: Figure) => boolean) => value(ref, (f) => f.label === label && pick(f));
      assert.equal(of((f) => f.kind === 'value' && f.system === 'spikard-rust'), n(rust!), `${label} rust`);
      assert.equal(of((f) => f.kind === 'value' && f.system === 'spikard-python'), n(python!), `${label} python`);
      assert.equal(of((f) => f.kind === 'ratio'), n(ratio!), `${label} ratio`);
    }
  });

  it('seed 002: the three oha summaries, in order: django, starlette, axum', () => {
    const ref = bySeed('002');
    const text = seedText(ref);
    const rates = [...text.matchAll(/Requests\/sec:\t([\d.]+)/g)].map((m) => Number(m[1]));
    const p99s = [...text.matchAll(/ 99% in ([\d.]+) secs/g)].map((m) => Number(m[1]));
    assert.deepEqual(rates, [58.3474, 495.303, 267.0533]);
    ['django', 'starlette', 'axum'].forEach((system, i) => {
      const of = (metric: string) =>
        value(ref, (f) => f.kind === 'value' && f.system === system && f.metric === metric);
      assert.equal(of('rps'), rates[i]);
      assert.equal(of('latency_p99'), p99s[i]);
    });
    assert.equal(value(ref, (f) => f.kind === 'value' && f.system === 'axum' && f.metric === 'peak_rss'), 15);
  });

  it("seed 000: the summary's Rust ÷ Python ratios and the rates behind them", () => {
    const ref = bySeed('000');
    const text = seedText(ref);
    for (
      const [role, label] of [['aggregate', 'Aggregate'], ['writer', 'Writer'], ['reader', 'Reader'], [
        'celebrity',
        'Celebrity',
      ]]
    ) {
      const m = new RegExp(`^\\| ${label} RPS \\| [\\d.]+ \\| [\\d.]+ \\| \\*\\*([\\d.]+)×\\*\\* \\|$`, 'm').exec(text);
      assert.ok(m, label);
      assert.equal(value(ref, (f) => f.kind === 'ratio' && f.role === role), Number(m[1]));
    }
    assert.equal(
      value(ref, (f) => f.kind === 'value' && f.context === 'high' && f.role === 'writer' && f.metric === 'rps'),
      59.8,
    );
    assert.equal(
      value(ref, (f) => f.kind === 'value' && f.context === 'low' && f.role === 'aggregate' && f.metric === 'rps'),
      88.4,
    );
  });
});

describe('quoteShowsValue', () => {
  it('finds a value however the source groups or pads it', () => {
    assert.ok(quoteShowsValue('| **JSON Small** | 159,515 | 59,358 | **2.68x** |', 159515));
    assert.ok(quoteShowsValue('| **JSON Small** | 159,515 | 59,358 | **2.68x** |', 2.68));
    assert.ok(quoteShowsValue('| POST /api/shorten | 1 196 | 1 196 | **0** | 59.80 | 168 ms |', 1196));
    assert.ok(quoteShowsValue('| POST /api/shorten | 1 196 | 1 196 | **0** | 59.80 | 168 ms |', 59.8));
    assert.ok(quoteShowsValue('  Requests/sec:\t495.3030', 495.303));
    assert.ok(quoteShowsValue('async Python 495 160% 143 MB', 160));
  });

  it('does not find a typo, or a fragment of another number', () => {
    assert.ok(!quoteShowsValue('| **JSON Small** | 159,515 | 59,358 | **2.68x** |', 159516));
    assert.ok(!quoteShowsValue('| **JSON Small** | 159,515 | 59,358 | **2.68x** |', 515));
    assert.ok(!quoteShowsValue('| **JSON Small** | 159,515 | 59,358 | **2.68x** |', 2.6));
    assert.ok(!quoteShowsValue('| POST /api/shorten | 1 196 | 1 196 | **0** | 59.80 | 168 ms |', 1197));
    assert.ok(!quoteShowsValue('| POST /api/shorten | 1 196 | 1 196 | **0** | 59.80 | 168 ms |', 59.81));
    assert.ok(!quoteShowsValue('| POST /api/shorten | 1 196 | 1 196 | **0** | 59.80 | 168 ms |', 598));
  });
});

describe('the Reference schema', () => {
  it('rejects a figure naming an unknown system or context', () => {
    const base = JSON.parse(readFileSync(join(DIR, '001.json'), 'utf8'));
    assert.ok(Reference.safeParse(base).success);
    const badSystem = structuredClone(base);
    badSystem.figures[0].system = 'nobody';
    assert.ok(!Reference.safeParse(badSystem).success);
    const badContext = structuredClone(base);
    badContext.figures[0].context = 'nowhere';
    assert.ok(!Reference.safeParse(badContext).success);
  });
});
