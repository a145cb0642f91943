/**
 * A made-up but plausible run of every target over the whole catalogue, for looking at the
 * report without running a benchmark (and for the report's end-to-end test). Deterministic.
 * Its figures are invented: the run id and the machine say so.
 *
 *   node bench/report/sample.ts <results-dir> [run-id]    writes <results-dir>/<run-id>/{run.json,cells/}
 *   npm run report -- sample --results <results-dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from '../../workloads/catalogue.ts';
import type { Endpoint } from '../../workloads/catalogue.ts';
import type { Cell, Figures, Repeat, RunMeta, Sample } from '../results.ts';
import { summarise } from '../run.ts';
import { CONTROL_WORKLOADS, targets } from '../targets.ts';

/** mulberry32: a small seeded generator, so the sample is the same every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Server CPU µs per request on a trivial GET, per target (roughly DESIGN §2's facts). */
const BASE_US: Record<string, number> = {
  node: 48,
  node22: 52,
  uws: 19,
  bun: 17,
  deno: 15,
  rust: 7.5,
  python: 130,
  'bare-node': 31,
  'bare-bun': 12,
  'bare-deno': 11,
};
const BASE_RSS_MIB: Record<string, number> = {
  node: 72,
  node22: 68,
  uws: 64,
  bun: 58,
  deno: 61,
  rust: 6,
  python: 48,
  'bare-node': 45,
  'bare-bun': 32,
  'bare-deno': 38,
};

/** How much costlier than a trivial GET each workload is, for a JS runtime. */
function weight(e: Endpoint): number {
  const byId: Record<string, number> = {
    'basic-plaintext': 1,
    'basic-json': 1.05,
    'basic-health': 1.4,
    'basic-echo': 1.8,
    'json-small': 1.3,
    'json-medium': 2.1,
    'json-large': 7,
    'query-few': 1.5,
    'query-medium': 2,
    'query-many': 2.8,
    'form-simple': 1.5,
    'form-complex': 2.6,
    'multipart-1k': 3,
    'multipart-10k': 4.5,
    'multipart-100k': 16,
    'mixed-post': 2.2,
    'sse-stream': 4,
    'ws-echo': 0.45,
    'stress-cpu': 900,
    'stress-memory': 1400,
  };
  if (byId[e.id] !== undefined) return byId[e.id]!;
  if (e.family === 'path') return 1.25;
  if (e.family === 'shortener') return 6;
  if (e.family === 'db') return e.id === 'db-queries' ? 30 : e.id === 'db-recipes' ? 14 : 8;
  return 2;
}

/** Python pays more than the others for parsing (seed 001's shape). */
const pythonFactor = (e: Endpoint) =>
  ({ query: 1.8, path: 1.3, json: e.id === 'json-large' ? 2.5 : 1.2, stress: 8 } as Record<string, number>)[e.family] ??
    1;

const OHA_CAP = 120_000, K6_CAP = 26_000, RATE = 200, DURATION = 10;

function driverOf(e: Endpoint): 'k6' | 'oha' {
  const plain = !['ws', 'sse', 'shortener'].includes(e.family);
  return plain && !e.heavy ? 'oha' : 'k6';
}

function repeatOf(
  target: string,
  e: Endpoint,
  repeat: number,
  rnd: () => number,
): Extract<Repeat, { state: 'ok' }> {
  const jitter = () => 1 + (rnd() - 0.5) * 0.08;
  const cpuUs = BASE_US[target]! * weight(e) * (target === 'python' ? pythonFactor(e) : 1) * jitter();
  const driver = driverOf(e);
  const cap = driver === 'oha' ? OHA_CAP : K6_CAP;
  const mode = e.heavy ? 'rate' : 'closed';
  const capacity = 1e6 / cpuUs;
  const throughput = mode === 'rate' ? RATE * (0.995 + rnd() * 0.005) : Math.min(capacity, cap * jitter());
  const bound = mode === 'closed' && capacity > cap;
  const busy = Math.min(1, throughput / capacity);
  const p50 = mode === 'rate' ? cpuUs / 1000 * 1.1 : (50 / throughput) * 1000 * 0.95;
  const rss = BASE_RSS_MIB[target]! * (e.id === 'stress-memory' ? 1 + 16 / BASE_RSS_MIB[target]! : 1) *
    (1 + rnd() * 0.05);
  const samples: Sample[] = Array.from({ length: DURATION * 4 }, (_, i) => ({
    t: (i + 1) / 4,
    serverCpuPct: Math.min(100, busy * 100 * (0.93 + rnd() * 0.07)),
    serverRssBytes: Math.round(rss * (0.9 + 0.1 * Math.min(1, i / 12)) * 2 ** 20),
    generatorCpuPct: bound ? 96 + rnd() * 3 : 40 + rnd() * 30,
  }));
  const extra: Record<string, number> = {};
  if (e.id === 'shortener-redirect') {
    extra.writers_per_s = throughput * 0.1;
    extra['broad-readers_per_s'] = throughput * 0.6;
    extra['celebrity-readers_per_s'] = throughput * 0.3;
  }
  if (e.family === 'sse') {
    extra.sse_events_per_s = throughput * 100;
    extra.sse_first_event_ms = p50 * 0.4;
  }
  const figures: Figures = {
    units: Math.round(throughput * DURATION),
    durationS: DURATION,
    throughput,
    errorRate: 0,
    latencyMs: { avg: p50 * 1.1, p50, p90: p50 * 1.6, p95: p50 * 2, p99: p50 * 3.2, max: p50 * 9 },
    serverCpuUsPerUnit: cpuUs,
    serverPeakRssBytes: Math.round(rss * 2 ** 20),
    serverEndRssBytes: Math.round(rss * 0.97 * 2 ** 20),
    generatorCpuPct: bound ? 97 : 55,
    generatorBound: bound,
    droppedIterations: 0,
    extra,
  };
  return { state: 'ok', repeat, figures, samples };
}

export function sampleRun(id = 'sample'): { run: RunMeta; cells: Cell[] } {
  const rnd = random(20_260_223);
  const cells: Cell[] = [];
  const skipped: RunMeta['skipped'] = [];
  const workloads = catalogue.map((e) => e.id);
  for (const e of catalogue) {
    for (const t of targets) {
      if (t.control && !CONTROL_WORKLOADS.includes(e.id)) {
        skipped.push({
          target: t.name,
          workload: e.id,
          reason: 'control targets serve only /plaintext, /json and POST /json/small',
        });
        continue;
      }
      // the baselines have no shortener or db family yet
      if ((t.name === 'rust' || t.name === 'python') && (e.family === 'shortener' || e.family === 'db')) {
        skipped.push({ target: t.name, workload: e.id, reason: `the target offers no ${e.needs.join(' or ')}` });
        continue;
      }
      const repeats: Repeat[] = [1, 2, 3].map((r) => repeatOf(t.name, e, r, rnd));
      if (t.name === 'python' && e.id === 'query-many') {
        repeats[1] = {
          state: 'failed',
          repeat: 2,
          reason: 'k6 exited 99: thresholds crossed (wrong responses or errors)',
        };
      }
      cells.push({
        target: t.name,
        workload: e.id,
        family: e.family,
        driver: driverOf(e),
        mode: e.heavy ? 'rate' : 'closed',
        unit: e.family === 'ws' ? 'message' : 'request',
        backend: e.needs.includes('db') ? 'embedded' : 'none',
        repeats,
        ...summarise(repeats),
      });
    }
  }
  const run: RunMeta = {
    id,
    startedAt: '2026-02-23T09:00:00Z',
    finishedAt: '2026-02-23T11:52:30Z',
    wallTimeS: 10_350,
    git: { commit: '0000000000000000000000000000000000000000', dirty: false },
    machine: {
      cpuModel: 'SAMPLE DATA — invented figures, not a measurement',
      cores: 2,
      kernel: '6.1.0',
      memoryBytes: 24 * 2 ** 30,
      os: 'Debian GNU/Linux 12 (bookworm)',
    },
    versions: {
      node: '24.21.0',
      node22: '22.23.3',
      bun: '1.4.5',
      deno: '2.9.6',
      hono: '4.13.19',
      rustc: '1.90.0',
      python: '3.11.2',
      fastapi: '0.115.0',
      k6: '1.3.0',
      oha: '1.10.0',
    },
    settings: {
      mode: 'closed',
      connections: 50,
      durationS: DURATION,
      warmupS: 3,
      repeats: 3,
      serverCores: '0',
      generatorCores: '1',
      driver: 'auto',
      backend: 'embedded',
      quick: false,
    },
    targets: targets.map((t) => ({ name: t.name, description: t.description, settings: t.settings })),
    workloads,
    cells: cells.map((c) => `cells/${c.target}__${c.workload}.json`),
    skipped,
  };
  return { run, cells };
}

if (import.meta.main) {
  const [dir, id = 'sample'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/report/sample.ts <results-dir> [run-id]');
    process.exit(2);
  }
  const { run, cells } = sampleRun(id);
  const runDir = join(dir, id);
  mkdirSync(join(runDir, 'cells'), { recursive: true });
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(run, null, 2) + '\n');
  for (const c of cells) {
    writeFileSync(join(runDir, 'cells', `${c.target}__${c.workload}.json`), JSON.stringify(c) + '\n');
  }
  console.log(`wrote ${runDir} (${cells.length} cells)`);
}
