/**
 * What a k6 run does, decided once from the environment: which catalogue endpoints, in which
 * scenarios, at what load, with which thresholds. Pure (no k6 APIs), so Node tests it and k6
 * bundles it; the k6 glue around it is k6/fixtures.js, k6/http.js and k6/target.js.
 *
 * Environment (all optional; empty = unset):
 *   BASE_URL      target, default http://127.0.0.1:3000
 *   WORKLOAD      one catalogue id of the script's family; default: every endpoint of the family,
 *                 one scenario each, one after another (or the family's mix, e.g. the shortener)
 *   MODE          closed (constant VUs) | rate (constant arrival rate); default closed, rate for
 *                 endpoints the catalogue marks `heavy`
 *   VUS           closed loop: virtual users (= connections), default 50
 *   DURATION      measured time per scenario, default 10s, at least 1s
 *   RATE          rate mode: iterations/s, default 1000 (5 for heavy endpoints)
 *   PRE_VUS       rate mode: VUs allocated before the start, default max(50, RATE/100)
 *   MAX_VUS       rate mode: VU ceiling, default PRE_VUS (no VU is initialised mid-measurement;
 *                 when they are all busy, iterations are dropped and counted in dropped_iterations)
 *   WARMUP        warm-up before the measured time, in the same scenario (default none)
 *   SUMMARY_JSON  path handleSummary writes the summary JSON to
 */
import { catalogue, type Endpoint, type Family } from '../contract/catalogue.ts';
import { parseDuration, parsePositiveInt } from '../contract/units.ts';

export type Env = Record<string, string | undefined>;
export type Mode = 'closed' | 'rate';

const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';
/** Heavy endpoints are measured at a rate every target sustains (Python's stress-cpu ≈ 0.14 s of CPU). */
const HEAVY_RATE = 5;
const DEFAULT_RATE = 1000;
/**
 * Time left for in-flight iterations when a scenario ends; the next scenario starts after it,
 * so scenarios run one after another never overlap.
 */
export const GRACEFUL_STOP_MS = 2000;
/** Trend statistics in the summary (milliseconds). */
const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];

export interface Settings {
  baseUrl: string;
  workload: string | undefined;
  mode: Mode | undefined;
  vus: number;
  durationMs: number;
  rate: number | undefined;
  preVus: number | undefined;
  maxVus: number | undefined;
  warmupMs: number;
  summaryJson: string | undefined;
}

/** One scenario of a family's mix (scenarios of one mix run at the same time). */
export interface PartSpec {
  /** Scenario name: the `scenario` tag, and the role in the summary. */
  name: string;
  /** The catalogue entry it exercises. */
  workload: string;
  /** The exported function the scenario runs. */
  exec: string;
  /** Its fraction of VUS (closed) or RATE (rate mode). */
  share: number;
}

export interface FamilyScript {
  family: Family;
  /** Exec function per workload id; default `run`. */
  exec?: Record<string, string>;
  /** Scenarios run together when WORKLOAD is unset, instead of one endpoint after another. */
  mix?: PartSpec[];
  /** Custom metrics the script records, for which measured-phase sub-metrics are wanted. */
  metrics?: Record<string, 'counter' | 'trend'>;
  /** The counter that must be > 0 in every measured phase ("measured nothing" fails the run). */
  primary?: string;
}

export interface Part {
  /** The scenario name. */
  name: string;
  workload: string;
  exec: string;
  mode: Mode;
  /** Closed loop: VUs. */
  vus?: number;
  /** Rate mode: iterations per second, and the VUs that carry them. */
  rate?: number;
  preVus?: number;
  maxVus?: number;
  /** Offset of the scenario from the start of the test, then its warm-up and measured spans. */
  startMs: number;
  warmupMs: number;
  durationMs: number;
  /** Summary keys of this part's measured-phase sub-metrics. */
  metrics: Record<string, string>;
}

export interface Plan {
  family: Family;
  settings: Settings;
  parts: Part[];
  /** The endpoints the parts exercise (for setup's capability check and the fixtures). */
  endpoints: Endpoint[];
  /**
   * The k6 scenarios, as planned. A copy: k6 replaces the exported `options.scenarios` with its
   * own object, so that one cannot be compared with what k6 runs.
   */
  scenarios: Record<string, Record<string, unknown>>;
  // deno-lint-ignore no-explicit-any
  options: Record<string, any>;
}

const ms = (n: number) => `${n}ms`;

function positiveInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : parsePositiveInt(name, raw);
}

const text = (env: Env, name: string) => (env[name] === '' ? undefined : env[name]);

/** The environment, read once and checked; errors name the variable. */
export function loadSettings(env: Env): Settings {
  const baseUrl = (text(env, 'BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new Error(`BASE_URL must be an http(s) URL, got ${JSON.stringify(env.BASE_URL)}`);
  }
  const mode = text(env, 'MODE');
  if (mode !== undefined && mode !== 'closed' && mode !== 'rate') {
    throw new Error(`MODE must be closed or rate, got ${JSON.stringify(mode)}`);
  }
  const duration = text(env, 'DURATION');
  const warmup = text(env, 'WARMUP');
  const durationMs = duration === undefined ? 10_000 : parseDuration('DURATION', duration);
  // k6 refuses scenarios shorter than 1 s, and a shorter measurement means nothing anyway.
  if (durationMs < 1000) throw new Error(`DURATION must be at least 1s, got ${JSON.stringify(duration)}`);
  return {
    baseUrl,
    workload: text(env, 'WORKLOAD'),
    mode,
    vus: positiveInt(env, 'VUS') ?? 50,
    durationMs,
    rate: positiveInt(env, 'RATE'),
    preVus: positiveInt(env, 'PRE_VUS'),
    maxVus: positiveInt(env, 'MAX_VUS'),
    warmupMs: warmup === undefined ? 0 : parseDuration('WARMUP', warmup),
    summaryJson: text(env, 'SUMMARY_JSON'),
  };
}

/** Summary key of a measured-phase sub-metric of one scenario. */
export const measured = (metric: string, scenario: string) => `${metric}{scenario:${scenario},phase:measure}`;

/** The parts to run: groups run one after another, the parts of a group at the same time. */
function groups(script: FamilyScript, settings: Settings): PartSpec[][] {
  const own = catalogue.filter((e) => e.family === script.family);
  const single = (e: Endpoint): PartSpec => ({
    name: e.id,
    workload: e.id,
    exec: script.exec?.[e.id] ?? 'run',
    share: 1,
  });
  if (settings.workload !== undefined) {
    const endpoint = own.find((e) => e.id === settings.workload);
    if (!endpoint) {
      throw new Error(
        `WORKLOAD ${JSON.stringify(settings.workload)} is not a ${script.family} workload; expected one of ${
          own.map((e) => e.id).join(', ')
        }`,
      );
    }
    return [[single(endpoint)]];
  }
  return script.mix ? [script.mix] : own.map((e) => [single(e)]);
}

function load(
  spec: PartSpec,
  endpoint: Endpoint,
  s: Settings,
): Pick<Part, 'mode' | 'vus' | 'rate' | 'preVus' | 'maxVus'> {
  const mode = s.mode ?? (endpoint.heavy ? 'rate' : 'closed');
  const scale = (n: number) => Math.max(1, Math.round(n * spec.share));
  if (mode === 'closed') return { mode, vus: scale(s.vus) };
  const total = s.rate ?? (endpoint.heavy ? HEAVY_RATE : DEFAULT_RATE);
  const preTotal = s.preVus ?? Math.max(50, Math.ceil(total / 100));
  const preVus = scale(preTotal);
  return { mode, rate: scale(total), preVus, maxVus: Math.max(preVus, scale(s.maxVus ?? preTotal)) };
}

/**
 * k6 puts a sub-metric in the summary only when a threshold names it, so sub-metrics that are
 * only wanted as figures get a threshold that always passes.
 */
const EXISTS = { counter: 'count>=0', trend: 'max>=0' } as const;

/** This scenario's measured-phase sub-metrics: summary key and threshold, by short name. */
function subMetrics(script: FamilyScript, scenario: string): Record<string, [string, string]> {
  const primary = script.primary ?? 'http_reqs';
  const sub: Record<string, [string, string]> = {
    // A measured phase with no requests at all is a failed run, not a fast one.
    primary: [measured(primary, scenario), 'count>0'],
    iterations: [measured('iterations', scenario), EXISTS.counter],
    checks: [measured('checks', scenario), 'rate==1.0'],
  };
  if (primary === 'http_reqs') {
    sub.duration = [measured('http_req_duration', scenario), EXISTS.trend];
    sub.waiting = [measured('http_req_waiting', scenario), EXISTS.trend];
    sub.failed = [measured('http_req_failed', scenario), 'rate<0.01'];
  }
  for (const [name, type] of Object.entries(script.metrics ?? {})) {
    sub[name] = name === primary ? sub.primary! : [measured(name, scenario), EXISTS[type]];
  }
  return sub;
}

export function makePlan(script: FamilyScript, env: Env): Plan {
  const settings = loadSettings(env);
  const parts: Part[] = [];
  // Whatever the phase: one wrong response fails the run (k6 exits 99).
  const thresholds: Record<string, string[]> = { checks: ['rate==1.0'], http_req_failed: ['rate<0.01'] };
  let startMs = 0;
  for (const group of groups(script, settings)) {
    for (const spec of group) {
      const endpoint = catalogue.find((e) => e.id === spec.workload);
      if (!endpoint) throw new Error(`${spec.name}: no workload ${spec.workload} in the catalogue`);
      const sub = subMetrics(script, spec.name);
      const part: Part = {
        name: spec.name,
        workload: spec.workload,
        exec: spec.exec,
        ...load(spec, endpoint, settings),
        startMs,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        metrics: Object.fromEntries(Object.entries(sub).map(([k, [key]]) => [k, key])),
      };
      if (part.mode === 'rate') {
        // Dropped iterations carry only the scenario's tags, not the VU's phase: whole scenario.
        sub.dropped = [`dropped_iterations{scenario:${spec.name}}`, EXISTS.counter];
        part.metrics.dropped = sub.dropped[0];
      }
      for (const [key, condition] of Object.values(sub)) thresholds[key] = [condition];
      parts.push(part);
    }
    startMs += settings.warmupMs + settings.durationMs + GRACEFUL_STOP_MS;
  }
  const endpoints = [...new Set(parts.map((p) => p.workload))].map((id) => catalogue.find((e) => e.id === id)!);
  return {
    family: script.family,
    settings,
    parts,
    endpoints,
    scenarios: scenarios(parts),
    options: { ...OPTIONS, scenarios: scenarios(parts), thresholds },
  };
}

function scenarios(parts: Part[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    const common = {
      exec: part.exec,
      startTime: ms(part.startMs),
      // Warm-up and measurement are one scenario: the same VUs and connections carry on; each
      // iteration tags itself phase:warmup or phase:measure (k6/http.js enter()).
      duration: ms(part.warmupMs + part.durationMs),
      gracefulStop: ms(GRACEFUL_STOP_MS),
      tags: { workload: part.workload },
    };
    out[part.name] = part.mode === 'closed' ? { executor: 'constant-vus', vus: part.vus, ...common } : {
      executor: 'constant-arrival-rate',
      rate: part.rate,
      timeUnit: '1s',
      preAllocatedVUs: part.preVus,
      maxVUs: part.maxVus,
      ...common,
    };
  }
  return out;
}

const OPTIONS = {
  summaryTrendStats: TREND_STATS,
  // Redirects are measured, not followed (the shortener's 302s); nothing else redirects.
  maxRedirects: 0,
  // Bodies are kept by default; unsampled requests ask for none (responseType: 'none').
  discardResponseBodies: false,
  setupTimeout: '30s',
  userAgent: 'gauntlet-k6',
};

/**
 * Which iterations check the whole response body (every response's status is checked). JSON
 * parsing every body would make k6 — already several times wrk's CPU per request — the
 * bottleneck, so: the first 20 iterations of each VU in each scenario, then 1 in 16.
 * Deterministic: the same iterations are checked in every run.
 */
export const checksBody = (iteration: number): boolean => iteration < 20 || iteration % 16 === 0;

/** Phase of an iteration started `elapsedMs` after its scenario did. */
export const phaseAt = (elapsedMs: number, warmupMs: number): 'warmup' | 'measure' =>
  elapsedMs < warmupMs ? 'warmup' : 'measure';

/**
 * How the scenarios k6 actually runs (exec.test.options.scenarios) differ from the plan; empty
 * when they agree. They differ when the options were fixed elsewhere — a `k6 archive` made with
 * other -e values (an archive keeps the options it was made with), or --vus/--duration flags —
 * and then the phases and per-scenario figures would be computed for the wrong load.
 */
export function scenarioDrift(plan: Plan, actual: Record<string, Record<string, unknown>> | undefined): string[] {
  const planned = plan.scenarios;
  const names = (o: object | undefined) => Object.keys(o ?? {}).sort().join(', ');
  if (names(planned) !== names(actual)) return [`scenarios ${names(actual)}, planned ${names(planned)}`];
  const out: string[] = [];
  const time = (v: unknown) => (typeof v === 'string' && v !== '' ? parseDuration('duration', v) : 0);
  for (const [name, want] of Object.entries(planned)) {
    const got = actual![name]!;
    for (const key of ['executor', 'exec', 'vus', 'rate', 'preAllocatedVUs', 'maxVUs']) {
      if ((got[key] ?? undefined) !== want[key]) out.push(`${name}.${key} ${got[key]}, planned ${want[key]}`);
    }
    for (const key of ['duration', 'startTime']) {
      if (time(got[key]) !== time(want[key])) out.push(`${name}.${key} ${got[key]}, planned ${want[key]}`);
    }
  }
  return out;
}
