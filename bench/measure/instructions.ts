/**
 * Instructions per request under callgrind: a cost the host's noise cannot move (DESIGN §4,
 * "noise-free cost"). Each target starts under `valgrind --tool=callgrind`; per workload, one
 * keep-alive connection sends the warm-up requests one after another, the counters are zeroed, the
 * measured requests follow, and the counters are dumped: instructions per request = Ir ÷ N.
 *
 * Threads: callgrind keeps one cost set per process for all of its threads (`--separate-threads=no`,
 * its default, and valgrind runs one thread at a time), so each dump counts every thread — V8's
 * and JSC's compiler and GC threads, tokio's, Python's — once. Processes: `--trace-children=yes`
 * puts the target's whole tree under callgrind (the shell of a wrapper script, gunicorn's arbiter,
 * Granian's supervisor), and the figure sums the dumps of the tree's processes; each run records
 * every process's share. User space only: the kernel's work for a request (syscalls, the network
 * stack) is not counted, so the figure sits beside CPU µs/request and is never mixed with it.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byId, type Endpoint, type Need } from '../../contract/catalogue.ts';
import { mismatches, type Observed } from '../../contract/expect.ts';
import { type Health, healthReport, offers } from '../../contract/health.ts';
import { fixture, fixtureText } from '../../conformance/harness.ts';
import { start, type Started } from '../../targets/process.ts';
import { notServed as notServedBy, targetByName } from '../../targets/table.ts';
import { honoOverBare, overRuns } from '../results/instructions.ts';
import { envText, Instructions, type InstructionsCell, type InstructionsRun } from '../results/schema.ts';
import { processTree } from './cgroup.ts';
import { gitState } from './machine.ts';
import { backendOf } from './run.ts';
import { runtimeEnv } from './runtime-env.ts';
import { dataEnv, resetsData, services, ServicesStatus, ServicesUp } from './services.ts';

export interface InstructionsOptions {
  targets: string[];
  workloads: string[];
  /** Requests before counting starts, so that the JITs have compiled the request path. */
  warmup: number;
  /** Requests counted in each window. */
  measured: number;
  /**
   * Windows counted one after the other, each of `measured` requests (counters zeroed before each),
   * every one recorded: a run's figure is all of them together (instructions ÷ requests), so a
   * collector whose cycle is longer than a window (Deno's and Bun's windows of 2,000 requests vary
   * up to 2.5× here, most likely their collectors) is paid at its average, and the spread of the windows shows how steady it is.
   */
  windows: number;
  /** Whole measurements, each on a fresh start of every target: how far they agree is the determinism check. */
  runs: number;
  /**
   * Keep-alive connections the requests are spread over, each sending its next request once it has
   * its last answer (1: one after another). More puts the server under concurrency, as the bench's
   * closed loop does: requests in flight together, their objects alive together.
   */
  connections?: number;
  /** Longest a target may take to answer /health under valgrind (20–100× slower than native). */
  startTimeoutS?: number;
  /** Longest one workload's warm-up and measured requests may take together. */
  workloadTimeoutS?: number;
  /**
   * The data workloads' database and cache: the app's embedded ones (PGlite in the server's process,
   * counted with it), or Postgres and Redis, which scripts/services.sh brings up and puts back to
   * the seed before each data workload, as the bench does (`--services`; their own work runs outside
   * callgrind and is not counted: the figure is the target's pool and driver).
   */
  backend?: 'embedded' | 'services';
  /**
   * How long the warm-up may get 503 `unavailable` before its first correct answer, each sent again.
   * Under valgrind the server runs ~50× slower, and a pool's first connections (db-queries' 20 reads
   * at once open up to 16, each authenticating) take longer than its 2-s connect timeout: those reads
   * answer 503 until the connections are open. Once one answer is correct, and in every counted
   * window, a 503 fails the cell as any wrong answer does.
   */
  unavailableGraceS?: number;
}

export const INSTRUCTIONS_DEFAULTS = {
  workloads: ['basic-json', 'json-small'],
  // V8 still compiles a function now and then after 12,000 requests (Node 24's windows of GET /json and
  // POST /json/small after 12,000: 161k, 141k, then 127k ±0.3 %); 20,000 leaves most of that behind.
  warmup: 20000,
  measured: 2000,
  windows: 5,
  runs: 2,
  connections: 1,
  startTimeoutS: 300,
  workloadTimeoutS: 1200,
  backend: 'embedded',
  // Node 22, Bun and Deno under callgrind answered db-queries with 503 for up to ~20 s on Postgres.
  unavailableGraceS: 120,
} as const;

/** The pause before a warm-up request that got a 503 is sent again. */
const RETRY_MS = 250;

/** One request's limit: a server that stops answering fails the cell instead of hanging the run. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The prefix of every target's command; `dir` holds callgrind's output files and vgdb's FIFOs. */
export const callgrindCommand = (dir: string): string[] => [
  'valgrind',
  '--tool=callgrind',
  // V8 and JSC write machine code into anonymous memory and rewrite it: valgrind must notice.
  '--smc-check=all-non-file',
  '--trace-children=yes',
  // A serve script's build step is not the server (and esbuild's Go runtime crashes under valgrind).
  '--trace-children-skip=*build.sh',
  '--trace-children-skip-by-arg=*build.sh,*build.ts',
  `--vgdb-prefix=${join(dir, 'vgdb')}`,
  `--callgrind-out-file=${join(dir, 'callgrind.out.%p')}`,
];

/** One callgrind output file: whose it is and its total `Ir`. */
export interface CallgrindDump {
  pid: number;
  command: string;
  instructions: number;
}

/**
 * The `Ir` total of a callgrind output file: its `totals:` line, which is the sum of the file's
 * cost lines (`summary:` only when there is no `totals:`: callgrind writes a `summary:` that can
 * fall short of the costs after a zeroing). Missing trailing columns are zero (the format says so).
 */
export function parseCallgrindOut(text: string): CallgrindDump {
  const header = (key: string) => new RegExp(`^${key}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const events = header('events')?.split(/\s+/) ?? [];
  const column = events.indexOf('Ir');
  if (column < 0) throw new Error('not a callgrind output file counting Ir: no "events:" line naming Ir');
  const totals = header('totals') ?? header('summary');
  if (totals === undefined) throw new Error('the callgrind output file has no "totals:" or "summary:" line');
  const value = totals.split(/\s+/)[column] ?? '0';
  if (!/^[0-9]+$/.test(value)) throw new Error(`the callgrind totals line is not a count: ${JSON.stringify(totals)}`);
  return { pid: Number(header('pid') ?? NaN), command: header('cmd') ?? '', instructions: Number(value) };
}

/** `perf stat -e instructions -x, true` as it ran: what it printed on stderr, or why it did not run. */
export interface PerfProbe {
  error?: string;
  status: number | null;
  stderr: string;
  /** Whether the kernel lists a `cpu` PMU (/sys/bus/event_source/devices/cpu). */
  cpuPmu: boolean;
}

/** Whether perf counted instructions, from its CSV output (`value,unit,event,…`); if not, why. */
export function perfVerdict(p: PerfProbe): { available: boolean; reason?: string } {
  if (p.error) return { available: false, reason: `perf is not usable: ${p.error}` };
  const line = p.stderr.split('\n').map((l) => l.split(',')).find((f) => f[2]?.startsWith('instructions'));
  const value = line?.[0]?.trim();
  if (value !== undefined && /^[0-9]+$/.test(value) && Number(value) > 0) return { available: true };
  const pmu = p.cpuPmu ? '' : ': the kernel exposes no hardware PMU (no /sys/bus/event_source/devices/cpu; a VM ' +
    'without a virtual PMU)';
  if (value !== undefined) return { available: false, reason: `perf stat -e instructions counts ${value}${pmu}` };
  const said = p.stderr.trim().split('\n')[0] ?? '';
  return { available: false, reason: `perf stat -e instructions failed (exit ${p.status}): ${said}${pmu}` };
}

/** Runs the probe on this machine. Only detects: perf is never installed from here. */
export function perfCounters(): { available: boolean; reason?: string } {
  const r = spawnSync('perf', ['stat', '-e', 'instructions', '-x,', 'true'], { encoding: 'utf8', timeout: 30_000 });
  return perfVerdict({
    ...(r.error
      ? { error: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : r.error.message }
      : {}),
    status: r.status,
    stderr: r.stderr ?? '',
    cpuPmu: existsSync('/sys/bus/event_source/devices/cpu'),
  });
}

/** `valgrind --version`, or why valgrind cannot be run. */
function valgrindVersion(): { version: string } | { missing: string } {
  const r = spawnSync('valgrind', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    return { missing: `valgrind is not usable here (${r.error?.message ?? `valgrind --version exited ${r.status}`})` };
  }
  return { version: r.stdout.trim() };
}

/**
 * A monitor command (`zero`, `dump <hint>`) to one callgrind process — what `callgrind_control -z`
 * and `--dump` send, but through vgdb itself, because callgrind_control exits 0 even when vgdb
 * cannot reach the process. vgdb finds it by FIFOs named after the prefix, the user and $HOST;
 * start() gives the target HOST=127.0.0.1, so vgdb gets it too.
 */
function monitor(dir: string, pid: number, command: string): void {
  const r = spawnSync('vgdb', [`--vgdb-prefix=${join(dir, 'vgdb')}`, `--pid=${pid}`, ...command.split(' ')], {
    env: { ...process.env, HOST: '127.0.0.1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error || r.status !== 0) {
    const said = r.stderr?.trim().split('\n').at(-1) ?? '';
    throw new Error(`vgdb ${command} to pid ${pid} failed (${r.error?.message ?? `exit ${r.status}`}): ${said}`);
  }
}

/** The processes of the target's tree that run under callgrind (a skipped build step does not). */
function callgrindPids(root: number): number[] {
  return processTree(root).filter((pid) => {
    try {
      return /\/callgrind-[^/]+$/.test(readlinkSync(`/proc/${pid}/exe`));
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Dumps each process's counters and reads the files the dump wrote: one per process. */
function dumpAll(dir: string, pids: number[]): CallgrindDump[] {
  const before = new Set(readdirSync(dir));
  for (const pid of pids) monitor(dir, pid, 'dump gauntlet-measured');
  const dumps = readdirSync(dir)
    .filter((f) => !before.has(f) && /^callgrind\.out\.[0-9]+\.[0-9]+$/.test(f))
    .map((f) => parseCallgrindOut(readFileSync(join(dir, f), 'utf8')))
    .filter((d) => pids.includes(d.pid));
  const missing = pids.filter((pid) => !dumps.some((d) => d.pid === pid));
  if (missing.length > 0) throw new Error(`callgrind wrote no dump for pid ${missing.join(', ')}`);
  return dumps;
}

/** The workload's request, sent again and again over `connections` keep-alive connections, every response checked. */
export interface Client {
  /**
   * Sends `count` requests that each get a correct answer, by `deadline` (ms since the epoch). Until
   * `graceUntil` (ms since the epoch; none when absent), a request sent before the first correct
   * answer that gets a 503 is sent again; resolves to how many such 503s there were.
   */
  send(count: number, phase: string, deadline: number, graceUntil?: number): Promise<number>;
  /** TCP connections opened so far. */
  connections(): number;
  close(): void;
}

export function keepAliveClient(baseUrl: string, endpoint: Endpoint, connections: number): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const { method, path, headers, bodyFile } = endpoint.request;
  const body = bodyFile ? fixture(bodyFile) : undefined;
  const sockets = new Set<Socket>();
  const texts = new Map<string, string>();
  const readFixture = (file: string) => texts.get(file) ?? texts.set(file, fixtureText(file)).get(file)!;
  const once = () =>
    new Promise<Observed>((resolve, reject) => {
      const req = httpRequest(baseUrl + path, {
        agent,
        method,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        timeout: REQUEST_TIMEOUT_MS,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
            ...(res.headers.location ? { location: res.headers.location } : {}),
          }));
      });
      req.on('socket', (s: Socket) => sockets.add(s));
      req.on('timeout', () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });
  return {
    send: async (count, phase, deadline, graceUntil = 0) => {
      let answered = false;
      let unavailable = 0;
      await inLoops(count, connections, async (i) => {
        for (;;) {
          if (Date.now() > deadline) throw new Error(`out of time: ${phase} request ${i} of ${count} not yet sent`);
          const beforeAnswer = !answered;
          const observed = await once();
          const problems = mismatches(endpoint.expect, observed, readFixture);
          if (problems.length === 0) {
            answered = true;
            return;
          }
          if (observed.status === 503 && beforeAnswer && Date.now() < graceUntil) {
            unavailable++;
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
            continue;
          }
          const retried = unavailable > 0 && !answered
            ? ` (after ${unavailable} 503 answers sent again, none correct within the grace)`
            : '';
          throw new Error(`${phase} request ${i}: ${problems.join('; ')}${retried}`);
        }
      });
      return unavailable;
    },
    connections: () => sockets.size,
    close: () => agent.destroy(),
  };
}

/**
 * Requests 1 to `count`, each `send(i)` once, in `loops` loops at once: a loop takes the next number
 * once its last request is answered, so no loop waits on another and the total is exactly `count`.
 * The first failure rejects.
 */
export async function inLoops(count: number, loops: number, send: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const loop = async () => {
    for (let i = ++next; i <= count; i = ++next) await send(i);
  };
  await Promise.all(Array.from({ length: Math.min(loops, count) }, loop));
}

/** A cell's outcome in one run. */
type Outcome = { run: InstructionsRun } | { unavailable: string };

/** The first line of an error, and the last lines of the server's output it carries (valgrind's complaint). */
function reasonOf(err: unknown): string {
  const [first = '', ...rest] = (err as Error).message.split('\n');
  const tail = rest.map((l) => l.trim()).filter(Boolean).slice(-3).join(' | ');
  return (tail ? `${first} — ${tail}` : first).slice(0, 700);
}

/** A started target's /health, read once for all its workloads. */
interface TargetHealth {
  body: string;
  offers: Need[];
  report: Partial<Health>;
}

/**
 * One workload on a started target: (on services, back to the seed), warm up, zero, send the
 * measured requests, dump, sum.
 */
async function countWorkload(
  server: Started,
  endpoint: Endpoint,
  health: TargetHealth,
  o: Required<InstructionsOptions>,
  dir: string,
): Promise<Outcome> {
  const missing = endpoint.needs.filter((n) => !health.offers.includes(n));
  if (missing.length > 0) return { unavailable: `the target offers no ${missing.join(' or ')}` };
  // The backend instructions.json records is the one counted: not PGlite on a services run, nor a
  // DATABASE_URL of the environment (which every target inherits) on an embedded one.
  const reached = backendOf(endpoint, health.report);
  if (reached !== 'none' && reached !== o.backend) {
    return { unavailable: `its database is not the ${o.backend} one of this run (its /health: ${health.body})` };
  }
  const client = keepAliveClient(server.baseUrl, endpoint, o.connections);
  try {
    if (o.backend === 'services' && resetsData(endpoint)) services(ServicesStatus, 'reset');
    const t0 = performance.now();
    const deadline = Date.now() + o.workloadTimeoutS * 1000;
    const warmupUnavailable = await client.send(o.warmup, 'warm-up', deadline, Date.now() + o.unavailableGraceS * 1000);
    const windows: number[] = [];
    const processes = new Map<string, number>();
    let instructions = 0;
    for (let w = 0; w < o.windows; w++) {
      const zeroed = callgrindPids(server.child.pid!);
      if (zeroed.length === 0) throw new Error('no process of the target runs under callgrind');
      for (const pid of zeroed) monitor(dir, pid, 'zero');
      await client.send(o.measured, 'measured', deadline);
      // Processes started since the zeroing count whole: all they did falls in the measured window.
      const dumps = dumpAll(dir, callgrindPids(server.child.pid!));
      const inWindow = dumps.reduce((sum, d) => sum + d.instructions, 0);
      windows.push(inWindow / o.measured);
      instructions += inWindow;
      for (const d of dumps) processes.set(d.command, (processes.get(d.command) ?? 0) + d.instructions);
    }
    return {
      run: {
        instructions,
        instructionsPerRequest: instructions / (o.windows * o.measured),
        windows,
        processes: [...processes].map(([command, n]) => ({ command, instructions: n })),
        connections: client.connections(),
        wallTimeS: Math.round((performance.now() - t0) / 100) / 10,
        ...(warmupUnavailable > 0 ? { warmupUnavailable } : {}),
      },
    };
  } catch (err) {
    return { unavailable: reasonOf(err) };
  } finally {
    client.close();
  }
}

/** One run of one target: start it under callgrind, count each workload in turn, stop it. */
async function countTarget(
  name: string,
  endpoints: Endpoint[],
  o: Required<InstructionsOptions>,
  /** DATABASE_URL and REDIS_URL, on a services run. */
  serviceEnv: Record<string, string> | undefined,
  scratch: string,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const dir = mkdtempSync(join(scratch, `${name}-`));
  let server: Started | undefined;
  try {
    server = await start(targetByName(name), {
      wrap: callgrindCommand(dir),
      env: dataEnv(serviceEnv, endpoints),
      timeoutMs: o.startTimeoutS * 1000,
    });
    const body = await (await fetch(`${server.baseUrl}/health`)).text();
    const health = { body, offers: offers(body), report: healthReport(body) };
    for (const e of endpoints) outcomes.set(e.id, await countWorkload(server, e, health, o, dir));
  } catch (err) {
    const reason = server ? reasonOf(err) : `did not start under valgrind: ${reasonOf(err)}`;
    for (const e of endpoints) if (!outcomes.has(e.id)) outcomes.set(e.id, { unavailable: reason });
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return outcomes;
}

/** Why a target does not serve a workload here, or undefined when it does. */
function notServed(target: string, endpoint: Endpoint): { reason: string; notImplemented?: boolean } | undefined {
  const undeclared = notServedBy(targetByName(target), endpoint);
  if (undeclared) return undeclared;
  if (endpoint.expect.kind === 'websocket-echo') return { reason: 'a WebSocket echo: this counts HTTP requests' };
  return undefined;
}

const perRequestText = (n: number) => `${Math.round(n).toLocaleString('en')} instructions/request`;

/**
 * Each window's figure, in thousands: a window far above the others (a collection or a compile
 * that fell in it) shows here, paid in the figure at its average.
 */
export const windowsText = (windows: readonly number[] | undefined): string =>
  windows && windows.length > 0 ? windows.map((w) => `${(w / 1000).toFixed(1)}k`).join(' ') : 'not recorded';

/**
 * Counts every target × workload `runs` times, run-major (each run starts every target afresh),
 * and returns instructions.json. A cell that fails in one run is not tried again: it is reported
 * unavailable with the reason. Never throws for a target: every failure becomes a reason.
 */
export async function measureInstructions(
  options: InstructionsOptions,
  log: (line: string) => void,
): Promise<Instructions> {
  const o: Required<InstructionsOptions> = {
    startTimeoutS: INSTRUCTIONS_DEFAULTS.startTimeoutS,
    workloadTimeoutS: INSTRUCTIONS_DEFAULTS.workloadTimeoutS,
    connections: INSTRUCTIONS_DEFAULTS.connections,
    backend: INSTRUCTIONS_DEFAULTS.backend,
    unavailableGraceS: INSTRUCTIONS_DEFAULTS.unavailableGraceS,
    ...options,
  };
  const startedAt = new Date();
  // As the bench's --services: both up (installed and seeded when missing), their URLs to every target.
  const up = o.backend === 'services' ? services(ServicesUp, 'up') : undefined;
  const serviceEnv = up && { DATABASE_URL: up.DATABASE_URL, REDIS_URL: up.REDIS_URL };
  if (up) log(`services: Postgres ${up.postgres} and Redis ${up.redis} (${up.DATABASE_URL}, ${up.REDIS_URL})`);
  const valgrind = valgrindVersion();
  const perf = perfCounters();
  log(`perf: ${perf.available ? 'hardware instruction counter available' : perf.reason}`);
  const runs = new Map<string, InstructionsRun[]>();
  const unavailable = new Map<string, { reason: string; notImplemented?: boolean }>();
  const key = (target: string, workload: string) => `${target} ${workload}`;
  const plan = o.targets.map((target) => {
    const endpoints = o.workloads.map(byId).filter((e) => {
      const why = 'missing' in valgrind ? { reason: valgrind.missing } : notServed(target, e);
      if (why) unavailable.set(key(target, e.id), why);
      return !why;
    });
    return { target, endpoints };
  });
  const total = o.runs * plan.reduce((n, p) => n + p.endpoints.length, 0);
  const env = runtimeEnv();
  if (Object.keys(env).length > 0) log(`bench:instructions: WARNING: every target inherits ${envText(env)}`);
  let done = 0;
  const scratch = mkdtempSync(join(tmpdir(), 'gauntlet-callgrind-'));
  try {
    for (let run = 1; run <= o.runs; run++) {
      for (const { target, endpoints } of plan) {
        const live = endpoints.filter((e) => !unavailable.has(key(target, e.id)));
        if (live.length === 0) continue;
        const outcomes = await countTarget(target, live, o, serviceEnv, scratch);
        for (const e of live) {
          const outcome = outcomes.get(e.id)!;
          done++;
          if ('unavailable' in outcome) {
            unavailable.set(key(target, e.id), { reason: `run ${run}: ${outcome.unavailable}` });
            log(`[${done}/${total}] r${run} ${e.id} on ${target}: UNAVAILABLE ${outcome.unavailable}`);
            continue;
          }
          const cell = runs.get(key(target, e.id)) ?? [];
          runs.set(key(target, e.id), [...cell, outcome.run]);
          const r = outcome.run;
          log(
            `[${done}/${total}] r${run} ${e.id} on ${target}: ${perRequestText(r.instructionsPerRequest)} ` +
              `(windows ${windowsText(r.windows)}; ${r.processes.length} process${
                r.processes.length === 1 ? '' : 'es'
              }, ${r.connections} connection${r.connections === 1 ? '' : 's'}, ${r.wallTimeS} s${
                r.warmupUnavailable
                  ? `; warm-up 503${r.warmupUnavailable === 1 ? '' : 's'} sent again: ${r.warmupUnavailable}`
                  : ''
              })`,
          );
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const cells: InstructionsCell[] = o.targets.flatMap((target) =>
    o.workloads.map((workload): InstructionsCell => {
      const why = unavailable.get(key(target, workload));
      if (why) {
        return { target, workload, unavailable: why.reason, ...(why.notImplemented ? { notImplemented: true } : {}) };
      }
      const counted = runs.get(key(target, workload))!;
      return {
        target,
        workload,
        ...overRuns(counted.map((r) => r.instructionsPerRequest)),
        runs: counted,
        warmup: o.warmup,
        measured: o.measured,
        windows: o.windows,
        valgrind: 'version' in valgrind ? valgrind.version : '',
      };
    })
  );
  return Instructions.parse({
    startedAt: startedAt.toISOString(),
    wallTimeS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    git: gitState(),
    valgrind: 'version' in valgrind ? valgrind.version : valgrind.missing,
    command: callgrindCommand('<scratch>'),
    settings: {
      warmup: o.warmup,
      measured: o.measured,
      windows: o.windows,
      runs: o.runs,
      ...(o.connections === 1 ? {} : { connections: o.connections }),
      ...(Object.keys(env).length > 0 ? { runtimeEnv: env } : {}),
      backend: o.backend,
    },
    ...(up ? { services: { postgres: up.postgres, redis: up.redis } } : {}),
    perf,
    cells,
    honoOverBare: honoOverBare(cells),
  });
}

/** Writes `<dir>/instructions.json` (validated) and returns its path: what the orchestrator calls after a full run. */
export function writeInstructions(dir: string, result: Instructions): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'instructions.json');
  writeFileSync(file, JSON.stringify(Instructions.parse(result), null, 2) + '\n');
  return file;
}
