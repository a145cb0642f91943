/**
 * The load generators: k6 drives every workload; oha drives the plain request/response ones in
 * closed loop for peak throughput (k6 costs several times more CPU per request). Both run
 * pinned to the generator cores and report machine-readable JSON, which is all we read.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Endpoint } from '../workloads/catalogue.ts';
import type { LatencyMs } from './results.ts';
import { K6, OHA } from './machine.ts';
import { ROOT } from './targets.ts';

export type Driver = 'k6' | 'oha';

export interface DriveOptions {
  baseUrl: string;
  endpoint: Endpoint;
  mode: 'closed' | 'rate';
  connections: number;
  rate?: number;
  durationS: number;
  generatorCores: string;
  /** Where k6 writes its summary. */
  summaryPath: string;
  /** Called with the generator's pid once it runs, for CPU sampling. */
  onStart(pid: number): void;
}

export interface Driven {
  units: number;
  durationS: number;
  errorRate: number;
  latencyMs: LatencyMs;
  droppedIterations: number;
  extra: Record<string, number>;
  /** Set when the generator says the run is not valid (thresholds crossed: wrong responses). */
  failure?: string;
}

/** oha for plain request/response workloads in closed loop; k6 for the rest. */
export function pickDriver(endpoint: Endpoint, mode: 'closed' | 'rate', wanted: 'auto' | Driver): Driver {
  const plain = !['ws', 'sse', 'shortener'].includes(endpoint.family) && endpoint.expect.kind !== 'websocket-echo';
  if (wanted === 'oha') return plain && mode === 'closed' ? 'oha' : 'k6';
  if (wanted === 'k6') return 'k6';
  return plain && mode === 'closed' && existsSync(OHA) ? 'oha' : 'k6';
}

function runPinned(argv: string[], cores: string, env: Record<string, string>, onStart: (pid: number) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('taskset', ['-c', cores, ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('spawn', () => onStart(child.pid!));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// deno-lint-ignore no-explicit-any
type Json = any;

async function k6(o: DriveOptions): Promise<Driven> {
  const env: Record<string, string> = {
    K6_NO_USAGE_REPORT: 'true',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
  };
  const vars = {
    BASE_URL: o.baseUrl,
    WORKLOAD: o.endpoint.id,
    MODE: o.mode,
    VUS: String(o.connections),
    DURATION: `${o.durationS}s`,
    SUMMARY_JSON: o.summaryPath,
    ...(o.rate ? { RATE: String(o.rate) } : {}),
  };
  const argv = [K6, 'run', '--no-usage-report', '--address', '', '--quiet', '--no-color'];
  for (const [k, v] of Object.entries(vars)) argv.push('-e', `${k}=${v}`);
  argv.push(`workloads/${o.endpoint.family}.js`);
  const result = await runPinned(argv, o.generatorCores, env, o.onStart);
  if (!existsSync(o.summaryPath)) {
    throw new Error(`k6 exited ${result.code} without a summary: ${result.stderr.slice(-600)}`);
  }
  return fromK6Summary(JSON.parse(readFileSync(o.summaryPath, 'utf8')), o.durationS, result.code);
}

/** The figures in a k6 `handleSummary` data object. */
export function fromK6Summary(data: Json, durationS: number, exitCode: number | null): Driven {
  const m = data.metrics ?? {};
  const value = (name: string, stat: string): number => Number(m[name]?.values?.[stat] ?? NaN);
  const ws = m.ws_msgs !== undefined;
  const trend = ws ? 'ws_echo_rtt' : 'http_req_duration';
  const units = ws ? value('ws_msgs', 'count') : value('http_reqs', 'count');
  const extra: Record<string, number> = {};
  for (const [name, metric] of Object.entries(m) as [string, Json][]) {
    if (metric.type === 'counter' && !['http_reqs', 'iterations', 'data_sent', 'data_received'].includes(name)) {
      extra[`${name}_per_s`] = Number(metric.values.rate);
    }
  }
  if (m.sse_events) extra.sse_first_event_ms = value('http_req_waiting', 'avg');
  const failed = exitCode === 99
    ? 'thresholds crossed (wrong responses or errors): see checks'
    : exitCode !== 0
    ? `k6 exited ${exitCode}`
    : undefined;
  return {
    units,
    durationS: Number(data.state?.testRunDurationMs ?? durationS * 1000) / 1000,
    errorRate: ws ? 1 - Number(m.checks?.values?.rate ?? 1) : Number(m.http_req_failed?.values?.rate ?? 0),
    latencyMs: {
      avg: value(trend, 'avg'),
      p50: value(trend, 'p(50)') || value(trend, 'med'),
      p90: value(trend, 'p(90)'),
      p95: value(trend, 'p(95)'),
      p99: value(trend, 'p(99)'),
      max: value(trend, 'max'),
    },
    droppedIterations: Number(m.dropped_iterations?.values?.count ?? 0),
    extra,
    ...(failed ? { failure: failed } : {}),
  };
}

async function oha(o: DriveOptions): Promise<Driven> {
  const { request } = o.endpoint;
  const cores = o.generatorCores.split(',').length;
  const argv = [
    OHA,
    '-z',
    `${o.durationS}s`,
    '-c',
    String(o.connections),
    '--no-tui',
    '--output-format',
    'json',
    '--worker-threads',
    String(cores),
    '--disable-compression',
    '-m',
    request.method,
  ];
  for (const [k, v] of Object.entries(request.headers ?? {})) argv.push('-H', `${k}: ${v}`);
  if (request.bodyFile) argv.push('-D', `${ROOT}workloads/${request.bodyFile}`);
  argv.push(o.baseUrl + request.path);
  const result = await runPinned(argv, o.generatorCores, {}, o.onStart);
  if (result.code !== 0) throw new Error(`oha exited ${result.code}: ${result.stderr.slice(-600)}`);
  return fromOhaJson(
    JSON.parse(result.stdout),
    o.endpoint.expect.kind === 'websocket-echo' ? 101 : o.endpoint.expect.status,
  );
}

/** The figures in oha's JSON output (seconds, except metrics.latency_ms). */
export function fromOhaJson(data: Json, expectedStatus: number): Driven {
  const statuses = Object.entries(data.statusCodeDistribution ?? {}) as [string, number][];
  const responses = statuses.reduce((n, [, c]) => n + c, 0);
  const wrongStatus = statuses.filter(([s]) => Number(s) !== expectedStatus).reduce((n, [, c]) => n + c, 0);
  // Requests cut off by the end of the run are not errors of the server.
  const errors = (Object.entries(data.errorDistribution ?? {}) as [string, number][])
    .filter(([reason]) => !reason.includes('aborted due to deadline'))
    .reduce((n, [, c]) => n + c, 0);
  const seconds = Number(data.summary.total);
  const p = data.latencyPercentiles ?? {};
  const ms = (s: unknown) => Number(s) * 1000;
  return {
    units: responses,
    durationS: seconds,
    errorRate: responses + errors === 0 ? 1 : (wrongStatus + errors) / (responses + errors),
    latencyMs: {
      avg: ms(data.summary.average),
      p50: ms(p.p50),
      p90: ms(p.p90),
      p95: ms(p.p95),
      p99: ms(p.p99),
      max: ms(data.summary.slowest),
    },
    droppedIterations: 0,
    extra: {},
  };
}

export function drive(driver: Driver, options: DriveOptions): Promise<Driven> {
  return driver === 'k6' ? k6(options) : oha(options);
}
