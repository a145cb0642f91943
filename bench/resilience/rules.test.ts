import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUCKET_MS,
  clickInvariant,
  cutByKill,
  driftPct,
  edge,
  errorsOutside,
  instability,
  LEAK,
  leaked,
  type LevelFigures,
  maxStableConcurrency,
  OUTAGE_GRACE_MS,
  type Outcome,
  p99Bound,
  percentile,
  recovery,
  steady,
  timedOutSent,
} from './rules.ts';
import { partOf, shortenerMix } from './client.ts';

const level = (connections: number, p99Ms: number, errorRate = 0, alive = true): LevelFigures => ({
  connections,
  throughput: 10_000,
  p50Ms: p99Ms / 2,
  p99Ms,
  errorRate,
  alive,
});

describe('max stable concurrency', () => {
  it('scales the p99 bound with the connections from the first level, under the ceiling', () => {
    assert.equal(p99Bound({ connections: 10, p99Ms: 2 }, 100), 200);
    assert.equal(p99Bound({ connections: 10, p99Ms: 20 }, 1000), 5000);
  });

  it('is the highest level up to which every level holds', () => {
    const levels = [level(10, 1), level(50, 5), level(100, 9), level(250, 30), level(500, 60), level(1000, 120)];
    assert.equal(maxStableConcurrency(levels), 1000);
    // 0.1 % errors at 250 stops it there, even though 500 passes.
    levels[3] = level(250, 30, 0.001);
    assert.equal(maxStableConcurrency(levels), 100);
    assert.match(instability(levels[3]!, levels[0]!)!, /0\.10 % errors/);
  });

  it("stops where Little's law shows waits the percentiles left out", () => {
    // 500 connections at 48 req/s wait 10.4 s on average, though the completed requests' p99 was 2 s.
    const starved = { ...level(500, 2000), throughput: 48 };
    assert.match(instability(starved, level(10, 100))!, /Little's law/);
    assert.equal(maxStableConcurrency([level(10, 100), { ...level(100, 900), throughput: 500 }, starved]), 100);
  });

  it('stops at a p99 above the bound, a dead target, or nothing done at the first level', () => {
    assert.equal(maxStableConcurrency([level(10, 1), level(50, 51), level(100, 2)]), 10);
    assert.equal(maxStableConcurrency([level(10, 1), level(50, 5, 0, false)]), 10);
    assert.equal(maxStableConcurrency([{ ...level(10, 1), throughput: 0 }]), 0);
    // Order of the input does not matter.
    assert.equal(maxStableConcurrency([level(50, 5), level(10, 1)]), 50);
  });
});

const o = (part: string, endMs: number, ok: boolean, error?: string, sentMs = endMs - 1): Outcome => ({
  part,
  intendedMs: sentMs,
  sentMs,
  endMs,
  ok,
  ...(error ? { error } : {}),
});

describe('errors and outages', () => {
  it('keeps errors of requests never in flight during a window and its grace', () => {
    const w = { fromMs: 1000, toMs: 3000 };
    const outcomes = [
      o('a', 999, false, 'status_503'), // ended before the stop
      o('a', 1000, false, 'status_503'),
      o('a', 9000, false, 'timeout', 2500), // held from the outage, failed long after it: explained
      o('a', 3000 + OUTAGE_GRACE_MS, false, 'status_503', 3000 + OUTAGE_GRACE_MS), // sent at the grace's end
      o('a', 3002 + OUTAGE_GRACE_MS, false, 'status_503', 3001 + OUTAGE_GRACE_MS), // sent after it
      o('a', 9000, true),
    ];
    assert.deepEqual(errorsOutside(outcomes, [w]).map((x) => x.endMs), [999, 3002 + OUTAGE_GRACE_MS]);
  });

  it('times the recovery of the parts that went down, from the service answering again', () => {
    // 100/s of `db` (needs the service) and 100/s of `cached` (does not): down from 1 s to 2 s.
    const outcomes: Outcome[] = [];
    for (let t = 0; t < 6000; t += 10) {
      outcomes.push(o('cached', t, true));
      const down = t >= 1000 && t < 2300; // the first success 300 ms after the service is back
      outcomes.push(o('db', t, !down, down ? 'status_503' : undefined));
    }
    const r = recovery(outcomes, { fromMs: 1000, toMs: 2000 });
    assert.deepEqual(r.downParts, ['db']);
    assert.equal(r.firstSuccessMs, 300);
    // By intended time (1 ms before the end): bucket 1 (2,250–2,500) holds 2,251…2,491, of which
    // 2,301… succeeded, 20 of 25 (< 95 %); bucket 2 is the first of four full ones.
    assert.equal(r.fullRateMs, 2 * BUCKET_MS);
    // In flight at some moment of [1,000, 2,000]: ended at 1,000 … 2,000 (each sent 1 ms before it).
    assert.equal(r.errorsDuring, 101);
    assert.equal(r.okDuring, 101);
  });

  it('does not count a backlog answered late as full rate', () => {
    // Every request succeeds, but those intended in the first second after the outage took 1.5 s.
    const outcomes = Array.from({ length: 500 }, (_, i) => {
      const t = i * 10;
      const late = t >= 2000 && t < 3000;
      return { part: 'a', intendedMs: t, sentMs: t, endMs: t + (late ? 1500 : 5), ok: true };
    });
    assert.equal(recovery(outcomes, { fromMs: 1000, toMs: 2000 }).fullRateMs, 1000);
  });

  it('says a target that never failed was not interrupted, and one that never came back did not recover', () => {
    const steady = Array.from({ length: 400 }, (_, i) => o('a', i * 10, true));
    const r = recovery(steady, { fromMs: 1000, toMs: 2000 });
    assert.deepEqual(r.downParts, []);
    assert.equal(r.firstSuccessMs, 0);
    assert.equal(r.fullRateMs, 0);
    const dead = steady.map((x) => (x.endMs >= 1000 ? { ...x, ok: false, error: 'econnrefused' } : x));
    const d = recovery(dead, { fromMs: 1000, toMs: 2000 });
    assert.equal(d.firstSuccessMs, null);
    assert.equal(d.fullRateMs, null);
  });
});

describe('steady load before the faults', () => {
  it('takes the share on time and the p99 of the requests intended before the first fault', () => {
    // 100 requests before 1 s: 90 in 5 ms, 6 in 1.2 s (late), 4 failed at once; after it all fail.
    const outcomes: Outcome[] = Array.from({ length: 150 }, (_, i) => {
      const t = i * 10;
      if (t >= 1000) return { part: 'a', intendedMs: t, sentMs: t, endMs: t + 1, ok: false, error: 'econnrefused' };
      if (i < 6) return { part: 'a', intendedMs: t, sentMs: t, endMs: t + 1200, ok: true };
      if (i < 10) return { part: 'a', intendedMs: t, sentMs: t, endMs: t + 2, ok: false, error: 'status_503' };
      return { part: 'a', intendedMs: t, sentMs: t, endMs: t + 5, ok: true };
    });
    const s = steady(outcomes, 1000)!;
    assert.equal(s.requests, 100);
    assert.equal(s.onTimeShare, 0.9);
    assert.equal(s.p99Ms, 1200);
    assert.equal(steady(outcomes, 0), undefined);
  });
});

describe('click invariant', () => {
  const m = (entries: [string, number][]) => new Map(entries);

  it('holds when every code counted exactly its redirects', () => {
    const c = clickInvariant(m([['a', 3], ['b', 2]]), m([['a', 3], ['b', 2]]), 0);
    assert.deepEqual(c, { ok: true, counted: 5, redirected: 5, lost: 0, extra: 0, allowedExtra: 0 });
  });

  it('fails on a lost click even when another code has an extra one', () => {
    const c = clickInvariant(m([['a', 2], ['b', 3]]), m([['a', 3], ['b', 2]]), 5);
    assert.equal(c.ok, false);
    assert.equal(c.lost, 1);
    assert.equal(c.extra, 1);
    assert.deepEqual(c.mismatched, [{ code: 'a', counted: 2, redirected: 3 }, {
      code: 'b',
      counted: 3,
      redirected: 2,
    }]);
  });

  it('counts as of unknown outcome only timeouts of requests written whole, in the parts that redirect', () => {
    const o = (part: string, error: string | undefined, written?: boolean): Outcome => ({
      part,
      intendedMs: 0,
      sentMs: 0,
      endMs: 5000,
      ok: error === undefined,
      ...(error ? { error } : {}),
      ...(written ? { written } : {}),
    });
    const outcomes = [
      o('r', 'timeout', true),
      o('r', 'timeout', true),
      o('r', 'timeout'), // still queued for a connection: it never reached the server
      o('r', 'status_503', true),
      o('w', 'timeout', true), // a writer: no click
      o('r', undefined),
    ];
    assert.equal(timedOutSent(outcomes, new Set(['r'])), 2);
  });

  it('allows only as many extra clicks as answers a kill cut', () => {
    assert.equal(clickInvariant(m([['a', 4]]), m([['a', 3]]), 1).ok, true);
    assert.equal(clickInvariant(m([['a', 5]]), m([['a', 3]]), 1).ok, false);
  });

  it('counts as cut only connection errors of requests sent before the server was gone and open at the kill', () => {
    const parts = new Set(['r']);
    const outcomes = [
      o('r', 120, false, 'econnreset', 90), // in flight at the SIGKILL (100), reset: cut
      o('r', 120, false, 'socket hang up', 95), // cut
      o('r', 120, false, 'econnreset', 103), // sent after the SIGKILL, before the exit (105): cut
      o('r', 120, false, 'econnrefused', 110), // sent after the exit: refused, never counted
      o('r', 120, false, 'econnreset', 107), // sent after the exit
      o('r', 95, false, 'econnreset', 80), // ended before the SIGKILL
      o('r', 130, false, 'status_503', 90), // an answer, not a cut
      o('w', 120, false, 'econnreset', 90), // another part
    ];
    assert.equal(cutByKill(outcomes, 100, 105, parts), 3);
  });
});

describe('soak', () => {
  it('computes drift and fails a cell that grew past both leak thresholds', () => {
    assert.equal(driftPct(100, 125), 25);
    const mib = 2 ** 20;
    assert.equal(leaked(100 * mib, 200 * mib), true);
    // +50 % but only 20 MiB: below the absolute threshold.
    assert.equal(leaked(40 * mib, 60 * mib), false);
    // +40 MiB but only 10 %: below the relative one.
    assert.equal(leaked(400 * mib, 440 * mib), false);
    assert.equal(LEAK.pct, 25);
  });

  it('takes medians of the first and last slices, and nearest-rank percentiles', () => {
    assert.equal(edge([1, 9, 2, 3, 4, 5, 6, 7, 8, 20], 0.3, 'start'), 2);
    assert.equal(edge([1, 9, 2, 3, 4, 5, 6, 7, 8, 20], 0.2, 'end'), 14);
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
  });
});

describe('the shortener mix', () => {
  it('deals 10 / 60 / 30 of every 100 requests to writers, broad and celebrity readers', () => {
    const parts = shortenerMix('t', () => 0.5);
    const counts = new Map<string, number>();
    for (let j = 0; j < 200; j++) counts.set(partOf(parts, j).name, (counts.get(partOf(parts, j).name) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { writers: 20, 'broad-readers': 120, 'celebrity-readers': 60 });
    assert.equal(parts[2]!.next(6).code, 'celeb02');
    assert.equal(parts[0]!.next(3).expect, 201);
  });
});
