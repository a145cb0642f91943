/**
 * The reference rows' definitions: each names a target of the table and a workload of the
 * catalogue, takes the seed's figures for its own system, and every figure of seed 003 kept here is
 * shown by its quote, which is in the seed text (shared/seeds/, where it is). The summary over
 * repeats is exact on known inputs.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { byId } from '../../contract/catalogue.ts';
import { ROOT, targetByName } from '../../targets/table.ts';
import { loadReferences, quoteShowsValue } from './reference.ts';
import type { ReferenceFigures } from './schema.ts';
import { referenceSummary, SEED003, SEED_SETUPS, seedSide } from './seed-rows.ts';

const refs = loadReferences(join(ROOT, 'results', 'reference'));
const SEEDS = process.env.GAUNTLET_SEEDS ?? join(ROOT, '..', 'shared', 'seeds');
const seedText = (seed: string) => {
  const file = existsSync(SEEDS) ? readdirSync(SEEDS).find((f) => f.startsWith(`${seed}_`)) : undefined;
  return file ? readFileSync(join(SEEDS, file), 'utf8') : undefined;
};
const noSeeds = existsSync(SEEDS) ? false : `no seed texts at ${SEEDS}`;

describe('reference rows', () => {
  it("name a target of the table and a workload of the catalogue; the seed's rows run reference targets", () => {
    for (const s of SEED_SETUPS) {
      const target = targetByName(s.target);
      assert.ok(byId(s.workload), s.id);
      if (s.seed === '002') {
        assert.equal(Boolean(target.reference), s.setup === 'seed', `${s.id}: ${s.target}`);
        assert.match(s.label, s.setup === 'seed' ? /^seed 002's setup: / : /^ours: /, s.id);
      } else {
        assert.match(s.label, /^seed 003's load /, s.id);
      }
    }
    assert.equal(new Set(SEED_SETUPS.map((s) => s.id)).size, SEED_SETUPS.length, 'ids are unique');
  });

  it("take seed 002's published figures for their own system; `ours` rows carry none", () => {
    const side = (id: string) => seedSide(SEED_SETUPS.find((s) => s.id === id)!, refs);
    const rps = (id: string) => side(id).published.find((f) => f.metric === 'rps')?.value;
    assert.equal(rps('seed002-django'), 58.3474);
    assert.equal(rps('seed002-starlette'), 495.303);
    assert.equal(side('seed002-django').seedSystem, 'python (sync): django + psycopg');
    assert.deepEqual(side('seed002-django-ours').published, []);
    assert.match(side('seed002-django').seedContext, /^oha 0\.5\.2 .*haproxy maxconn 25/);
    assert.equal(rps('seed003-fastapi'), undefined);
  });

  it("keep seed 003's figures with the sentence that shows them, found in the seed text", () => {
    const text = seedText('003');
    for (const [system, figures] of Object.entries(SEED003.published)) {
      assert.ok(SEED003.systems[system], system);
      for (const f of figures) {
        assert.ok(quoteShowsValue(f.quote, f.value), `${system}: ${f.value} in ${f.quote}`);
        if (text) assert.ok(text.includes(f.quote), `quote not in seed 003: ${f.quote}`);
      }
    }
  });

  it("quote seed 003's hey command verbatim", { skip: noSeeds }, () => {
    assert.ok(seedText('003')!.includes(SEED003.load), SEED003.load);
  });
});

const figures = (throughput: number, avg: number, over: Partial<ReferenceFigures> = {}): ReferenceFigures => ({
  requests: throughput * 10,
  durationS: 10,
  throughput,
  errorRate: 0,
  latencyMs: { avg, p50: avg, p90: avg, p95: avg, p99: 2 * avg, max: 3 * avg },
  serverCpuUsPerUnit: 100,
  serverCpuSource: 'cgroup v2',
  serverCpuPct: 50,
  serverPeakCpuPct: 60,
  serverPeakRssBytes: 1000,
  generatorBound: false,
  ...over,
});

describe('referenceSummary', () => {
  it('medians and min–max over the ok repeats only; generator-bound if any was', () => {
    const { median, spread } = referenceSummary([
      { state: 'ok', repeat: 1, figures: figures(900, 20) },
      { state: 'failed', repeat: 2, reason: 'x' },
      { state: 'ok', repeat: 3, figures: figures(1100, 10, { generatorBound: true, offeredRate: 5000 }) },
      { state: 'ok', repeat: 4, figures: figures(1000, 30) },
    ]);
    assert.equal(median!.throughput, 1000);
    assert.equal(median!.latencyMs.avg, 20);
    assert.equal(median!.latencyMs.p99, 40);
    assert.equal(median!.offeredRate, 5000, 'over the repeats that have it');
    assert.equal(median!.generatorBound, true);
    assert.deepEqual(spread.throughput, { min: 900, max: 1100, relative: 0.2 });
    assert.deepEqual(spread.latencyAvg, { min: 10, max: 30, relative: 1 });
    assert.deepEqual(spread.serverCpuPct, { min: 50, max: 50, relative: 0 });
  });

  it('has no median when no repeat succeeded', () => {
    assert.deepEqual(referenceSummary([{ state: 'failed', repeat: 1, reason: 'x' }]), { spread: {} });
  });
});
