import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Resilience } from '../../results/resilience.ts';
import { toMarkdown } from '../doc.ts';
import { resilienceSection } from './resilience.ts';

const level = (connections: number, throughput: number, p99Ms: number, stable = true) => ({
  connections,
  throughput,
  p50Ms: p99Ms / 3,
  p99Ms,
  errorRate: stable ? 0 : 0.02,
  alive: true,
  p99BoundMs: 10 * p99Ms,
  stable,
  ...(stable ? {} : { why: '2.00 % errors (limit 0.1 %)' }),
});

const recovery = { downParts: ['writers'], firstSuccessMs: 120, fullRateMs: 750, errorsDuring: 40, okDuring: 10 };

const fixture: Resilience = Resilience.parse({
  id: '20261201-000000-resilience',
  startedAt: '2026-12-01T00:00:00.000Z',
  git: { commit: 'abc', dirty: false },
  machine: { cpuModel: 'x', cores: 2, kernel: 'k', memoryBytes: 1, os: 'linux' },
  settings: {
    targets: ['node', 'rust'],
    phases: ['sweep', 'faults', 'soak', 'hostile'],
    sweep: { workloads: ['basic-json'], levels: [10, 100], levelDurationS: 5, warmupS: 1, driver: 'auto' },
    faults: { rate: 200, settleS: 15, outageS: 3, connections: 32 },
    soak: { workload: 'basic-json', rate: 1000, durationS: 600, sampleEveryMs: 1000 },
    hostile: {
      workload: 'basic-json',
      rate: 500,
      durationS: 20,
      slowHeaderClients: 300,
      slowReaders: 50,
      badShare: 0.05,
    },
    serverCores: '0',
    generatorCores: '1',
    backend: 'services',
    nofile: { found: 1024, hard: 20000, used: 3024 },
    quick: false,
  },
  rules: {
    stable: { maxErrorRate: 0.001, p99Factor: 10, p99CeilingMs: 5000 },
    outageGraceMs: 2000,
    downShare: 0.5,
    fullRateShare: 0.95,
    fullRateBuckets: 4,
    fullRateLatencyMs: 1000,
    bucketMs: 250,
    leak: { pct: 25, minBytes: 32 * 2 ** 20 },
    text: { stable: 'STABLE-RULE', outage: 'OUTAGE-RULE', recovery: 'RECOVERY-RULE', clicks: 'CLICKS', leak: 'LEAK' },
  },
  sweep: [
    {
      target: 'node',
      workload: 'basic-json',
      driver: 'wrk',
      levels: [level(10, 9000, 2), level(100, 9500, 30)],
      maxStable: 100,
    },
    {
      target: 'rust',
      workload: 'basic-json',
      driver: 'wrk',
      levels: [level(10, 20000, 1), level(100, 21000, 9, false)],
      maxStable: 10,
    },
  ],
  faults: [{
    target: 'node',
    scenario: 'shortener-mix',
    rate: 200,
    durationS: 80,
    events: [
      { kind: 'redis-restart', atMs: 15000, downMs: 15500, upAtMs: 19000, recovery: { ...recovery, downParts: [] } },
      { kind: 'server-kill', atMs: 50000, downMs: 50100, upAtMs: 54000, recovery },
    ],
    requests: 16000,
    errors: 800,
    errorsOutside: 0,
    errorSamples: [],
    unfinished: 0,
    clicks: { ok: true, counted: 12001, redirected: 12000, lost: 0, extra: 1, allowedExtra: 2 },
    ok: true,
    failures: [],
  }],
  soak: [{
    target: 'rust',
    workload: 'basic-json',
    rate: 1000,
    durationS: 600,
    requests: 600000,
    errors: 0,
    rssStartBytes: 5 * 2 ** 20,
    rssEndBytes: 6 * 2 ** 20,
    rssDriftPct: 20,
    p99StartMs: 1,
    p99EndMs: 1.5,
    p99DriftPct: 50,
    leaked: false,
    ok: true,
    failures: [],
  }],
  hostile: [{
    target: 'node',
    workload: 'basic-json',
    rate: 500,
    durationS: 20,
    without: { throughput: 500, p99Ms: 3, errorRate: 0 },
    with: { throughput: 499, p99Ms: 40, errorRate: 0 },
    hostile: {
      slowHeaderClients: 300,
      slowHeadersClosed: 0,
      slowReaders: 50,
      badRequests: 500,
      badStatuses: { 'oversized header: 431': 125, 'malformed header: 400': 125 },
      connectionsAfter: 0,
    },
    ok: false,
    failures: ['something'],
  }],
  skipped: [{ target: 'rust', phase: 'hostile', what: 'basic-json', reason: 'because' }],
  failedCells: [{ target: 'rust', phase: 'faults', what: 'db-recipes', error: 'would not start' }],
  wallTimeS: 3600,
});

describe('the Resilience section', () => {
  const { blocks, chartIds } = resilienceSection(fixture);
  const md = toMarkdown(blocks);

  it('gives the sweep per workload with the max stable concurrency, marking the levels that did not hold', () => {
    assert.match(md, /^\| node \| 100 \| 9,000 · 2\.00 · 0% \| 9,500 · 30\.0 · 0% \|$/m);
    assert.match(md, /^\| rust \| 10 \| 20,000 · 1\.00 · 0% \| ⚠ 21,000 · 9\.00 · 2\.00% \|$/m);
    assert.match(md, /STABLE-RULE/);
    assert.deepEqual(chartIds, ['resilience-basic-json']);
    assert.ok(blocks.some((b) => b.kind === 'chart' && b.id === 'resilience-basic-json'));
  });

  it('gives each fault its outage, recovery and the clicks', () => {
    assert.match(
      md,
      /^\| node \| shortener-mix \| 16,000 \| 800 \| 0 \| down 4\.00 s, 40 errors; no part mostly failed; full rate 750 ms \| — \| down 4\.00 s, 40 errors; first ok 120 ms, full rate 750 ms \| 12,001 \/ 12,000 \(\+1, ≤ 2 cut by the kill\) \| ok \|$/m,
    );
  });

  it('gives the soak drift and the hostile clients, with failures and what was not run', () => {
    assert.match(md, /^\| rust \| 600,000 \| 0 \| 5\.00 \| 6\.00 \| 20\.0% \| 1\.00 \| 1\.50 \| 50\.0% \| ok \|$/m);
    assert.match(
      md,
      /^\| node \| 500 \| 3\.00 \| 499 \| 40\.0 \| 0% \| 0 of 300 \| malformed header: 400 ×125, oversized header: 431 ×125 \| 0 \| \*\*FAILED\*\*: something \|$/m,
    );
    assert.match(md, /^- hostile basic-json on rust: because$/m);
    assert.match(md, /^- faults db-recipes on rust: \*\*would not start\*\*$/m);
    assert.match(md, /1 h 00 min in all/);
  });

  it('lists the parts of a run made phase by phase, and warns when their CPUs differ', () => {
    assert.doesNotMatch(md, /Made in/);
    const part = (phases: string[], day: string, cpuModel: string, commit: string) => ({
      phases,
      targets: ['node', 'rust'],
      startedAt: `2026-12-0${day}T10:00:00.000Z`,
      finishedAt: `2026-12-0${day}T11:30:00.000Z`,
      git: { commit, dirty: false },
      machine: { cpuModel, cores: 2, kernel: 'k', memoryBytes: 1, os: 'linux' },
    });
    const twoParts = (cpu2: string) =>
      toMarkdown(
        resilienceSection(Resilience.parse({
          ...fixture,
          parts: [
            part(['sweep', 'faults', 'hostile'], '1', 'AMD EPYC', 'aaaaaaa1'),
            part(['soak'], '2', cpu2, 'bbbbbbb2'),
          ],
        })).blocks,
      );
    const same = twoParts('AMD EPYC');
    assert.match(same, /^Made in 2 parts:$/m);
    assert.match(
      same,
      /^- sweep, faults, hostile on 2 targets: 2026-12-01 10:00 UTC to 2026-12-01 11:30, commit aaaaaaa, AMD EPYC$/m,
    );
    assert.match(same, /^- soak on 2 targets: 2026-12-02 10:00 UTC to 2026-12-02 11:30, commit bbbbbbb, AMD EPYC$/m);
    assert.match(twoParts('Intel Xeon'), /^Made in 2 parts on 2 different CPUs: compare figures of one phase/m);
  });

  it('marks a level measured twice, and says so once', () => {
    const again = Resilience.parse({
      ...fixture,
      sweep: [{
        target: 'node',
        workload: 'basic-json',
        driver: 'wrk',
        levels: [
          level(10, 9_000, 2),
          { ...level(100, 9_400, 25), firstTry: { throughput: 7_000, p50Ms: 9, p99Ms: 900, errorRate: 0, why: 'p99' } },
        ],
        maxStable: 100,
      }],
    });
    const text = toMarkdown(resilienceSection(again).blocks);
    assert.match(text, /^\| node \| 100 \| 9,000 · 2\.00 · 0% \| ↻ 9,400 · 25\.0 · 0% \|$/m);
    assert.match(text, /↻ a level measured twice because its first window did not hold/);
    assert.doesNotMatch(md, /↻/);
  });

  it('keeps a p99 that does not exist (nothing succeeded) as null in the file and — in the report', () => {
    const nothing = structuredClone(fixture);
    nothing.hostile[0]!.with = { throughput: 0, p99Ms: NaN, errorRate: 1 };
    const written = JSON.stringify(Resilience.parse(nothing));
    assert.match(written, /"with":\{"throughput":0,"p99Ms":null,"errorRate":1\}/);
    const read = Resilience.parse(JSON.parse(written));
    assert.ok(Number.isNaN(read.hostile[0]!.with.p99Ms));
    assert.match(toMarkdown(resilienceSection(read).blocks), /^\| node \| 500 \| 3\.00 \| 0 \| — \| 100\.00?% \|/m);
  });

  it('says how many extra clicks the client timeouts may explain', () => {
    const timedOut = structuredClone(fixture);
    timedOut.faults[0]!.clicks = {
      ok: true,
      counted: 12_010,
      redirected: 12_000,
      lost: 0,
      extra: 10,
      allowedExtra: 12,
      allowedTimedOut: 10,
    };
    const text = toMarkdown(resilienceSection(Resilience.parse(timedOut)).blocks);
    assert.match(text, /12,010 \/ 12,000 \(\+10, ≤ 2 cut by the kill \+ 10 timed out once sent\)/);
  });

  it('says when a target that never got back to full rate was not at full rate before the faults either', () => {
    const slow = structuredClone(fixture);
    const cell = slow.faults[0]!;
    for (const e of cell.events) e.recovery.fullRateMs = null;
    cell.steady = { requests: 3000, onTimeShare: 0.712, p99Ms: 2340 };
    const text = toMarkdown(resilienceSection(Resilience.parse(slow)).blocks);
    assert.match(
      text,
      /no part mostly failed; full rate never, nor before the faults \(71\.2% on time, p99 2,340 ms\) \|/,
    );
    // At full rate before the faults: the fault's "never" stands alone.
    cell.steady = { requests: 3000, onTimeShare: 0.99, p99Ms: 12 };
    const kept = toMarkdown(resilienceSection(Resilience.parse(slow)).blocks);
    assert.match(kept, /first ok 120 ms, full rate never \|/);
    assert.doesNotMatch(kept, /nor before the faults/);
  });
});
