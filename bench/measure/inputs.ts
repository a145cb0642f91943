/**
 * Every machine-readable thing a driver hands back, as a schema: the `gauntlet` digest our k6
 * scripts add to their summary (k6/summary.ts), the JSON bench/measure/wrk.lua writes, and oha's
 * JSON output. Parsed here once; nothing past this point is `any`.
 */
import { z } from 'zod';

const numbers = z.record(z.string(), z.number());

/** One scenario of the digest (k6/summary.ts `PartResult`): the fields the orchestrator reads. */
const K6Part = z.object({
  scenario: z.string(),
  count: z.number(),
  perSecond: z.number(),
  durationMs: z.number(),
  latencyMs: numbers.optional(),
  failedRate: z.number().optional(),
  checks: z.object({ rate: z.number() }),
  dropped: z.number().optional(),
  custom: z.record(z.string(), numbers),
});

/** A k6 summary as our `handleSummary` writes it (k6/summary.ts `Digest` under `gauntlet`). */
export const K6Summary = z.object({
  gauntlet: z.object({
    ran: z.boolean(),
    ok: z.boolean().optional(),
    crossed: z.array(z.string()).optional(),
    parts: z.array(K6Part),
  }),
});
export type K6Summary = z.infer<typeof K6Summary>;

/** bench/measure/wrk.lua's `done()` (microseconds). */
export const WrkJson = z.object({
  requests: z.number(),
  durationUs: z.number(),
  errors: z.object({
    connect: z.number(),
    read: z.number(),
    write: z.number(),
    status: z.number(),
    timeout: z.number(),
  }),
  latencyUs: z.object({
    mean: z.number(),
    max: z.number(),
    p50: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
  }),
});
export type WrkJson = z.infer<typeof WrkJson>;

/** oha's `--output-format json` (seconds), the parts we read. */
export const OhaJson = z.object({
  summary: z.object({ total: z.number(), slowest: z.number(), average: z.number() }),
  latencyPercentiles: z.object({ p50: z.number(), p90: z.number(), p95: z.number(), p99: z.number() }),
  statusCodeDistribution: z.record(z.string(), z.number()).default({}),
  errorDistribution: z.record(z.string(), z.number()).default({}),
});
export type OhaJson = z.infer<typeof OhaJson>;

const Percentiles = z.object({
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});

/** tools/loadgen's report (schema_version 1; tools/loadgen/README.md), the parts we read. */
export const LoadgenJson = z.object({
  schema_version: z.literal(1),
  mode: z.enum(['ws-closed', 'ws-rate', 'http-rate', 'sse-rate']),
  duration_s: z.number(),
  scheduled: z.number().nullable(),
  completed: z.number(),
  errors: z.number(),
  errors_by_kind: z.record(z.string(), z.number()),
  dropped: z.number(),
  late: z.number(),
  latency_us: Percentiles,
  cpu: z.object({ us_per_unit: z.number().nullable(), cores: z.number() }),
  ok: z.boolean(),
  /** sse-rate only: events of the completed streams, and their time to first event (µs, from the intended start). */
  events: z.number().optional(),
  events_rate: z.number().optional(),
  first_event_us: Percentiles.optional(),
});
export type LoadgenJson = z.infer<typeof LoadgenJson>;
