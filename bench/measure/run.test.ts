import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromK6Summary, fromLoadgenJson, fromOhaJson, fromWrkJson, pickDriver } from './drivers.ts';
import { backendOf, connectionsFor, failureOf, figures, GENERATOR_BOUND_PCT, HEAVY_CONNECTIONS } from './run.ts';
import { cellMedians } from '../results/summary.ts';
import { Cell, type Figures, type Repeat } from '../results/schema.ts';
import { CLOCK_TICKS } from './sampling.ts';
import { byId } from '../../contract/catalogue.ts';

const latency = { avg: 1, p50: 1, p90: 2, p95: 3, p99: 4, max: 9 };

describe('backendOf', () => {
  const health = (db: string) => ({ db: { backend: db, up: db !== 'none' } });
  it('is the database a data workload reached: the services, the embedded one, or none', () => {
    assert.equal(backendOf(byId('db-recipes'), health('postgres')), 'services');
    assert.equal(backendOf(byId('db-recipes'), health('pglite')), 'embedded');
    assert.equal(backendOf(byId('basic-json'), health('postgres')), 'none');
  });
  it("counts /health's ping of the db the target has, and none where it has none", () => {
    assert.equal(backendOf(byId('basic-health'), health('postgres')), 'services');
    assert.equal(backendOf(byId('basic-health'), health('none')), 'none');
    assert.equal(backendOf(byId('basic-health'), {}), 'none');
  });
});

describe('fromOhaJson', () => {
  const sample = {
    summary: { successRate: 1, total: 2.0, slowest: 0.009, fastest: 0.0001, average: 0.0012, requestsPerSec: 5005 },
    latencyPercentiles: { p10: 0.0005, p50: 0.001, p90: 0.002, p95: 0.0025, p99: 0.004, 'p99.9': 0.008 },
    statusCodeDistribution: { '200': 9990, '500': 10 },
    errorDistribution: { 'aborted due to deadline': 50, 'connection closed before message completed': 5 },
  };
  it('counts responses, not aborted ones, and reads seconds as milliseconds', () => {
    const d = fromOhaJson(sample, 200);
    assert.equal(d.units, 10000);
    assert.equal(d.durationS, 2);
    assert.equal(d.errorRate, 15 / 10005);
    assert.deepEqual(d.latencyMs, { avg: 1.2, p50: 1, p90: 2, p95: 2.5, p99: 4, max: 9 });
  });
  it('takes the expected status from the catalogue (201 is right for mixed-post)', () => {
    assert.equal(
      fromOhaJson({ ...sample, statusCodeDistribution: { '201': 100 }, errorDistribution: {} }, 201).errorRate,
      0,
    );
    assert.equal(
      fromOhaJson({ ...sample, statusCodeDistribution: { '201': 100 }, errorDistribution: {} }, 200).errorRate,
      1,
    );
  });
});

describe('fromK6Summary', () => {
  const latencyMs = { avg: 2, med: 1.5, 'p(50)': 1.5, 'p(90)': 3, 'p(95)': 4, 'p(99)': 6, max: 20 };
  const part = (scenario: string, count: number, extra: object = {}) => ({
    scenario,
    count,
    perSecond: count / 10,
    durationMs: 10_000,
    latencyMs,
    failedRate: 0.001,
    checks: { rate: 1 },
    custom: {},
    ...extra,
  });
  const summary = (parts: object[], ok = true) => ({
    gauntlet: { ran: true, ok, crossed: ok ? [] : ['checks{phase:measure}: rate==1.0'], parts },
  });

  it('reads the measured phase: requests, duration, latency, drops', () => {
    const d = fromK6Summary(summary([part('json-small', 50_000, { dropped: 12 })]), 0);
    assert.equal(d.units, 50_000);
    assert.equal(d.durationS, 10);
    assert.equal(d.errorRate, 0.001);
    assert.deepEqual(d.latencyMs, { avg: 2, p50: 1.5, p90: 3, p95: 4, p99: 6, max: 20 });
    assert.equal(d.droppedIterations, 12);
    assert.equal(d.failure, undefined);
  });
  it('reports crossed thresholds as a failure, and a run that never started as an error', () => {
    assert.match(fromK6Summary(summary([part('json-small', 10)], false), 99).failure!, /checks/);
    assert.throws(() => fromK6Summary({ gauntlet: { ran: false, parts: [] } }, 107), /before any load/);
  });
  it('counts WebSocket echoes, with their round trip as the latency', () => {
    const ws = part('ws-echo', 1000, {
      latencyMs: undefined,
      checks: { rate: 0.99 },
      custom: { ws_msgs: { count: 1000, perSecond: 100 }, ws_echo_rtt: latencyMs },
    });
    const d = fromK6Summary(summary([ws]), 0);
    assert.equal(d.units, 1000);
    assert.equal(d.latencyMs.p99, 6);
    assert.equal(Math.round(d.errorRate * 100), 1);
    assert.deepEqual(d.extra, { ws_msgs_per_s: 100 });
  });
  it('adds up a mix of scenarios and keeps each role in extra', () => {
    const d = fromK6Summary(
      summary([part('writers', 100), part('broad-readers', 600), part('celebrity-readers', 300)]),
      0,
    );
    assert.equal(d.units, 1000);
    assert.deepEqual(d.extra, {
      writers_rps: 10,
      writers_p99_ms: 6,
      'broad-readers_rps': 60,
      'broad-readers_p99_ms': 6,
      'celebrity-readers_rps': 30,
      'celebrity-readers_p99_ms': 6,
    });
  });
});

describe('pickDriver', () => {
  const all = () => true;
  it('leaves sockets and varying requests to what can run them, and fixed rate to loadgen or k6', () => {
    for (const id of ['ws-echo', 'shortener-shorten']) {
      assert.equal(pickDriver(byId(id), 'closed', 'oha', all), 'k6');
    }
    assert.equal(pickDriver(byId('shortener-shorten'), 'closed', 'auto', all), 'wrk');
    assert.equal(pickDriver(byId('sse-stream'), 'closed', 'oha', all), 'oha');
    assert.equal(pickDriver(byId('json-small'), 'closed', 'oha', all), 'oha');
    assert.equal(pickDriver(byId('json-small'), 'rate', 'wrk', all), 'k6');
    assert.equal(pickDriver(byId('json-small'), 'closed', 'k6', all), 'k6');
  });
  it('runs WebSocket echoes and fixed-rate cells on loadgen when it is built, else k6', () => {
    assert.equal(pickDriver(byId('ws-echo'), 'closed', 'auto', all), 'loadgen');
    assert.equal(pickDriver(byId('ws-echo'), 'rate', 'auto', all), 'loadgen');
    assert.equal(pickDriver(byId('json-small'), 'rate', 'auto', all), 'loadgen');
    assert.equal(pickDriver(byId('json-small'), 'rate', 'auto', (d) => d !== 'loadgen'), 'k6');
    assert.equal(pickDriver(byId('shortener-shorten'), 'rate', 'auto', all), 'k6');
    assert.equal(pickDriver(byId('shortener-redirect'), 'rate', 'auto', all), 'loadgen');
    assert.equal(pickDriver(byId('sse-stream'), 'closed', 'auto', all), 'wrk');
  });
  it('prefers wrk, then oha, then k6 for peak runs, by what is installed', () => {
    assert.equal(pickDriver(byId('json-small'), 'closed', 'auto', all), 'wrk');
    assert.equal(pickDriver(byId('json-small'), 'closed', 'auto', (d) => d !== 'wrk'), 'oha');
    assert.equal(pickDriver(byId('json-small'), 'closed', 'auto', (d) => d === 'k6'), 'k6');
  });
});

describe('fromLoadgenJson', () => {
  const report = {
    schema_version: 1,
    mode: 'http-rate',
    duration_s: 5,
    scheduled: 10_000,
    completed: 10_000,
    errors: 0,
    errors_by_kind: {},
    dropped: 0,
    late: 12,
    latency_us: { count: 10_000, min: 30, mean: 150, p50: 80, p90: 120, p95: 200, p99: 2400, p999: 5000, max: 7000 },
    cpu: { us_per_unit: 68.7, cores: 0.14 },
    ok: true,
  };
  it('reads microseconds and keeps its own CPU per request as the driver cost', () => {
    const d = fromLoadgenJson(report);
    assert.equal(d.units, 10_000);
    assert.deepEqual(d.latencyMs, { avg: 0.15, p50: 0.08, p90: 0.12, p95: 0.2, p99: 2.4, max: 7 });
    assert.deepEqual(d.extra, { late: 12, driver_cpu_us_per_unit: 68.7 });
    assert.equal(d.failure, undefined);
  });
  it('fails a window with errors, or with more than 0.1 % of the schedule dropped', () => {
    assert.match(
      fromLoadgenJson({ ...report, ok: false, errors: 3, errors_by_kind: { mismatch: 3 } }).failure!,
      /mismatch/,
    );
    assert.equal(fromLoadgenJson({ ...report, dropped: 10, completed: 9_990 }).failure, undefined);
    assert.match(fromLoadgenJson({ ...report, dropped: 11, completed: 9_989 }).failure!, /11 of 10000 sends dropped/);
  });
  it('refuses a report that is not loadgen schema 1', () => {
    assert.throws(() => fromLoadgenJson({ ...report, schema_version: 2 }));
  });
});

describe('fromWrkJson', () => {
  it('reads microseconds, counting every kind of error', () => {
    const d = fromWrkJson({
      requests: 9990,
      durationUs: 3_000_000,
      errors: { connect: 10, read: 0, write: 0, status: 5, timeout: 5 },
      latencyUs: { mean: 1500.5, max: 9000, p50: 1000, p90: 2000, p95: 2500, p99: 4000 },
    });
    assert.equal(d.units, 9990);
    assert.equal(d.durationS, 3);
    assert.equal(d.errorRate, 20 / 10_000);
    assert.deepEqual(d.latencyMs, { avg: 1.5005, p50: 1, p90: 2, p95: 2.5, p99: 4, max: 9 });
  });
});

/** Server CPU as /proc's ticks give it. */
const ticks = (n: number) => ({ ns: (n / CLOCK_TICKS) * 1e9, source: '/proc ticks' });

describe('figures', () => {
  const driven = { units: 20_000, durationS: 10, errorRate: 0, latencyMs: latency, droppedIterations: 0, extra: {} };
  const samples = [
    { t: 0.25, serverCpuPct: 90, serverRssBytes: 100, generatorCpuPct: 50 },
    { t: 0.5, serverCpuPct: 95, serverRssBytes: 300, generatorCpuPct: 95 },
    { t: 0.75, serverCpuPct: 97, serverRssBytes: 200, generatorCpuPct: 96 },
  ];
  it('derives throughput, CPU per unit, RSS and the generator-bound flag', () => {
    const f = figures(driven, ticks(10 * CLOCK_TICKS), samples, 1);
    assert.equal(f.throughput, 2000);
    assert.equal(f.serverCpuUsPerUnit, 10 * 1e6 / 20_000);
    assert.equal(f.serverPeakRssBytes, 300);
    assert.equal(f.serverEndRssBytes, 200);
    assert.equal(f.generatorCpuPct, 95);
    assert.equal(f.generatorBound, 95 >= GENERATOR_BOUND_PCT);
    assert.equal(figures(driven, ticks(0), samples, 2).generatorBound, false);
  });
});

describe('cellMedians', () => {
  const f = (throughput: number, p99: number): Figures => ({
    units: throughput * 10,
    durationS: 10,
    throughput,
    errorRate: 0,
    latencyMs: { ...latency, p99 },
    serverCpuUsPerUnit: 1e6 / throughput,
    serverPeakRssBytes: 1000,
    serverEndRssBytes: 900,
    generatorCpuPct: 50,
    generatorBound: throughput > 250,
    droppedIterations: 0,
    extra: { x: throughput },
  });
  const repeats: Repeat[] = [
    { state: 'ok', repeat: 1, figures: f(100, 5), samples: [] },
    { state: 'failed', repeat: 2, reason: 'verification failed' },
    { state: 'ok', repeat: 3, figures: f(300, 7), samples: [] },
    { state: 'ok', repeat: 4, figures: f(200, 6), samples: [] },
  ];
  it('takes medians over the ok repeats only, and their spread', () => {
    const s = cellMedians(repeats);
    assert.equal(s.median!.throughput, 200);
    assert.equal(s.median!.latencyMs.p99, 6);
    assert.equal(s.median!.extra.x, 200);
    assert.equal(s.median!.generatorBound, true);
    assert.deepEqual(s.spread.throughput, { min: 100, max: 300, relative: 1 });
  });
  it('has no median when every repeat failed, and the cell still validates', () => {
    const s = cellMedians([{ state: 'failed', repeat: 1, reason: 'x' }]);
    assert.equal(s.median, undefined);
    const cell = {
      target: 'node',
      workload: 'json-small',
      family: 'json',
      driver: 'k6',
      mode: 'closed',
      unit: 'request',
      backend: 'none',
      repeats: [{ state: 'failed', repeat: 1, reason: 'x' }],
      ...s,
    };
    assert.ok(Cell.safeParse(cell).success);
    assert.ok(!Cell.safeParse({ ...cell, driver: 'wrk2' }).success);
  });
});

describe('failureOf', () => {
  const driven = { units: 1000, durationS: 3, errorRate: 0, latencyMs: latency, droppedIterations: 0, extra: {} };

  it('passes a repeat that completed requests with errors under 1 %', () => {
    assert.equal(failureOf(driven), undefined);
    assert.equal(failureOf({ ...driven, errorRate: 0.0099 }), undefined);
  });

  it('fails a repeat in which nothing completed (every request timed out), before any figure divides by zero', () => {
    assert.equal(failureOf({ ...driven, units: 0, errorRate: 1 }), 'nothing completed in the 3.0 s measured');
  });

  it("fails at the k6 scripts' error threshold, whatever the driver", () => {
    assert.equal(failureOf({ ...driven, errorRate: 0.01 }), 'error rate 1.0% (the limit is 1%)');
  });

  it("keeps the driver's own verdict first", () => {
    assert.equal(
      failureOf({ ...driven, units: 0, failure: 'thresholds crossed: checks' }),
      'thresholds crossed: checks',
    );
  });
});

describe('connectionsFor', () => {
  it("caps the heavy workloads (the stress family) and leaves the others at the run's setting", () => {
    assert.equal(HEAVY_CONNECTIONS, 4);
    assert.equal(connectionsFor(byId('stress-cpu'), 50), 4);
    assert.equal(connectionsFor(byId('stress-memory'), 50), 4);
    assert.equal(connectionsFor(byId('stress-cpu'), 2), 2);
    assert.equal(connectionsFor(byId('json-small'), 50), 50);
  });
});

describe('the generator as the limit', () => {
  const driven = {
    units: 100_000,
    durationS: 10,
    errorRate: 0,
    latencyMs: latency,
    droppedIterations: 0,
    extra: {} as Record<string, number>,
  };
  const samples = (generatorCpuPct: number, generatorCoreBusyPct: number) =>
    [1, 2, 3].map((t) => ({
      t,
      serverCpuPct: 90,
      serverRssBytes: 1,
      generatorCpuPct,
      generatorCoreBusyPct,
      stealPct: 2,
    }));
  it("is judged on its cores' busy time, not only its process", () => {
    const f = figures(driven, ticks(100), samples(70, 95), 1);
    assert.equal(f.generatorCoreBusyPct, 95);
    assert.equal(f.generatorBound, true);
    assert.equal(figures(driven, ticks(100), samples(70, 80), 1).generatorBound, false);
    assert.equal(f.stealPct, 2);
  });
  it('leaves out the busy time of the services pinned with it, and costs their CPU per unit', () => {
    // Cores 95 % busy, of which Postgres + Redis took 30 % (3 s of 10 s): the driver had 65 %.
    const f = figures(driven, ticks(100), samples(60, 95), 1, 3e9);
    assert.equal(f.generatorBound, false);
    assert.equal(f.backendCpuUsPerUnit, 30);
  });
  it("costs its process's CPU per unit, or what loadgen reports of itself", () => {
    // 70 % of one core for 10 s over 100,000 requests: 70 µs each.
    assert.equal(figures(driven, ticks(100), samples(70, 80), 1).generatorCpuUsPerUnit, 70);
    const loadgen = { ...driven, extra: { driver_cpu_us_per_unit: 6.4 } };
    assert.equal(figures(loadgen, ticks(100), samples(70, 80), 1).generatorCpuUsPerUnit, 6.4);
  });
});
