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

/**
 * What held a window's figures where they are: the server's CPU (its cores ≥ 90 % busy), the
 * generator (its cores ≥ 90 % busy, the services' share left out), the backend (Postgres and Redis
 * the larger part of saturated generator cores), the offered rate (fixed-rate mode), or latency
 * (nothing saturated: a closed loop waiting on round trips; in flight = throughput × mean latency).
 */
export const Limiter = z.enum(['server', 'generator', 'backend', 'rate', 'latency']);
export type Limiter = z.infer<typeof Limiter>;

/** The host around one window: a fixed CPU loop timed on the server core just before and after it. */
export const HostCheck = z.object({
  /** The loop's time, ns (median of its slices), before and after the measured phase. */
  calibrationNs: z.tuple([z.number(), z.number()]),
  /** Windows measured for this one: more than 1 when the host was far out of line and it was re-measured. */
  attempts: z.number(),
  /** Why the kept window was still out of line when its attempts ran out. */
  outlier: z.string().optional(),
});
export type HostCheck = z.infer<typeof HostCheck>;

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
  /**
   * CPU of every process on the machine that was not ours (the server, the driver, the services, the
   * orchestrator) nor a kernel thread, over the window, % of one core: another job on the cores the
   * figures need.
   */
  foreignCpuPct: z.number().optional(),
  generatorBound: z.boolean(),
  /** The server's CPU over the window, % of its cores. */
  serverCpuPct: z.number().optional(),
  limiter: Limiter.optional(),
  host: HostCheck.optional(),
  /**
   * With more than one worker: each worker's share of the workers' CPU over the window (sums to 1,
   * busiest first; processes or worker threads, bench/measure/worker-cpu.ts).
   */
  workerCpuShares: z.array(z.number()).optional(),
  /** The busiest worker used more than 1.5 × the CPU of the idlest: the load was not shared out evenly. */
  workerCpuUneven: z.boolean().optional(),
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

/** A median with its distribution-free interval (bench/results/stats.ts medianInterval). */
export const Interval = z.object({
  median: z.number(),
  low: z.number(),
  high: z.number(),
  n: z.number(),
  confidence: z.number(),
  exact: z.boolean(),
});
export type Interval = z.infer<typeof Interval>;

export const Cell = z.object({
  target: z.string(),
  workload: z.string(),
  family: z.string(),
  driver: z.enum(['k6', 'oha', 'wrk', 'loadgen']),
  mode: z.enum(['closed', 'rate']),
  /** The fixed-rate table of a full run: every target of the workload at this same offered rate. */
  phase: z.enum(['main', 'rate-table']).optional(),
  /** The offered rate, per second, of a fixed-rate cell. */
  rate: z.number().optional(),
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
  /** The median of each figure with its 95 % interval over the ok repeats. */
  intervals: z.record(z.string(), Interval).optional(),
  /** CPU per unit known to the run's target half-width (exact 95 % interval): no more rounds needed. */
  converged: z.boolean().optional(),
  /** What held most of its windows. */
  limiter: Limiter.optional(),
});
export type Cell = z.infer<typeof Cell>;

/**
 * What one driver costs on the generator cores, measured before the run (bench/measure/calibrate.ts):
 * the driver alone against the fastest target's cheapest endpoint of a kind — plain requests,
 * WebSocket echoes or event streams — in the mode the run drives that kind in.
 */
const CalibrationProbe = {
  driver: z.enum(['k6', 'oha', 'wrk', 'loadgen']),
  mode: z.enum(['closed', 'rate']),
  kind: z.enum(['http', 'websocket', 'stream']),
  workload: z.string(),
  target: z.string(),
};

export const DriverCalibration = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    ...CalibrationProbe,
    /** What the driver says it is (`wrk -v`, `k6 version`, `loadgen version`, `oha --version`). */
    version: z.string(),
    connections: z.number(),
    /** The offered rate, per second (rate mode). */
    rate: z.number().optional(),
    /** The measured window, s (the driver ran a margin longer on either side). */
    durationS: z.number(),
    /** Units (requests, messages, streams) per second the driver achieved. */
    unitsPerSecond: z.number(),
    /** The driver's own CPU time (user + system) per unit over the window, µs. */
    cpuUsPerUnit: z.number(),
    /** Where that CPU time came from: loadgen's report of itself, a cgroup of the driver, or /proc ticks. */
    cpuSource: z.string(),
    /** Median busy time of the generator cores while it ran (every process on them), %. */
    coreBusyPct: z.number(),
    /** How many generator cores there were. */
    generatorCores: z.number(),
    /** Units per second the generator cores could drive at that cost: 1e6 ÷ cpuUsPerUnit × generatorCores. */
    maxUnitsPerSecond: z.number(),
  }),
  z.object({ state: z.literal('failed'), ...CalibrationProbe, reason: z.string() }),
]);
export type DriverCalibration = z.infer<typeof DriverCalibration>;

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
    /** lscpu's vendor, family/model/stepping, topology, caches, hypervisor and flags. */
    cpu: z.record(z.string(), z.string()).optional(),
  }),
  /** Postgres and Redis as the run found them: versions, settings, rows and keys (services runs). */
  services: z.object({
    postgres: z.object({
      version: z.string(),
      settings: z.record(z.string(), z.string()),
      rows: z.record(z.string(), z.number()),
    }),
    redis: z.object({
      version: z.string(),
      settings: z.record(z.string(), z.string()),
      keys: z.number(),
      gauntletKeys: z.number(),
    }),
  }).optional(),
  /** What each Python baseline's venv actually holds (pip list), per baseline folder. */
  pythonPackages: z.record(z.string(), z.array(z.string())).optional(),
  /** Every round: its phase, the order its windows ran in (cell keys), and when. */
  rounds: z.array(z.object({
    phase: z.enum(['main', 'rate-table']),
    round: z.number(),
    order: z.array(z.string()),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
  })).optional(),
  /** The fixed-rate table's offered rate per workload, chosen from its slowest target's closed-loop median. */
  rateTable: z.record(z.string(), z.number()).optional(),
  /** Every runtime, tool and library version that produced the figures. */
  versions: z.record(z.string(), z.string()),
  settings: z.object({
    mode: z.enum(['closed', 'rate']),
    connections: z.number(),
    rate: z.number().optional(),
    durationS: z.number(),
    warmupS: z.number(),
    /** Rounds every cell gets; with maxRepeats, the first rounds before convergence is judged. */
    repeats: z.number(),
    /** Adaptive: a cell not yet converged gets rounds up to this many. */
    maxRepeats: z.number().optional(),
    /** The relative half-width of CPU per unit's 95 % interval at which a cell has converged. */
    targetHalfWidth: z.number().optional(),
    /** Seeds the per-round shuffle of the order (workloads, and targets within a workload). */
    seed: z.number().optional(),
    /** Whether the run ends with the fixed-rate table. */
    rateTable: z.boolean().optional(),
    serverCores: z.string(),
    generatorCores: z.string(),
    driver: z.enum(['auto', 'k6', 'oha', 'wrk', 'loadgen']),
    /** The cores Postgres and Redis were pinned to (services runs). */
    servicesCores: z.string().optional(),
    /** Set when no fast driver could be had: every plain request/response figure is then k6's ceiling. */
    peakDriverMissing: z.string().optional(),
    /**
     * Why this run is a functional check, not figures (e.g. the server and generator cores overlap):
     * everything ran and was verified, but its figures are not comparable measurements.
     */
    functional: z.string().optional(),
    backend: z.enum(['embedded', 'services']),
    quick: z.boolean(),
    /**
     * Variables of the bench's environment that change a runtime (bench/measure/runtime-env.ts),
     * which every target inherited: set only when there were some, and then no target ran on its
     * defaults alone.
     */
    runtimeEnv: z.record(z.string(), z.string()).optional(),
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
  /** Each driver's cost per unit on the generator cores, calibrated before the cells ran. */
  driverCalibration: z.array(DriverCalibration).optional(),
});
export type RunMeta = z.infer<typeof RunMeta>;

/** `settings.runtimeEnv` as a shell would set it: `NAME=value` pairs. */
export const envText = (env: Record<string, string>): string =>
  Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');

// ---------------------------------------------------------------- references.json

/*
 * The seeds' own setups measured here (`npm run bench:seeds`, bench/measure/seeds-cli.ts):
 *
 *   results/<run-id>/references.json   ReferenceRun
 *
 * Reference rows, each labelled as the seed's setup (or as ours beside it), with the seed's
 * published figures for the same system. They break the one-worker rule on purpose and are never
 * Cells: no ranking or ratio table reads them.
 */

/** A figure the seed published for the system a row stands beside, with the line of the source it was read from. */
export const SeedFigure = z.object({
  /** A metric of results/reference (`rps`, `latency_avg`, `latency_p99`, `peak_cpu`, `peak_rss`, …). */
  metric: z.string(),
  value: z.number(),
  /** As the source writes it: req/s, s, ms, %, MB. */
  unit: z.string(),
  quote: z.string().min(1),
  /** The source gives the figure as approximate ("approximately 10ms"). */
  approximate: z.boolean().optional(),
});
export type SeedFigure = z.infer<typeof SeedFigure>;

/** One measured window of a reference row. */
export const ReferenceFigures = z.object({
  /** Responses received in the measured phase. */
  requests: z.number(),
  durationS: z.number(),
  /** Responses per second. */
  throughput: z.number(),
  /** Failed requests (transport errors and unexpected statuses) over those sent. */
  errorRate: z.number(),
  latencyMs: LatencyMs,
  /** Responses by HTTP status, where the driver reports them (hey). */
  statusCodes: z.record(z.string(), z.number()).optional(),
  /** Requests sent that got no response (hey: the requests it sent less the lines of its CSV). */
  transportErrors: z.number().optional(),
  /** A rate-limited run's offered rate, per second (hey: workers × its per-worker -q). */
  offeredRate: z.number().optional(),
  /** Server CPU time (every worker process) per response. */
  serverCpuUsPerUnit: z.number(),
  /** A cgroup's exact counter, or /proc's 10 ms ticks. */
  serverCpuSource: z.string(),
  /** The server's CPU over the measured phase, % of one core (above 100 when several workers are busy). */
  serverCpuPct: z.number(),
  /** Its highest 1 s average (psrecord --interval 1 samples it so: seed 002's peak CPU). */
  serverPeakCpuPct: z.number(),
  /**
   * The server cores' busy time over the measured phase (/proc/stat), % of them: what the server
   * used and anything else that ran there (another process on a shared machine).
   */
  serverCoresBusyPct: z.number().optional(),
  /** RSS summed over every server process (psrecord --include-children), highest sample. */
  serverPeakRssBytes: z.number(),
  /** Postgres + Redis CPU time per response (data rows on real services). */
  backendCpuUsPerUnit: z.number().optional(),
  /** Median busy time of the generator cores, % of them. */
  generatorCoreBusyPct: z.number().optional(),
  /** The generator's cores were ≥ 90 % busy (the services' share left out): the figures are a floor. */
  generatorBound: z.boolean(),
});
export type ReferenceFigures = z.infer<typeof ReferenceFigures>;

export const ReferenceRepeat = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ok'), repeat: z.number(), figures: ReferenceFigures }),
  z.object({ state: z.literal('failed'), repeat: z.number(), reason: z.string() }),
]);
export type ReferenceRepeat = z.infer<typeof ReferenceRepeat>;

export const ReferenceSummary = ReferenceFigures.omit({
  statusCodes: true,
  transportErrors: true,
  serverCpuSource: true,
});
export type ReferenceSummary = z.infer<typeof ReferenceSummary>;

export const ReferenceRow = z.object({
  /** `seed002-django`, …: one row per (seed, system, setup). */
  id: z.string(),
  seed: z.string().regex(/^\d{3}$/),
  /** `seed`: the seed's own setup, reproduced here; `ours`: our target beside it, on our settings. */
  setup: z.enum(['seed', 'ours']),
  /** What the row is, as every table labels it ("seed 002's setup: …"). */
  label: z.string(),
  target: z.string(),
  workload: z.string(),
  /** The seed's system the row stands beside, as the seed names it. */
  seedSystem: z.string(),
  /** Where and how the seed measured its figures (tool, network, hardware). */
  seedContext: z.string(),
  /** The seed's own load command, verbatim. */
  seedLoad: z.string(),
  /** The load as run here: the generator and its command shape. */
  driver: z.enum(['wrk', 'oha', 'k6', 'loadgen', 'hey']),
  load: z.string(),
  /** The target's settings as it ran (targets/table.ts), its reference label included. */
  settings: z.record(z.string(), z.string()),
  /** The seed's published figures for `seedSystem` (none on `ours` rows: the seed's row carries them). */
  published: z.array(SeedFigure),
  repeats: z.array(ReferenceRepeat),
  /** Medians over the ok repeats; absent when none succeeded. */
  median: ReferenceSummary.optional(),
  /** min, max and (max − min) / median over the ok repeats, per figure. */
  spread: z.record(z.string(), Spread),
});
export type ReferenceRow = z.infer<typeof ReferenceRow>;

export const ReferenceRun = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  git: z.object({ commit: z.string(), dirty: z.boolean() }),
  machine: RunMeta.shape.machine,
  versions: z.record(z.string(), z.string()),
  settings: z.object({
    /** Interleaved: every row of a seed once per repeat, in turn. */
    repeats: z.number(),
    warmupS: z.number(),
    /** Every worker process of a server shares these. */
    serverCores: z.string(),
    generatorCores: z.string(),
    /** Postgres and Redis pinned here (seed 002's rows read Postgres). */
    servicesCores: z.string().optional(),
    /** Seed 002's rows: closed loop, `connections` for `durationS`. */
    seed002: z.object({ durationS: z.number(), connections: z.number() }).optional(),
    /** Seed 003's rows: hey -n `requests` -c `connections` -q `ratePerConnection`. */
    seed003: z.object({ requests: z.number(), connections: z.number(), ratePerConnection: z.number() }).optional(),
  }),
  rows: z.array(ReferenceRow),
});
export type ReferenceRun = z.infer<typeof ReferenceRun>;

/**
 * results/<run-id>/instructions.json: user-space instructions per request under callgrind
 * (bench/measure/instructions.ts). The host's noise cannot move the count, so it sits beside CPU
 * µs/request as a second, steadier cost; it leaves out the kernel (syscalls, the network stack).
 */
export const InstructionsRun = z.object({
  /** `Ir` over the measured requests (every window), summed over the server's processes (every thread of each). */
  instructions: z.number(),
  /** Instructions per request over every counted window together. */
  instructionsPerRequest: z.number(),
  /** Instructions per request of each counted window, in order (absent in files made before windows). */
  windows: z.array(z.number()).optional(),
  /** Each callgrind process of the server's tree: its command line and its share. */
  processes: z.array(z.object({ command: z.string(), instructions: z.number() })),
  /** TCP connections the client opened for warm-up and measurement together (1: keep-alive held). */
  connections: z.number(),
  /** How long the warm-up and the measured requests took under valgrind. */
  wallTimeS: z.number(),
  /**
   * 503 `unavailable` answers the warm-up sent again before its first correct answer (absent: none):
   * a pool's first connections under valgrind (bench/measure/instructions.ts, unavailableGraceS).
   */
  warmupUnavailable: z.number().optional(),
});
export type InstructionsRun = z.infer<typeof InstructionsRun>;

/** One target × workload: counted on every run, or why it could not be. */
export const InstructionsCell = z.union([
  z.object({
    target: z.string(),
    workload: z.string(),
    /** The median of the runs' figures. */
    instructionsPerRequest: z.number(),
    /** (max − min) ÷ median of the runs' figures: how far the count is from deterministic. */
    difference: z.number(),
    runs: z.array(InstructionsRun).min(1),
    /** Requests sent before counting, and counted per window, per run. */
    warmup: z.number(),
    measured: z.number(),
    /** Windows counted per run (absent: one, in files made before windows). */
    windows: z.number().optional(),
    /** `valgrind --version`. */
    valgrind: z.string(),
  }),
  z.object({
    target: z.string(),
    workload: z.string(),
    unavailable: z.string(),
    /** The target does not declare the workload's family: not a failure under valgrind. */
    notImplemented: z.boolean().optional(),
  }),
]);
export type InstructionsCell = z.infer<typeof InstructionsCell>;

/** A framework target against its runtime's bare control on one workload, in instructions per request. */
export const HonoOverBare = z.object({
  framework: z.string(),
  bare: z.string(),
  workload: z.string(),
  frameworkPerRequest: z.number(),
  barePerRequest: z.number(),
  ratio: z.number(),
});
export type HonoOverBare = z.infer<typeof HonoOverBare>;

export const Instructions = z.object({
  startedAt: z.string(),
  wallTimeS: z.number(),
  git: z.object({ commit: z.string(), dirty: z.boolean() }),
  /** `valgrind --version`, or why there is none. */
  valgrind: z.string(),
  /** The prefix every target's command ran under. */
  command: z.array(z.string()),
  settings: z.object({
    warmup: z.number(),
    measured: z.number(),
    windows: z.number().optional(),
    runs: z.number(),
    /** Keep-alive connections the requests were spread over (absent: one). */
    connections: z.number().optional(),
    /** As in run.json: variables of the environment that change a runtime, which every target inherited. */
    runtimeEnv: z.record(z.string(), z.string()).optional(),
    /**
     * As in run.json: the data workloads' database and cache — the embedded ones (PGlite in the
     * server's process, an in-process map) or Postgres and Redis (`--services`). Absent in files made
     * before the option: embedded.
     */
    backend: z.enum(['embedded', 'services']).optional(),
  }),
  /** Postgres's and Redis's versions, on a services run. */
  services: z.object({ postgres: z.string(), redis: z.string() }).optional(),
  /** Whether `perf stat -e instructions` counts on this machine (hardware counters), and if not, why. */
  perf: z.object({ available: z.boolean(), reason: z.string().optional() }),
  cells: z.array(InstructionsCell),
  honoOverBare: z.array(HonoOverBare),
});
export type Instructions = z.infer<typeof Instructions>;
