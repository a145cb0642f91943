/**
 * handleSummary: the full k6 summary data as JSON (to SUMMARY_JSON) with a `gauntlet` digest
 * added — the measured-phase figures of each scenario — and a short human summary on stdout.
 * Pure: Node tests it with known inputs.
 */
import type { Mode, Plan } from './plan.ts';

interface Metric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  metrics: Record<string, Metric>;
  state?: { testRunDurationMs?: number };
  setup_data?: unknown;
  [key: string]: unknown;
}

export interface PartResult {
  scenario: string;
  workload: string;
  mode: Mode;
  vus?: number;
  rate?: number;
  startMs: number;
  warmupMs: number;
  durationMs: number;
  /** The primary counter (http_reqs, or ws_msgs) in the measured phase. */
  count: number;
  /** count per measured second (k6's own `rate` divides by the whole test's duration). */
  perSecond: number;
  /** http_req_duration in the measured phase, ms: avg, min, med, max, p(50) … p(99.9), count. */
  latencyMs?: Record<string, number>;
  failedRate?: number;
  checks: { rate: number; passes: number; fails: number };
  /** Rate mode: iterations k6 could not start in time, warm-up included. */
  dropped?: number;
  /** The family's own metrics (sse_events, ws_echo_rtt …): k6's values, plus perSecond for counters. */
  custom: Record<string, Record<string, number>>;
  /** Summary keys (into `metrics`) of every measured-phase sub-metric of this scenario. */
  metrics: Record<string, string>;
}

export interface Digest {
  family: string;
  baseUrl: string;
  /** setup() passed (the target answered /health and offers what the workload needs), so the scenarios ran. */
  ran: boolean;
  /** What the target's /health offered (from setup). */
  offers: string[];
  /**
   * The execution segment this k6 ran (e.g. `0:1/4`) when it is one of several runners (k6
   * operator): its figures are its share of the load; `vus`/`rate` in parts are the totals.
   */
  segment: string | null;
  /** The scenarios ran and every threshold held: no wrong response, < 1 % failed requests, something measured. */
  ok: boolean;
  crossed: string[];
  parts: PartResult[];
}

const STANDARD = new Set(['primary', 'iterations', 'checks', 'duration', 'waiting', 'failed', 'dropped']);

export function digest(plan: Plan, data: SummaryData): Digest {
  const values = (key: string | undefined) => (key === undefined ? undefined : data.metrics[key]?.values);
  const crossed = Object.entries(data.metrics).flatMap(([name, metric]) =>
    Object.entries(metric.thresholds ?? {}).filter(([, t]) => !t.ok).map(([condition]) => `${name}: ${condition}`)
  );
  const parts = plan.parts.map((part): PartResult => {
    const seconds = part.durationMs / 1000;
    const count = values(part.metrics.primary)?.count ?? 0;
    const checks = values(part.metrics.checks);
    const custom: Record<string, Record<string, number>> = {};
    for (const [name, key] of Object.entries(part.metrics)) {
      const metric = data.metrics[key];
      if (STANDARD.has(name) || !metric) continue;
      custom[name] = metric.type === 'counter'
        ? { ...metric.values, perSecond: (metric.values.count ?? 0) / seconds }
        : { ...metric.values };
    }
    const result: PartResult = {
      scenario: part.name,
      workload: part.workload,
      mode: part.mode,
      ...(part.mode === 'closed' ? { vus: part.vus } : { rate: part.rate }),
      startMs: part.startMs,
      warmupMs: part.warmupMs,
      durationMs: part.durationMs,
      count,
      perSecond: count / seconds,
      checks: { rate: checks?.rate ?? 0, passes: checks?.passes ?? 0, fails: checks?.fails ?? 0 },
      custom,
      metrics: part.metrics,
    };
    const latency = values(part.metrics.duration);
    if (latency) result.latencyMs = { ...latency };
    const failed = values(part.metrics.failed);
    if (failed) result.failedRate = failed.rate ?? 0;
    const dropped = values(part.metrics.dropped);
    if (dropped) result.dropped = dropped.count ?? 0;
    return result;
  });
  // k6 leaves setup_data out when setup() threw.
  const setup = data.setup_data as { offers?: string[]; segment?: string | null } | undefined;
  return {
    family: plan.family,
    baseUrl: plan.settings.baseUrl,
    ran: setup !== undefined,
    offers: setup?.offers ?? [],
    segment: setup?.segment ?? null,
    ok: setup !== undefined && crossed.length === 0,
    crossed,
    parts,
  };
}

const num = (n: number | undefined, digits = 2) => (n === undefined ? '-' : n.toFixed(digits));
const pct = (n: number | undefined) => (n === undefined ? '-' : `${(n * 100).toFixed(2)}%`);

/** A few lines for a person; machines read the JSON. */
export function textSummary(plan: Plan, d: Digest): string {
  const s = plan.settings;
  const load = (p: PartResult) => (p.mode === 'closed' ? `${p.vus} VUs` : `${p.rate}/s`);
  if (!d.ran) return `gauntlet ${d.family} → ${d.baseUrl}: no setup data (setup failed, see above), nothing measured\n`;
  const lines = [
    `gauntlet ${d.family} → ${d.baseUrl}: ${s.durationMs / 1000}s measured${
      s.warmupMs ? ` after ${s.warmupMs / 1000}s warm-up` : ''
    } per scenario${d.segment ? `; this runner ran segment ${d.segment} of the load shown` : ''}`,
    `${'scenario'.padEnd(20)} ${'load'.padStart(9)} ${'count'.padStart(9)} ${'per s'.padStart(10)} ${
      ['p50', 'p90', 'p99', 'max'].map((h) => `${h} ms`.padStart(9)).join(' ')
    } ${'failed'.padStart(7)} ${'checks'.padStart(8)}${d.parts.some((p) => p.dropped !== undefined) ? ' dropped' : ''}`,
  ];
  for (const p of d.parts) {
    const l = p.latencyMs ?? p.custom.ws_echo_rtt;
    lines.push(
      `${p.scenario.padEnd(20)} ${load(p).padStart(9)} ${String(p.count).padStart(9)} ${
        num(p.perSecond, 1).padStart(10)
      } ${[l?.['p(50)'], l?.['p(90)'], l?.['p(99)'], l?.max].map((v) => num(v).padStart(9)).join(' ')} ${
        pct(p.failedRate).padStart(7)
      } ${pct(p.checks.rate).padStart(8)}${p.dropped === undefined ? '' : ` ${p.dropped}`}`,
    );
  }
  lines.push(d.ok ? 'thresholds: all passed' : `thresholds CROSSED:\n  ${d.crossed.join('\n  ')}`);
  if (s.summaryJson) lines.push(`summary JSON: ${s.summaryJson}`);
  return lines.join('\n') + '\n';
}

/** The value of handleSummary: stdout, and the JSON file when SUMMARY_JSON is set. */
export function summarize(plan: Plan, data: SummaryData): Record<string, string> {
  const gauntlet = digest(plan, data);
  const out: Record<string, string> = { stdout: textSummary(plan, gauntlet) };
  if (plan.settings.summaryJson) out[plan.settings.summaryJson] = JSON.stringify({ ...data, gauntlet }, null, 2);
  return out;
}
