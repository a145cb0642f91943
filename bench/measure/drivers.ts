/**
 * The load generators: k6 drives every workload; wrk (or oha) drives the plain request/response
 * ones in closed loop for peak throughput (k6 costs several times more CPU per request, oha about
 * twice wrk's). All run pinned to the generator cores and report machine-readable JSON — wrk
 * through bench/measure/wrk.lua — which is all we read.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Endpoint } from '../../contract/catalogue.ts';
import type { LatencyMs } from '../results/schema.ts';
import { K6Summary, LoadgenJson, OhaJson, WrkJson } from './inputs.ts';
import { cpuCount } from './cpus.ts';
import { K6, LOADGEN, OHA, WRK } from './machine.ts';
import { ROOT } from '../../targets/table.ts';

export type Driver = 'k6' | 'oha' | 'wrk' | 'loadgen';

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

const TOOL: Record<Driver, string> = { k6: K6, oha: OHA, wrk: WRK, loadgen: LOADGEN };

/**
 * The cheapest driver that can run a workload, of those installed: request/response workloads
 * (finite SSE streams included) on wrk (else oha) in closed loop; WebSocket echoes and every
 * fixed-rate run on loadgen (finite SSE streams on its `sse` mode, which also times the first
 * event); what nothing else can run (a varying request at a fixed rate) on k6.
 * Asking for a driver (not `auto`) uses it wherever it can run the workload.
 */
export function pickDriver(
  endpoint: Endpoint,
  mode: 'closed' | 'rate',
  wanted: 'auto' | Driver,
  installed: (d: Driver) => boolean = (d) => existsSync(TOOL[d]),
): Driver {
  const socket = endpoint.needs.includes('websocket');
  const closedHttp = !socket && mode === 'closed';
  const can: Record<Driver, boolean> = {
    k6: true,
    wrk: closedHttp,
    // Only wrk's script and k6 vary the request (a fresh URL each time).
    oha: closedHttp && !endpoint.vary,
    loadgen: (socket || mode === 'rate') && !endpoint.vary,
  };
  if (wanted !== 'auto') return can[wanted] ? wanted : 'k6';
  const order: Driver[] = mode === 'rate' || socket ? ['loadgen'] : ['wrk', 'oha'];
  return order.find((d) => can[d] && installed(d)) ?? 'k6';
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
  return fromK6Summary(JSON.parse(readFileSync(o.summaryPath, 'utf8')), result.code);
}

/**
 * The figures in the `gauntlet` digest our k6 scripts add to their summary (k6/summary.ts):
 * measured-phase counts per scenario; several scenarios (the shortener mix) add up.
 */
export function fromK6Summary(input: unknown, exitCode: number | null): Driven {
  const digest = K6Summary.parse(input).gauntlet;
  if (!digest.ran) {
    throw new Error(`k6 stopped before any load (exit ${exitCode}): the target's /health or the settings`);
  }
  const parts = digest.parts;
  const units = parts.reduce((n, p) => n + p.count, 0);
  const main = parts.reduce((a, b) => (b.count > a.count ? b : a));
  const ws = main.custom.ws_echo_rtt !== undefined;
  const trend = (ws ? main.custom.ws_echo_rtt : main.latencyMs) ?? {};
  const stat = (key: string) => trend[key] ?? NaN;
  const extra: Record<string, number> = {};
  for (const part of parts) {
    if (parts.length > 1) {
      extra[`${part.scenario}_rps`] = part.perSecond;
      const p99 = part.latencyMs?.['p(99)'];
      if (p99 !== undefined) extra[`${part.scenario}_p99_ms`] = p99;
    }
    for (const [name, values] of Object.entries(part.custom)) {
      if (values.perSecond !== undefined) extra[`${name}_per_s`] = values.perSecond;
      else if (values.avg !== undefined && name !== 'ws_echo_rtt') extra[`${name}_avg_ms`] = values.avg;
    }
  }
  const failedRate = ws
    ? 1 - main.checks.rate
    : parts.reduce((n, p) => n + (p.failedRate ?? 0) * p.count, 0) / Math.max(units, 1);
  return {
    units,
    durationS: main.durationMs / 1000,
    errorRate: failedRate,
    latencyMs: {
      avg: stat('avg'),
      p50: trend['p(50)'] ?? stat('med'),
      p90: stat('p(90)'),
      p95: stat('p(95)'),
      p99: stat('p(99)'),
      max: stat('max'),
    },
    droppedIterations: parts.reduce((n, p) => n + (p.dropped ?? 0), 0),
    extra,
    ...(digest.ok ? {} : { failure: `thresholds crossed: ${(digest.crossed ?? []).join('; ').slice(0, 400)}` }),
  };
}

async function oha(o: DriveOptions): Promise<Driven> {
  const { request } = o.endpoint;
  const cores = cpuCount(o.generatorCores);
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
export function fromOhaJson(input: unknown, expectedStatus: number): Driven {
  const data = OhaJson.parse(input);
  const statuses = Object.entries(data.statusCodeDistribution);
  const responses = statuses.reduce((n, [, c]) => n + c, 0);
  const wrongStatus = statuses.filter(([s]) => Number(s) !== expectedStatus).reduce((n, [, c]) => n + c, 0);
  // Requests cut off by the end of the run are not errors of the server.
  const errors = Object.entries(data.errorDistribution)
    .filter(([reason]) => !reason.includes('aborted due to deadline'))
    .reduce((n, [, c]) => n + c, 0);
  const seconds = data.summary.total;
  const p = data.latencyPercentiles;
  const ms = (s: number) => s * 1000;
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

/** What bench/measure/wrk.lua needs to vary the request as the catalogue says. */
export function varyEnv(endpoint: Endpoint): Record<string, string> {
  if (endpoint.vary === 'unique-url') {
    return { WRK_VARY: endpoint.vary, WRK_URL_PREFIX: `https://example.com/gauntlet/wrk/${Date.now().toString(36)}/` };
  }
  return {};
}

async function wrk(o: DriveOptions): Promise<Driven> {
  const { request } = o.endpoint;
  const env = {
    ...varyEnv(o.endpoint),
    WRK_METHOD: request.method,
    WRK_BODY: request.bodyFile ? `${ROOT}workloads/${request.bodyFile}` : '',
    WRK_HEADERS: Object.entries(request.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n'),
    WRK_JSON: o.summaryPath,
  };
  const threads = String(Math.min(cpuCount(o.generatorCores), o.connections));
  // wrk gives up on a request after 2 s by default; k6 after 60 s. The same 60 s here, so that a
  // slow target (CPU stress on one Python worker) is measured slow rather than as failed.
  const argv = [
    WRK,
    '-t',
    threads,
    '-c',
    String(o.connections),
    '-d',
    `${o.durationS}s`,
    '--timeout',
    '60s',
    '-s',
    `${ROOT}bench/measure/wrk.lua`,
  ];
  argv.push(o.baseUrl + request.path);
  const result = await runPinned(argv, o.generatorCores, env, o.onStart);
  if (result.code !== 0 || !existsSync(o.summaryPath)) {
    throw new Error(`wrk exited ${result.code}: ${result.stderr.slice(-600)}`);
  }
  return fromWrkJson(JSON.parse(readFileSync(o.summaryPath, 'utf8')));
}

/** The figures bench/measure/wrk.lua writes (microseconds). wrk counts statuses ≥ 400 as errors. */
export function fromWrkJson(input: unknown): Driven {
  const data = WrkJson.parse(input);
  const e = data.errors;
  const errors = e.connect + e.read + e.write + e.status + e.timeout;
  const ms = (us: number) => us / 1000;
  return {
    units: data.requests,
    durationS: data.durationUs / 1e6,
    errorRate: data.requests + e.connect === 0 ? 1 : errors / (data.requests + e.connect),
    latencyMs: {
      avg: ms(data.latencyUs.mean),
      p50: ms(data.latencyUs.p50),
      p90: ms(data.latencyUs.p90),
      p95: ms(data.latencyUs.p95),
      p99: ms(data.latencyUs.p99),
      max: ms(data.latencyUs.max),
    },
    droppedIterations: 0,
    extra: {},
  };
}

/** A share of dropped sends above which a fixed-rate window does not count (the target did not keep the rate). */
export const MAX_DROPPED_SHARE = 0.001;

/** An event stream the catalogue gives the exact body of: loadgen's `sse` mode checks it byte for byte. */
const sseExpected = (endpoint: Endpoint): string | undefined =>
  endpoint.needs.includes('stream') && endpoint.expect.kind === 'text' ? endpoint.expect.text : undefined;

/**
 * loadgen's command line for a workload: ws echoes, finite event streams (`sse`, every stream
 * compared with the body in `expectedBodyFile`), else `http`.
 */
export function loadgenArgv(o: DriveOptions, expectedBodyFile: string): string[] {
  const { request, expect } = o.endpoint;
  const common = ['--connections', String(o.connections), '--duration', `${o.durationS}s`, '--warmup', '0s'];
  if (expect.kind === 'websocket-echo') {
    // The catalogue's first message: text, or binary of its size.
    const [first] = expect.messages;
    const binary = first?.binaryBytes !== undefined;
    const size = binary ? first!.binaryBytes! : new TextEncoder().encode(first?.text ?? '').length;
    return [
      LOADGEN,
      'ws',
      '--url',
      o.baseUrl.replace(/^http/, 'ws') + request.path,
      ...common,
      '--size',
      String(size),
      ...(binary ? ['--binary'] : []),
      ...(o.mode === 'rate' ? ['--mode', 'rate', '--rate', String(o.rate)] : []),
    ];
  }
  const headers = Object.entries(request.headers ?? {}).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
  const status = String('status' in expect ? expect.status : 200);
  if (sseExpected(o.endpoint) !== undefined) {
    const url = o.baseUrl + request.path;
    const argv = [LOADGEN, 'sse', '--url', url, ...common, '--rate', String(o.rate), '--expect-status', status];
    return [...argv, '--expect-body-file', expectedBodyFile, ...headers];
  }
  return [
    LOADGEN,
    'http',
    '--url',
    o.baseUrl + request.path,
    ...common,
    '--rate',
    String(o.rate),
    '--method',
    request.method,
    '--expect-status',
    status,
    ...(request.bodyFile ? ['--body-file', `${ROOT}workloads/${request.bodyFile}`] : []),
    ...headers,
  ];
}

async function loadgen(o: DriveOptions): Promise<Driven> {
  const expectedBodyFile = `${o.summaryPath}.expected-body`;
  const expected = sseExpected(o.endpoint);
  if (expected !== undefined) writeFileSync(expectedBodyFile, expected);
  const argv = loadgenArgv(o, expectedBodyFile);
  argv.push('--out', o.summaryPath);
  const result = await runPinned(argv, o.generatorCores, {}, o.onStart);
  if (!existsSync(o.summaryPath)) {
    throw new Error(`loadgen exited ${result.code} without a report: ${result.stderr.slice(-600)}`);
  }
  return fromLoadgenJson(JSON.parse(readFileSync(o.summaryPath, 'utf8')));
}

/**
 * loadgen's report (microseconds); its own CPU per unit goes into `extra` as the driver's cost. For
 * event streams `extra` also has the time to first event — from a stream's intended start to its
 * first complete event — in milliseconds: `ttfe_ms_p50`, `ttfe_ms_p99`.
 */
export function fromLoadgenJson(input: unknown): Driven {
  const data = LoadgenJson.parse(input);
  const ms = (us: number) => us / 1000;
  const l = data.latency_us;
  const attempted = data.completed + data.errors;
  const droppedShare = data.scheduled ? data.dropped / data.scheduled : 0;
  const failure = !data.ok && data.errors > 0
    ? `loadgen errors: ${JSON.stringify(data.errors_by_kind)}`
    : droppedShare > MAX_DROPPED_SHARE
    ? `${data.dropped} of ${data.scheduled} sends dropped (${(droppedShare * 100).toFixed(2)}%; the limit is ${
      MAX_DROPPED_SHARE * 100
    }%)`
    : undefined;
  return {
    units: data.completed,
    durationS: data.duration_s,
    errorRate: attempted === 0 ? 1 : data.errors / attempted,
    latencyMs: { avg: ms(l.mean), p50: ms(l.p50), p90: ms(l.p90), p95: ms(l.p95), p99: ms(l.p99), max: ms(l.max) },
    droppedIterations: data.dropped,
    extra: {
      late: data.late,
      ...(data.cpu.us_per_unit === null ? {} : { driver_cpu_us_per_unit: data.cpu.us_per_unit }),
      ...(data.first_event_us
        ? { ttfe_ms_p50: ms(data.first_event_us.p50), ttfe_ms_p99: ms(data.first_event_us.p99) }
        : {}),
    },
    ...(failure ? { failure } : {}),
  };
}

/** Runs the driver; a finite event stream's events per second follow from its streams per second. */
export async function drive(driver: Driver, options: DriveOptions): Promise<Driven> {
  const driven = await { k6, wrk, oha, loadgen }[driver](options);
  const events = Number(new URL(options.endpoint.request.path, 'http://x').searchParams.get('events'));
  if (driver !== 'k6' && options.endpoint.needs.includes('stream') && events > 0) {
    driven.extra.sse_events_per_s = (driven.units / driven.durationS) * events;
  }
  return driven;
}
