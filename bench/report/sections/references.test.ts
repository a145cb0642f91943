/**
 * "The seeds' setups, measured here": every row labelled as the seed's setup or as ours, the seed's
 * published figures under each of its systems, the caveat, ⚠ on generator-bound figures, failed
 * repeats listed. Known inputs, exact outputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReferenceFigures, ReferenceRow, ReferenceRun } from '../../results/schema.ts';
import { ReferenceRun as ReferenceRunSchema } from '../../results/schema.ts';
import { referenceSummary } from '../../results/seed-rows.ts';
import { type Block, toMarkdown } from '../doc.ts';
import { publishedText, seedSetups, withRange } from './references.ts';

const figures = (over: Partial<ReferenceFigures> = {}): ReferenceFigures => ({
  requests: 60_000,
  durationS: 60,
  throughput: 1000,
  errorRate: 0,
  latencyMs: { avg: 50, p50: 45, p90: 70, p95: 80, p99: 120, max: 300 },
  serverCpuUsPerUnit: 400,
  serverCpuSource: 'cgroup v2',
  serverCpuPct: 40,
  serverPeakCpuPct: 48,
  serverPeakRssBytes: 200 * 2 ** 20,
  generatorCoreBusyPct: 70,
  generatorBound: false,
  ...over,
});

const SEED002 = {
  seed: '002',
  workload: 'db-recipes',
  seedContext: 'oha 0.5.2; 50 connections; 1 minute; NYC',
  seedLoad: "oha -z 1m -c 50 --no-tui 'http://$IP/api/v1/recipes'",
  driver: 'wrk' as const,
  load: 'wrk, closed loop, 50 connections, 60 s (+ 3 s warm-up), GET /api/v1/recipes?limit=10',
  settings: {},
};

function row(over: Partial<ReferenceRow> & Pick<ReferenceRow, 'id' | 'repeats'>): ReferenceRow {
  return {
    seed: '002',
    setup: 'seed',
    label: 'a row',
    target: 't',
    workload: 'db-recipes',
    seedSystem: 'python (sync): django + psycopg',
    seedContext: '',
    seedLoad: '',
    driver: 'wrk',
    load: '',
    settings: {},
    published: [],
    ...over,
    ...referenceSummary(over.repeats),
  };
}

const run: ReferenceRun = ReferenceRunSchema.parse({
  id: '20261130-170000-seeds',
  startedAt: '2026-11-30T17:00:00.000Z',
  git: { commit: '0123456789abcdef0123', dirty: false },
  machine: { cpuModel: 'AMD EPYC', cores: 2, kernel: '6.1', memoryBytes: 2 ** 34, os: 'Debian 12' },
  versions: { hey: 'v0.1.5' },
  settings: {
    repeats: 3,
    warmupS: 3,
    serverCores: '0',
    generatorCores: '1',
    servicesCores: '1',
    seed002: { durationS: 60, connections: 50 },
    seed003: { requests: 150_000, connections: 50, ratePerConnection: 100 },
  },
  rows: [
    row({
      ...SEED002,
      id: 'seed002-django',
      label: "seed 002's setup: Django on gunicorn -w 5, sync workers, access log",
      target: 'django-seed002',
      published: [
        { metric: 'rps', value: 58.3474, unit: 'req/s', quote: '  Requests/sec:\t58.3474' },
        { metric: 'latency_avg', value: 0.8512, unit: 's', quote: '  Average:\t0.8512 secs' },
        { metric: 'peak_rss', value: 276, unit: 'MB', quote: 'sync Python 58 48% 276 MB' },
      ],
      repeats: [
        { state: 'ok', repeat: 1, figures: figures({ throughput: 900 }) },
        { state: 'ok', repeat: 2, figures: figures({ throughput: 1000, generatorBound: true }) },
        { state: 'ok', repeat: 3, figures: figures({ throughput: 1100 }) },
      ],
    }),
    row({
      ...SEED002,
      id: 'seed002-django-ours',
      setup: 'ours',
      label: 'ours: the same Django project on gunicorn gthread, 1 worker × 4 threads, no access log',
      target: 'django',
      repeats: [
        {
          state: 'ok',
          repeat: 1,
          figures: figures({ throughput: 2000, latencyMs: { ...figures().latencyMs, avg: 25 } }),
        },
        { state: 'failed', repeat: 2, reason: 'error rate 5.0% (the limit is 1%)' },
      ],
    }),
    row({
      seed: '003',
      id: 'seed003-fastapi',
      label: "seed 003's load (hey -q 100, 50 workers) on FastAPI, launched as we launch it",
      target: 'python',
      workload: 'basic-json',
      seedSystem: 'FastAPI (Python)',
      seedContext: 'hey; Docker; hardware not stated',
      seedLoad: 'hey -n 1000000 -m GET -q 100 http://localhost:<port>/simple_json',
      driver: 'hey',
      load: 'hey -n 150000 -c 50 -q 100 -m GET -cpus 1 -o csv http://127.0.0.1:<port>/json',
      published: [{ metric: 'latency_avg', value: 10, unit: 'ms', approximate: true, quote: 'approximately 10ms' }],
      repeats: [
        {
          state: 'ok',
          repeat: 1,
          figures: figures({
            throughput: 4990,
            offeredRate: 5000,
            statusCodes: { '200': 149_000, '500': 2 },
            transportErrors: 998,
            errorRate: 1000 / 150_000,
            requests: 149_002,
            latencyMs: { avg: 4.9, p50: 4.7, p90: 8, p95: 9, p99: 14, max: 30 },
          }),
        },
      ],
    }),
  ],
});

const markdown = toMarkdown(seedSetups(run));
const tables = seedSetups(run).filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');

describe("the seeds' setups section", () => {
  it("says these are the seeds' settings, not ours, never ranked", () => {
    assert.match(markdown, /^## The seeds' setups, measured here$/m);
    assert.match(markdown, /\*\*the seed's setup, not ours\*\*/);
    assert.match(markdown, /break the one-worker rule/);
    assert.match(markdown, /appear in none of the report's ranking or ratio tables/);
    assert.match(markdown, /3 interleaved repeats/);
  });

  it("shows each seed 002 row with its label, and the seed's published figures under its system", () => {
    const [t002] = tables;
    assert.deepEqual(t002!.head.slice(0, 4), ['Row', 'Setup', 'req/s', 'avg latency ms']);
    assert.deepEqual(t002!.rows.map((r) => r.slice(0, 4)), [
      [
        "seed 002's setup: Django on gunicorn -w 5, sync workers, access log (`django-seed002`)",
        "the seed's, measured here",
        '≥1,000 (900–1,100) ⚠',
        '50.0',
      ],
      [
        'ours: the same Django project on gunicorn gthread, 1 worker × 4 threads, no access log (`django`)',
        'ours, measured here',
        '2,000',
        '25.0',
      ],
      ['[002] published: python (sync): django + psycopg', "the seed's, on its machines", '58.3', '851'],
    ]);
    assert.equal(t002!.rows[0]![7], '200', 'peak RSS in MiB');
    assert.equal(t002!.rows[2]![7], '276 (MB)', "the seed's RSS as it wrote it");
    assert.match(markdown, /The seed: `oha -z 1m -c 50 --no-tui 'http:\/\/\$IP\/api\/v1\/recipes'` — oha 0\.5\.2/);
    assert.match(markdown, /Postgres on cores 1\./);
  });

  it("shows seed 003's hey rows: offered and achieved rate, hey's average beside the seed's approximate one", () => {
    const t003 = tables[1]!;
    assert.deepEqual(t003.rows, [
      [
        "seed 003's load (hey -q 100, 50 workers) on FastAPI, launched as we launch it (`python`)",
        "the seed's load, our launch, measured here",
        '5,000',
        '4,990',
        '4.90',
        '4.70',
        '14.0',
        '40.0',
        '400',
        '2 non-200, 998 without a response',
      ],
      [
        '[003] published: FastAPI (Python)',
        "the seed's, in Docker on unstated hardware",
        '5,000',
        '—',
        '~10',
        '—',
        '—',
        '—',
        '—',
        '—',
      ],
    ]);
    assert.match(markdown, /offered 50 × 100 = 5,000 requests\/s/);
  });

  it('lists failed repeats', () => {
    assert.match(markdown, /- `django` repeat 2: error rate 5\.0% \(the limit is 1%\)/);
  });

  it('says so when nothing was measured', () => {
    assert.match(toMarkdown(seedSetups({ ...run, rows: [] })), /No reference row was measured\./);
  });
});

describe('reference figures as text', () => {
  it('a median with the range of the repeats, or alone when they agree', () => {
    assert.equal(withRange(1234, { min: 1190, max: 1270, relative: 0.06 }), '1,234 (1,190–1,270)');
    assert.equal(withRange(2 ** 20 * 10, { min: 2 ** 20 * 10, max: 2 ** 20 * 10, relative: 0 }, 1 / 2 ** 20), '10.0');
    assert.equal(withRange(undefined, undefined), 'failed');
  });

  it('published seconds in ms, approximate figures with their own digits', () => {
    assert.equal(publishedText({ metric: 'latency_avg', value: 0.1009, unit: 's', quote: 'x' }), '101');
    assert.equal(publishedText({ metric: 'latency_avg', value: 5, unit: 'ms', approximate: true, quote: 'x' }), '~5');
    assert.equal(publishedText(undefined), '—');
  });
});
