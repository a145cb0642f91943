/**
 * A small fixed run whose medians are known, for the report's tests: targets node, bun, rust,
 * python and bare-node over json-small, db-recipes and shortener-redirect, with one
 * generator-bound cell (bun, json-small), one failed repeat (python, db-recipes), cells on the
 * embedded backend (node and bun, db-recipes) and a shortener mix with per-role rates.
 */
import type { Cell, Figures, Repeat, RunMeta } from '../results/schema.ts';
import { cellMedians } from '../results/summary.ts';

const MiB = 2 ** 20;

interface RepeatSpec {
  rps: number;
  cpuUs: number;
  p99?: number;
  bound?: boolean;
  extra?: Record<string, number>;
}

function ok(repeat: number, s: RepeatSpec): Repeat {
  const p99 = s.p99 ?? 10;
  const figures: Figures = {
    units: s.rps * 10,
    durationS: 10,
    throughput: s.rps,
    errorRate: 0,
    latencyMs: { avg: p99 / 3, p50: p99 / 4, p90: p99 / 2, p95: p99 / 1.5, p99, max: p99 * 2 },
    serverCpuUsPerUnit: s.cpuUs,
    serverPeakRssBytes: 64 * MiB,
    serverEndRssBytes: 60 * MiB,
    generatorCpuPct: s.bound ? 97 : 50,
    generatorBound: s.bound ?? false,
    droppedIterations: 0,
    extra: s.extra ?? {},
  };
  const samples = [0.25, 0.5, 0.75, 1].map((t) => ({
    t,
    serverCpuPct: 90,
    serverRssBytes: 64 * MiB,
    generatorCpuPct: 50,
  }));
  return { state: 'ok', repeat, figures, samples };
}

const FAMILY: Record<string, string> = {
  'basic-json': 'basic',
  'json-small': 'json',
  'json-medium': 'json',
  'db-recipes': 'db',
  'shortener-redirect': 'shortener',
};

/** A cell of `repeats` (a string is a failed repeat), its medians, intervals and convergence computed. */
export function cell(
  target: string,
  workload: string,
  repeats: (RepeatSpec | string)[],
  o: { driver?: Cell['driver']; backend?: Cell['backend'] } = {},
): Cell {
  const rs = repeats.map((r, i): Repeat =>
    typeof r === 'string' ? { state: 'failed', repeat: i + 1, reason: r } : ok(i + 1, r)
  );
  return {
    target,
    workload,
    family: FAMILY[workload]!,
    driver: o.driver ?? (workload === 'json-small' ? 'oha' : 'k6'),
    mode: 'closed',
    unit: 'request',
    backend: o.backend ?? 'none',
    repeats: rs,
    ...cellMedians(rs),
  };
}

const roles = (writers: number, readers: number, celebrity: number) => ({
  writers_per_s: writers,
  'broad-readers_per_s': readers,
  'celebrity-readers_per_s': celebrity,
});

export const cells: Cell[] = [
  cell('node', 'json-small', [{ rps: 7900, cpuUs: 61 }, { rps: 8000, cpuUs: 60 }, { rps: 8100, cpuUs: 59 }]),
  cell('bun', 'json-small', [{ rps: 20000, cpuUs: 20, bound: true }, { rps: 19000, cpuUs: 21, bound: true }, {
    rps: 21000,
    cpuUs: 19,
    bound: true,
  }]),
  cell('rust', 'json-small', [{ rps: 9000, cpuUs: 9 }, { rps: 10000, cpuUs: 10 }, { rps: 11000, cpuUs: 11 }]),
  cell('python', 'json-small', [{ rps: 4000, cpuUs: 200 }, { rps: 3900, cpuUs: 205 }, { rps: 4100, cpuUs: 195 }]),
  cell('bare-node', 'json-small', [{ rps: 10000, cpuUs: 40 }, { rps: 10000, cpuUs: 40 }, { rps: 10000, cpuUs: 40 }]),
  cell('node', 'db-recipes', [{ rps: 1000, cpuUs: 500 }, { rps: 1100, cpuUs: 480 }, { rps: 900, cpuUs: 520 }], {
    backend: 'embedded',
  }),
  cell('bun', 'db-recipes', [{ rps: 1500, cpuUs: 300 }, { rps: 1500, cpuUs: 300 }, { rps: 1500, cpuUs: 300 }], {
    backend: 'embedded',
  }),
  cell('rust', 'db-recipes', [{ rps: 500, cpuUs: 100 }, { rps: 500, cpuUs: 100 }, { rps: 500, cpuUs: 100 }], {
    backend: 'services',
  }),
  cell('python', 'db-recipes', [
    { rps: 400, cpuUs: 900 },
    'verification failed: expected 200, got 503',
    { rps: 420, cpuUs: 880 },
  ], { backend: 'services' }),
  cell('rust', 'shortener-redirect', [1, 2, 3].map(() => ({ rps: 600, cpuUs: 50, extra: roles(60, 360, 180) })), {
    backend: 'services',
  }),
  cell('python', 'shortener-redirect', [1, 2, 3].map(() => ({ rps: 100, cpuUs: 400, extra: roles(10, 60, 30) })), {
    backend: 'services',
  }),
];

export const run: RunMeta = {
  id: 'test-run',
  startedAt: '2026-02-23T09:00:00.000Z',
  finishedAt: '2026-02-23T09:20:00.000Z',
  wallTimeS: 1200,
  git: { commit: 'abc1234', dirty: false },
  machine: {
    cpuModel: 'Test CPU @ 2.0GHz',
    cores: 2,
    kernel: '6.1.0-test',
    memoryBytes: 24 * 2 ** 30,
    os: 'Debian 12',
  },
  versions: { node: '24.21.0', bun: '1.4.5', k6: '1.3.0', oha: '1.10.0' },
  settings: {
    mode: 'closed',
    connections: 50,
    durationS: 10,
    warmupS: 2,
    repeats: 3,
    serverCores: '0',
    generatorCores: '1',
    driver: 'auto',
    backend: 'embedded',
    quick: false,
  },
  targets: [
    {
      name: 'node',
      description: 'Node 24 LTS + @hono/node-server',
      settings: { server: '@hono/node-server', flags: 'none' },
    },
    { name: 'bun', description: 'Bun.serve + hono/bun', settings: { server: 'Bun.serve' } },
    { name: 'rust', description: 'axum 0.8 + tokio, release build', settings: { workers: '1' } },
    { name: 'python', description: 'FastAPI on uvicorn (uvloop, httptools)', settings: { workers: '1' } },
    { name: 'bare-node', description: 'control: node:http, no framework (Node 24)', settings: { server: 'node:http' } },
  ],
  workloads: ['json-small', 'db-recipes', 'shortener-redirect'],
  cells: cells.map((c) => `cells/${c.target}__${c.workload}.json`),
  skipped: [
    {
      target: 'bare-node',
      workload: 'db-recipes',
      reason: 'control targets serve only /plaintext, /json and POST /json/small',
    },
    { target: 'node', workload: 'db-recipes', reason: 'the target offers no db' },
  ],
};
