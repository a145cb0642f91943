/**
 * The result files of a run, as zod schemas (so every file written is validated, and tests can
 * validate committed result sets) and their types. The report reads only these.
 *
 *   results/<run-id>/run.json                    RunMeta
 *   results/<run-id>/cells/<target>__<workload>.json   Cell
 */
import { z } from 'zod';

export const LatencyMs = z.object({
  avg: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type LatencyMs = z.infer<typeof LatencyMs>;

/** One sample of the server's process tree (and the generator), every 250 ms. */
export const Sample = z.object({
  t: z.number(), // seconds since the measured phase began
  serverCpuPct: z.number(), // of one core, over the last interval
  serverRssBytes: z.number(),
  generatorCpuPct: z.number(),
  /** The generator cores' busy time (every process on them: the driver, the orchestrator, the rest), % of those cores. */
  generatorCoreBusyPct: z.number().optional(),
  /** Time stolen by the hypervisor from the server and generator cores, % of those cores. */
  stealPct: z.number().optional(),
});
export type Sample = z.infer<typeof Sample>;

/** The figures of one measured repeat. */
export const Figures = z.object({
  /** Completed units (HTTP requests; WebSocket messages for ws) in the measured phase. */
  units: z.number(),
  durationS: z.number(),
  /** Units per second. */
  throughput: z.number(),
  errorRate: z.number(),
  latencyMs: LatencyMs,
  /** Server CPU time (user + system, whole process tree) per unit. */
  serverCpuUsPerUnit: z.number(),
  /** Where that CPU time came from: a cgroup's exact counter, or /proc's 10 ms ticks. */
  serverCpuSource: z.string().optional(),
  /** Postgres + Redis CPU time per unit (data cells on real services, where a cgroup could be made). */
  backendCpuUsPerUnit: z.number().optional(),
  serverPeakRssBytes: z.number(),
  serverEndRssBytes: z.number(),
  /** Of the cores the generator was given (100 = all of them busy). */
  generatorCpuPct: z.number(),
  /** Median busy time of the generator cores (/proc/stat), % of them: what generatorBound is judged on. */
  generatorCoreBusyPct: z.number().optional(),
  /** The driver's own CPU per unit, µs: its self-report (loadgen) or its process's sampled CPU. */
  generatorCpuUsPerUnit: z.number().optional(),
  /** Median share of the measured cores' time stolen by the hypervisor. */
  stealPct: z.number().optional(),
  generatorBound: z.boolean(),
  /** Fixed-rate mode: iterations k6 could not start on time. */
  droppedIterations: z.number(),
  /** Extra per-family figures: sse time to first event and events/s, ws round trip. */
  extra: z.record(z.string(), z.number()),
});
export type Figures = z.infer<typeof Figures>;

/** A repeat either measured or failed, keyed on state (as tinybench keys task results). */
export const Repeat = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ok'), repeat: z.number(), figures: Figures, samples: z.array(Sample) }),
  z.object({ state: z.literal('failed'), repeat: z.number(), reason: z.string() }),
]);
export type Repeat = z.infer<typeof Repeat>;

export const Spread = z.object({ min: z.number(), max: z.number(), relative: z.number() });
export type Spread = z.infer<typeof Spread>;

export const Cell = z.object({
  target: z.string(),
  workload: z.string(),
  family: z.string(),
  driver: z.enum(['k6', 'oha', 'wrk', 'loadgen']),
  mode: z.enum(['closed', 'rate']),
  /** Closed-loop connections (k6 VUs) when they differ from the run's setting: the heavy workloads. */
  connections: z.number().optional(),
  /** What the units of `throughput` and `serverCpuUsPerUnit` are. */
  unit: z.enum(['request', 'message']),
  backend: z.enum(['none', 'embedded', 'services']),
  repeats: z.array(Repeat),
  /** Medians over the ok repeats, absent when none succeeded. */
  median: Figures.omit({ extra: true }).extend({ extra: z.record(z.string(), z.number()) }).optional(),
  /** min, max and (max−min)/median over the ok repeats, per figure. */
  spread: z.record(z.string(), Spread),
});
export type Cell = z.infer<typeof Cell>;

export const RunMeta = z.object({
  id: z.string(),
  startedAt: z.string(),
  /** When `--resume` continued the run, one time per later sitting. */
  resumedAt: z.array(z.string()).optional(),
  finishedAt: z.string().optional(),
  /** Summed over the sittings. */
  wallTimeS: z.number().optional(),
  /** Repeats that failed (start, verification or the driver); the cells hold the reasons. */
  failedRepeats: z.number().optional(),
  git: z.object({ commit: z.string(), dirty: z.boolean() }),
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number(),
    kernel: z.string(),
    memoryBytes: z.number(),
    os: z.string(),
  }),
  /** Every runtime, tool and library version that produced the figures. */
  versions: z.record(z.string(), z.string()),
  settings: z.object({
    mode: z.enum(['closed', 'rate']),
    connections: z.number(),
    rate: z.number().optional(),
    durationS: z.number(),
    warmupS: z.number(),
    repeats: z.number(),
    serverCores: z.string(),
    generatorCores: z.string(),
    driver: z.enum(['auto', 'k6', 'oha', 'wrk', 'loadgen']),
    /** The cores Postgres and Redis were pinned to (services runs). */
    servicesCores: z.string().optional(),
    /** Set when no fast driver could be had: every plain request/response figure is then k6's ceiling. */
    peakDriverMissing: z.string().optional(),
    backend: z.enum(['embedded', 'services']),
    quick: z.boolean(),
  }),
  targets: z.array(
    z.object({
      name: z.string(),
      language: z.string().optional(),
      description: z.string(),
      settings: z.record(z.string(), z.string()),
    }),
  ),
  workloads: z.array(z.string()),
  cells: z.array(z.string()),
  /** Pairs not measured, and why (a control target without the workload, a target without a db). */
  skipped: z.array(
    z.object({
      target: z.string(),
      workload: z.string(),
      reason: z.string(),
      /** The target does not declare the workload's family (not a failure, not a lack of services). */
      notImplemented: z.boolean().optional(),
    }),
  ),
});
export type RunMeta = z.infer<typeof RunMeta>;
