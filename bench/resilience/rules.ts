/**
 * The resilience suite's verdicts, as pure functions over what was measured: which concurrency
 * level is stable and the highest a target holds, which errors fell outside an outage, how long a
 * target took to recover from one, whether a soak leaked, and whether every click was counted.
 * Each rule's constants are written into resilience.json (`rules`), so a figure says what it means.
 */

/** One request of a fixed-rate run, times in ms from the schedule's start. */
export interface Outcome {
  part: string;
  intendedMs: number;
  sentMs: number;
  endMs: number;
  ok: boolean;
  /** `status_503`, `econnrefused`, `econnreset`, `timeout`, … */
  error?: string;
  /** The request reached the server's socket whole (a timeout then leaves its outcome unknown). */
  written?: boolean;
}

// ---------------------------------------------------------------- concurrency sweep

export interface LevelFigures {
  connections: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  errorRate: number;
  /** The target still answered /health after the level. */
  alive: boolean;
}

/**
 * A level is stable with fewer than 0.1 % errors, the target alive after it, and a p99 within
 * P99_FACTOR times the first level's p99 scaled by the connections (a saturated closed loop's
 * latency grows linearly with its connections — Little's law — so a fixed multiple of the first
 * level would only restate throughput; ten times that line means some connections were starved,
 * or throughput collapsed), and never above P99_CEILING_MS. The same bound holds for the mean wait
 * Little's law gives (connections ÷ throughput): a driver's percentiles leave out the requests
 * still unanswered when its window closed, the starved ones.
 */
export const STABLE = { maxErrorRate: 0.001, p99Factor: 10, p99CeilingMs: 5000 } as const;

/** The p99 a level may reach, from the sweep's first level. */
export function p99Bound(first: Pick<LevelFigures, 'connections' | 'p99Ms'>, connections: number): number {
  const scaled = STABLE.p99Factor * first.p99Ms * (connections / first.connections);
  return Math.min(scaled, STABLE.p99CeilingMs);
}

/** A closed loop's mean time per request, connections ÷ throughput, in ms. */
export const littleMs = (level: Pick<LevelFigures, 'connections' | 'throughput'>): number =>
  (1000 * level.connections) / level.throughput;

/** Why a level is not stable, or undefined when it is. */
export function instability(level: LevelFigures, first: LevelFigures): string | undefined {
  if (!level.alive) return 'the target stopped answering';
  if (!(level.throughput > 0)) return 'nothing completed';
  if (!(level.errorRate < STABLE.maxErrorRate)) {
    return `${(level.errorRate * 100).toFixed(2)} % errors (limit ${STABLE.maxErrorRate * 100} %)`;
  }
  const bound = p99Bound(first, level.connections);
  if (!(level.p99Ms <= bound)) return `p99 ${level.p99Ms.toFixed(1)} ms above the bound ${bound.toFixed(1)} ms`;
  // Requests still waiting when the window closed are in no percentile; Little's law still sees them.
  const waited = littleMs(level);
  if (!(waited <= bound)) {
    return `${level.connections} connections at ${level.throughput.toFixed(0)} req/s waited ${
      waited.toFixed(1)
    } ms each on average (Little's law), above the bound ${bound.toFixed(1)} ms`;
  }
  return undefined;
}

/**
 * The maximum stable concurrency: the highest level up to which every level (in ascending order)
 * is stable — a target that fails at 250 and passes at 500 holds 100 — or 0 when the first fails.
 */
export function maxStableConcurrency(levels: readonly LevelFigures[]): number {
  const sorted = [...levels].sort((a, b) => a.connections - b.connections);
  const first = sorted[0];
  let held = 0;
  for (const level of sorted) {
    if (instability(level, first!) !== undefined) break;
    held = level.connections;
  }
  return held;
}

// ---------------------------------------------------------------- faults

/** A stretch of a run during which errors are expected: a service (or the server) down. */
export interface Window {
  /** The stop was issued. */
  fromMs: number;
  /** The service (or server) answered again. */
  toMs: number;
}

/**
 * After a service answers again, the target's clients may each find one connection the restart
 * broke, or wait out one connect timeout (2 s, docs/contract.md): requests sent this long after it
 * may still fail with the outage.
 */
export const OUTAGE_GRACE_MS = 2000;

/** The request was in flight at some moment of [fromMs, toMs]. */
const overlaps = (o: Outcome, fromMs: number, toMs: number) => o.sentMs <= toMs && o.endMs >= fromMs;

/**
 * Errors the outages do not explain: a failed request is explained when it was in flight at some
 * moment of a window (sent before the service answered again, + the grace, and ended after the
 * stop was issued) — a request a target held while its database was down may fail after it is back.
 */
export function errorsOutside(outcomes: readonly Outcome[], windows: readonly Window[]): Outcome[] {
  return outcomes.filter((o) => !o.ok && !windows.some((w) => overlaps(o, w.fromMs, w.toMs + OUTAGE_GRACE_MS)));
}

/** A part whose requests mostly failed during a window depended on what was down. */
export const DOWN_SHARE = 0.5;
/**
 * Full rate again: of the requests intended in each of FULL_RATE_BUCKETS buckets of BUCKET_MS in a
 * row, at least FULL_RATE_SHARE succeeded within FULL_RATE_LATENCY_MS of their intended time (so a
 * backlog answered late does not count) — the offered rate delivered again.
 */
export const FULL_RATE_SHARE = 0.95;
export const FULL_RATE_BUCKETS = 4;
export const BUCKET_MS = 250;
export const FULL_RATE_LATENCY_MS = 1000;

/** Succeeded within FULL_RATE_LATENCY_MS of its intended time (a backlog answered late does not count). */
const onTime = (o: Outcome) => o.ok && o.endMs - o.intendedMs <= FULL_RATE_LATENCY_MS;

export interface Recovery {
  /** Parts that mostly failed while the service was down (none: the target was not interrupted). */
  downParts: string[];
  /** From the service answering again to the first success of those parts (0 when not interrupted). */
  firstSuccessMs: number | null;
  /** From the service answering again to the start of the first stretch at full rate; null: never in the run. */
  fullRateMs: number | null;
  /** Requests in flight while it was down that failed, and that succeeded. */
  errorsDuring: number;
  okDuring: number;
}

/**
 * Time to recover from a window (`fromMs`: the service is down; `toMs`: it answers again): which
 * parts went down with it (most of their requests in flight during the window failed), how long
 * after `toMs` the first of them succeeded again, and how long until they (or every part, when
 * none went down) were at full rate again, buckets counted from `toMs` by intended time.
 */
export function recovery(outcomes: readonly Outcome[], w: Window): Recovery {
  const during = outcomes.filter((o) => overlaps(o, w.fromMs, w.toMs));
  const byPart = new Map<string, { ok: number; failed: number }>();
  for (const o of during) {
    const p = byPart.get(o.part) ?? { ok: 0, failed: 0 };
    p[o.ok ? 'ok' : 'failed']++;
    byPart.set(o.part, p);
  }
  const downParts = [...byPart].filter(([, p]) => p.failed > DOWN_SHARE * (p.ok + p.failed)).map(([name]) => name)
    .sort();
  const watched = (o: Outcome) => downParts.length === 0 || downParts.includes(o.part);
  const firstOk = downParts.length === 0
    ? w.toMs
    : outcomes.filter((o) => watched(o) && o.ok && o.endMs >= w.toMs).reduce((m, o) => Math.min(m, o.endMs), Infinity);
  const buckets: { sent: number; good: number }[] = [];
  for (const o of outcomes) {
    if (!watched(o) || o.intendedMs < w.toMs) continue;
    const b = Math.floor((o.intendedMs - w.toMs) / BUCKET_MS);
    const bucket = (buckets[b] ??= { sent: 0, good: 0 });
    bucket.sent++;
    if (onTime(o)) bucket.good++;
  }
  let fullRateMs: number | null = null;
  for (let b = 0, run = 0; b < buckets.length; b++) {
    const x = buckets[b];
    run = x && x.sent > 0 && x.good >= FULL_RATE_SHARE * x.sent ? run + 1 : 0;
    if (run === FULL_RATE_BUCKETS) {
      fullRateMs = (b - FULL_RATE_BUCKETS + 1) * BUCKET_MS;
      break;
    }
  }
  return {
    downParts,
    firstSuccessMs: Number.isFinite(firstOk) ? firstOk - w.toMs : null,
    fullRateMs,
    errorsDuring: during.filter((o) => !o.ok).length,
    okDuring: during.filter((o) => o.ok).length,
  };
}

/** How the target kept up with the load before anything failed. */
export interface Steady {
  /** Requests intended before the first fault. */
  requests: number;
  /** Of those, the share that succeeded within FULL_RATE_LATENCY_MS of their intended time. */
  onTimeShare: number;
  /** p99 from intended time to the end, in ms (failures included, as the time they took). */
  p99Ms: number;
}

/**
 * The load before the first fault (`untilMs`, on the client's clock), by full rate's own test: a
 * target that is not at full rate here (the rate is above what it serves) shows "full rate never"
 * after every fault, and the cell says so instead of blaming the fault. Undefined when nothing was
 * intended before it.
 */
export function steady(outcomes: readonly Outcome[], untilMs: number): Steady | undefined {
  const before = outcomes.filter((o) => o.intendedMs < untilMs);
  if (before.length === 0) return undefined;
  return {
    requests: before.length,
    onTimeShare: before.filter(onTime).length / before.length,
    p99Ms: percentile(before.map((o) => o.endMs - o.intendedMs), 99),
  };
}

/** Connection-level errors: a response a dying server could not deliver (not a status it chose). */
export const CUT = /^(econnreset|socket hang up|epipe|econnaborted|aborted)$/;

/**
 * Requests a killed server may have counted but could not answer: sent before it was gone (its exit,
 * `goneAtMs`: between the SIGKILL and the exit it still reads and counts), still open at the SIGKILL
 * (`killAtMs`), and ended by a cut connection.
 */
export function cutByKill(
  outcomes: readonly Outcome[],
  killAtMs: number,
  goneAtMs: number,
  parts: ReadonlySet<string>,
): number {
  return outcomes.filter((o) =>
    parts.has(o.part) && !o.ok && o.sentMs <= goneAtMs && o.endMs >= killAtMs && CUT.test(o.error ?? '')
  ).length;
}

/**
 * Requests whose outcome the client cannot know: given up on (`timeout`) after they were written
 * whole to the server's socket. The server may have redirected, and counted, any of them; a request
 * that timed out still queued for a connection never reached it.
 */
export function timedOutSent(outcomes: readonly Outcome[], parts: ReadonlySet<string>): number {
  return outcomes.filter((o) => parts.has(o.part) && !o.ok && o.error === 'timeout' && o.written).length;
}

export interface ClickCheck {
  ok: boolean;
  /** Clicks counted for the codes the client redirected. */
  counted: number;
  /** Redirects the client saw complete. */
  redirected: number;
  /** Redirects short of the count on some code: lost clicks. */
  lost: number;
  /** Clicks beyond the redirects seen, and how many a kill or the client's timeouts may explain. */
  extra: number;
  allowedExtra: number;
  /** Of allowedExtra: redirects the client gave up on after they reached the server (timedOutSent). */
  allowedTimedOut?: number;
  /** The codes whose clicks differ from their redirects, those that differ most first (20 at most). */
  mismatched?: { code: string; counted: number; redirected: number }[];
}

/**
 * Clicks == successful redirects, code by code: none lost anywhere, and in all no more extra than
 * `allowedExtra` (the redirects a killed server counted but could not answer; 0 without a kill).
 */
export function clickInvariant(
  counted: ReadonlyMap<string, number>,
  redirected: ReadonlyMap<string, number>,
  allowedExtra: number,
): ClickCheck {
  let lost = 0, extra = 0, total = 0, seen = 0;
  const mismatched: { code: string; counted: number; redirected: number }[] = [];
  for (const code of new Set([...counted.keys(), ...redirected.keys()])) {
    const c = counted.get(code) ?? 0, r = redirected.get(code) ?? 0;
    total += c;
    seen += r;
    if (c < r) lost += r - c;
    else extra += c - r;
    if (c !== r) mismatched.push({ code, counted: c, redirected: r });
  }
  mismatched.sort((a, b) => Math.abs(b.counted - b.redirected) - Math.abs(a.counted - a.redirected));
  return {
    ok: lost === 0 && extra <= allowedExtra,
    counted: total,
    redirected: seen,
    lost,
    extra,
    allowedExtra,
    ...(mismatched.length > 0 ? { mismatched: mismatched.slice(0, 20) } : {}),
  };
}

// ---------------------------------------------------------------- soak

/** A soak leaks when its RSS grew by more than LEAK_PCT % and more than LEAK_MIN_BYTES from start to end. */
export const LEAK = { pct: 25, minBytes: 32 * 2 ** 20 } as const;

export const driftPct = (start: number, end: number): number => start > 0 ? ((end - start) / start) * 100 : NaN;

export function leaked(startRss: number, endRss: number): boolean {
  const grew = endRss - startRss;
  return grew > LEAK.minBytes && driftPct(startRss, endRss) > LEAK.pct;
}

/** The median of the values in a share of a series at its start or end (RSS, p99 per slice). */
export function edge(values: readonly number[], share: number, at: 'start' | 'end'): number {
  const n = Math.max(1, Math.round(values.length * share));
  const slice = at === 'start' ? values.slice(0, n) : values.slice(-n);
  const s = [...slice].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The p-th percentile (0–100) of latencies, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
