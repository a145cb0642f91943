/**
 * resilience.json: what `npm run bench:resilience` measured — the concurrency sweep, faults mid-load,
 * the soak and hostile clients beside normal load — with every setting and rule constant it ran by.
 * Written by bench/resilience/, read by the report's Resilience section.
 */
import { z } from 'zod';
import { RunMeta } from './schema.ts';

/**
 * A latency that may not exist (no request succeeded): NaN in memory, null in the file (JSON has no
 * NaN, and a figure that is not there must not read as 0), NaN again once read.
 */
const MaybeMs = z.preprocess(
  (v) => (typeof v === 'number' && Number.isNaN(v) ? null : v),
  z.number().nullable(),
).transform((v) => v ?? NaN);

export const Level = z.object({
  connections: z.number(),
  throughput: z.number(),
  p50Ms: MaybeMs,
  p99Ms: MaybeMs,
  errorRate: z.number(),
  alive: z.boolean(),
  p99BoundMs: z.number(),
  stable: z.boolean(),
  /** Why it is not stable. */
  why: z.string().optional(),
  /** The driver said so (wrk's error counts by kind, a failed start). */
  note: z.string().optional(),
  /**
   * A level that did not hold (the target still answering) is measured once more, and the figures
   * above are that second measurement's: this is the first one, and why it did not hold. Absent
   * when the first held, and in files made before levels were measured again.
   */
  firstTry: z.object({
    throughput: z.number(),
    p50Ms: MaybeMs,
    p99Ms: MaybeMs,
    errorRate: z.number(),
    why: z.string(),
  }).optional(),
});
export type Level = z.infer<typeof Level>;

export const SweepCell = z.object({
  target: z.string(),
  workload: z.string(),
  driver: z.string(),
  levels: z.array(Level),
  /** The highest level up to which every level held (0: not even the first). */
  maxStable: z.number(),
  /** The cell could not run at all (start, verification). */
  failure: z.string().optional(),
});
export type SweepCell = z.infer<typeof SweepCell>;

export const Recovery = z.object({
  downParts: z.array(z.string()),
  firstSuccessMs: z.number().nullable(),
  fullRateMs: z.number().nullable(),
  errorsDuring: z.number(),
  okDuring: z.number(),
});

export const FaultEvent = z.object({
  kind: z.enum(['redis-restart', 'postgres-restart', 'server-kill']),
  /** ms from the load's start: the stop was issued, the stop returned, the service answered again. */
  atMs: z.number(),
  downMs: z.number(),
  upAtMs: z.number(),
  recovery: Recovery,
});
export type FaultEvent = z.infer<typeof FaultEvent>;

export const ClickCheck = z.object({
  ok: z.boolean(),
  counted: z.number(),
  redirected: z.number(),
  lost: z.number(),
  extra: z.number(),
  allowedExtra: z.number(),
  /** Of allowedExtra: redirects timed out after they reached the server (absent in older files: none counted). */
  allowedTimedOut: z.number().optional(),
  /** The codes whose clicks differ from their redirects (the 20 that differ most; absent in older files). */
  mismatched: z.array(z.object({ code: z.string(), counted: z.number(), redirected: z.number() })).optional(),
});

export const FaultCell = z.object({
  target: z.string(),
  scenario: z.enum(['shortener-mix', 'db-recipes']),
  rate: z.number(),
  durationS: z.number(),
  events: z.array(FaultEvent),
  requests: z.number(),
  errors: z.number(),
  /** Errors the outages do not explain (ended outside every window plus its grace). */
  errorsOutside: z.number(),
  errorSamples: z.array(z.string()),
  /** Every error by part and kind (`broad-readers timeout`, `writers status_503`, …); absent in older files. */
  errorKinds: z.record(z.string(), z.number()).optional(),
  /** Requests never answered, even after the timeout. */
  unfinished: z.number(),
  /** The load before the first fault, by full rate's test (absent in older files). */
  steady: z.object({ requests: z.number(), onTimeShare: z.number(), p99Ms: z.number() }).optional(),
  clicks: ClickCheck.optional(),
  ok: z.boolean(),
  failures: z.array(z.string()),
});
export type FaultCell = z.infer<typeof FaultCell>;

export const SoakCell = z.object({
  target: z.string(),
  workload: z.string(),
  rate: z.number(),
  durationS: z.number(),
  requests: z.number(),
  errors: z.number(),
  /** RSS of the target's process tree: medians of the first and last tenth of the samples. */
  rssStartBytes: z.number(),
  rssEndBytes: z.number(),
  rssDriftPct: z.number(),
  /** p99 of the first and last tenth of the run's requests (by intended time). */
  p99StartMs: z.number(),
  p99EndMs: z.number(),
  p99DriftPct: z.number(),
  leaked: z.boolean(),
  ok: z.boolean(),
  failures: z.array(z.string()),
});
export type SoakCell = z.infer<typeof SoakCell>;

export const NormalFigures = z.object({ throughput: z.number(), p99Ms: MaybeMs, errorRate: z.number() });

export const HostileCell = z.object({
  target: z.string(),
  workload: z.string(),
  rate: z.number(),
  durationS: z.number(),
  without: NormalFigures,
  with: NormalFigures,
  /** What the hostile clients did, and what came of it. */
  hostile: z.object({
    slowHeaderClients: z.number(),
    /** Slow-header connections the server closed before the end (a header timeout). */
    slowHeadersClosed: z.number(),
    slowReaders: z.number(),
    /** Oversized-header, malformed and oversized-body requests sent, and how they were answered. */
    badRequests: z.number(),
    badStatuses: z.record(z.string(), z.number()),
    /** Open TCP connections of the target after every hostile client left (a leaked stream stays). */
    connectionsAfter: z.number(),
  }),
  ok: z.boolean(),
  failures: z.array(z.string()),
});
export type HostileCell = z.infer<typeof HostileCell>;

export const Resilience = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  git: RunMeta.shape.git,
  machine: RunMeta.shape.machine,
  settings: z.object({
    targets: z.array(z.string()),
    phases: z.array(z.enum(['sweep', 'faults', 'soak', 'hostile'])),
    sweep: z.object({
      workloads: z.array(z.string()),
      levels: z.array(z.number()),
      levelDurationS: z.number(),
      warmupS: z.number(),
      driver: z.string(),
    }),
    /** Each fault after `settleS` of steady load; each held down `outageS`. */
    faults: z.object({ rate: z.number(), settleS: z.number(), outageS: z.number(), connections: z.number() }),
    soak: z.object({ workload: z.string(), rate: z.number(), durationS: z.number(), sampleEveryMs: z.number() }),
    hostile: z.object({
      workload: z.string(),
      rate: z.number(),
      durationS: z.number(),
      slowHeaderClients: z.number(),
      slowReaders: z.number(),
      badShare: z.number(),
    }),
    serverCores: z.string(),
    generatorCores: z.string(),
    backend: z.enum(['services', 'embedded']),
    /** RLIMIT_NOFILE of the orchestrator (inherited by the targets and the driver): as found, and as run. */
    nofile: z.object({ found: z.number(), hard: z.number(), used: z.number() }),
    quick: z.boolean(),
  }),
  rules: z.object({
    stable: z.object({ maxErrorRate: z.number(), p99Factor: z.number(), p99CeilingMs: z.number() }),
    outageGraceMs: z.number(),
    downShare: z.number(),
    fullRateShare: z.number(),
    fullRateBuckets: z.number(),
    fullRateLatencyMs: z.number(),
    bucketMs: z.number(),
    leak: z.object({ pct: z.number(), minBytes: z.number() }),
    text: z.record(z.string(), z.string()),
  }),
  sweep: z.array(SweepCell),
  faults: z.array(FaultCell),
  soak: z.array(SoakCell),
  hostile: z.array(HostileCell),
  skipped: z.array(z.object({ target: z.string(), phase: z.string(), what: z.string(), reason: z.string() })),
  /** Cells an exception ended (a target that would not start again after its kill, a driver that broke). */
  failedCells: z.array(z.object({ target: z.string(), phase: z.string(), what: z.string(), error: z.string() }))
    .default([]),
  wallTimeS: z.number().optional(),
  /**
   * Every invocation that wrote into this file, in order: a full run is made phase by phase (`--run`),
   * maybe over several days, commits and machines; `git` and `machine` above are the last one's.
   * Absent in files written before it was recorded.
   */
  parts: z.array(z.object({
    phases: z.array(z.enum(['sweep', 'faults', 'soak', 'hostile'])),
    targets: z.array(z.string()),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    git: RunMeta.shape.git,
    machine: RunMeta.shape.machine,
  })).optional(),
});
export type Resilience = z.infer<typeof Resilience>;
