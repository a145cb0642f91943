/**
 * The seeds' own setups that `npm run bench:seeds` measures as reference rows (issue 15, item 3):
 * which of our targets each row runs, which of the seed's systems it stands beside, the seed's own
 * load command, and the seed's published figures for that system. Pure data and pure functions.
 *
 * Seed 002's figures come from results/reference/002.json. Seed 003's file is excluded there (its
 * task is not an HTTP benchmark, and its few server figures are approximate values from the text),
 * so the two figures its `hey` run gives are kept here, each with the sentence it was read from.
 */
import type { Context, IncludedReference, Reference } from './reference.ts';
import { included } from './reference.ts';
import type { ReferenceRepeat, ReferenceRow, ReferenceSummary, SeedFigure, Spread } from './schema.ts';
import { median, relativeRange } from './stats.ts';

export type Seed = '002' | '003';

/** One reference row to measure. */
export interface SeedSetup {
  id: string;
  seed: Seed;
  /** `seed`: the seed's setup reproduced here; `ours`: our own target beside it, on our settings. */
  setup: 'seed' | 'ours';
  label: string;
  target: string;
  workload: string;
  /** The seed's system: a key of results/reference/002.json's `systems`, or of SEED003.systems. */
  system: string;
}

/** Seed 002: GET /api/v1/recipes, oha -c 50 for a minute, through haproxy. */
export const SEED002 = {
  seed: '002' as const,
  workload: 'db-recipes',
  load: "oha -z 1m -c 50 --no-tui -H 'Cookie: sessionid=$SESSION_ID' 'http://$IP/api/v1/recipes'",
};

/** Seed 003: FastAPI vs Rocket on a JSON endpoint, under hey at a fixed rate. */
export const SEED003 = {
  seed: '003' as const,
  workload: 'basic-json',
  load: 'hey -n 1000000 -m GET -q 100 http://localhost:<port>/simple_json',
  /** hey's default -c; -q is per worker, so 50 × 100 = 5,000 requests/s offered. */
  connections: 50,
  ratePerConnection: 100,
  /** The seed's sentence, and what the report says of its context. */
  context: 'hey (version not stated), "a million requests … locally at a rate of 100 requests per second with ' +
    '50 workers"; both servers in Docker; hardware not stated; January 2024',
  systems: {
    fastapi: 'FastAPI (Python)',
    rocket: 'Rocket (Rust)',
  } as Record<string, string>,
  published: {
    fastapi: [{
      metric: 'latency_avg',
      value: 10,
      unit: 'ms',
      approximate: true,
      quote:
        'FastAPI averaged approximately 10ms in response time while Rocket divided this time by two with a strong 5ms.',
    }],
    rocket: [{
      metric: 'latency_avg',
      value: 5,
      unit: 'ms',
      approximate: true,
      quote:
        'FastAPI averaged approximately 10ms in response time while Rocket divided this time by two with a strong 5ms.',
    }],
  } as Record<string, SeedFigure[]>,
};

/**
 * Every reference row, in the order they are measured and shown: seed 002's two Python systems as
 * the seed launched them, each beside our own target of the same code; seed 003's load on our
 * targets of its two systems (the seed does not say how it launched them, in Docker).
 */
export const SEED_SETUPS: readonly SeedSetup[] = [
  {
    id: 'seed002-django',
    seed: '002',
    setup: 'seed',
    label: "seed 002's setup: Django on gunicorn -w 5, sync workers, access log",
    target: 'django-seed002',
    workload: SEED002.workload,
    system: 'django',
  },
  {
    id: 'seed002-django-ours',
    seed: '002',
    setup: 'ours',
    label: 'ours: the same Django project on gunicorn gthread, 1 worker × 4 threads, no access log',
    target: 'django',
    workload: SEED002.workload,
    system: 'django',
  },
  {
    id: 'seed002-starlette',
    seed: '002',
    setup: 'seed',
    label: "seed 002's setup: Starlette on gunicorn -w 2, uvicorn workers, access log",
    target: 'starlette-seed002',
    workload: SEED002.workload,
    system: 'starlette',
  },
  {
    id: 'seed002-starlette-ours',
    seed: '002',
    setup: 'ours',
    label: 'ours: the same Starlette app on uvicorn, 1 worker, no access log',
    target: 'starlette',
    workload: SEED002.workload,
    system: 'starlette',
  },
  {
    id: 'seed003-fastapi',
    seed: '003',
    setup: 'seed',
    label: "seed 003's load (hey -q 100, 50 workers) on FastAPI, launched as we launch it",
    target: 'python',
    workload: SEED003.workload,
    system: 'fastapi',
  },
  {
    id: 'seed003-rocket',
    seed: '003',
    setup: 'seed',
    label: "seed 003's load (hey -q 100, 50 workers) on Rocket, launched as we launch it",
    target: 'rocket',
    workload: SEED003.workload,
    system: 'rocket',
  },
];

/** tool; concurrency; duration; hardware; date — as the source writes them. */
const contextText = (c: Context | undefined): string =>
  c ? `${c.tool}; ${c.concurrency}; ${c.duration}; ${c.hardware}; ${c.date}` : 'context unknown';

const seed002 = (refs: readonly Reference[]): IncludedReference | undefined =>
  included(refs).find((r) => r.seed === SEED002.seed);

/** What the seed says of a row's system, its measuring context, and its published figures for it. */
export function seedSide(
  setup: SeedSetup,
  refs: readonly Reference[],
): Pick<ReferenceRow, 'seedSystem' | 'seedContext' | 'seedLoad' | 'published'> {
  if (setup.seed === '003') {
    return {
      seedSystem: SEED003.systems[setup.system] ?? setup.system,
      seedContext: SEED003.context,
      seedLoad: SEED003.load,
      published: setup.setup === 'seed' ? SEED003.published[setup.system] ?? [] : [],
    };
  }
  const ref = seed002(refs);
  const figures =
    ref?.figures.flatMap((f) =>
      f.kind === 'value' && f.system === setup.system && f.workload === setup.workload && !f.role ? [f] : []
    ) ?? [];
  const context = figures[0]?.context ?? Object.keys(ref?.contexts ?? {})[0];
  return {
    seedSystem: ref?.systems[setup.system]?.name ?? setup.system,
    seedContext: contextText(context === undefined ? undefined : ref?.contexts[context]),
    seedLoad: SEED002.load,
    published: setup.setup === 'seed'
      ? figures.map((f) => ({ metric: f.metric, value: f.value, unit: f.unit, quote: f.quote }))
      : [],
  };
}

/** The figures a row's spread is kept for, and how each is read. */
const SPREAD_FIGURES: Record<string, (f: ReferenceSummary) => number | undefined> = {
  throughput: (f) => f.throughput,
  latencyAvg: (f) => f.latencyMs.avg,
  p50: (f) => f.latencyMs.p50,
  p99: (f) => f.latencyMs.p99,
  serverCpuPct: (f) => f.serverCpuPct,
  serverPeakCpuPct: (f) => f.serverPeakCpuPct,
  serverPeakRssBytes: (f) => f.serverPeakRssBytes,
  serverCpuUsPerUnit: (f) => f.serverCpuUsPerUnit,
};

/** Medians and min–max over a row's ok repeats. */
export function referenceSummary(repeats: readonly ReferenceRepeat[]): Pick<ReferenceRow, 'median' | 'spread'> {
  const ok = repeats.flatMap((r) => (r.state === 'ok' ? [r.figures] : []));
  if (ok.length === 0) return { spread: {} };
  const m = (pick: (f: ReferenceSummary) => number) => median(ok.map(pick));
  const optional = <
    K extends 'offeredRate' | 'backendCpuUsPerUnit' | 'generatorCoreBusyPct' | 'serverCoresBusyPct',
  >(key: K) => {
    const values = ok.flatMap((f) => (f[key] === undefined ? [] : [f[key]!]));
    return values.length === 0 ? {} : { [key]: median(values) };
  };
  const summary: ReferenceSummary = {
    requests: m((f) => f.requests),
    durationS: m((f) => f.durationS),
    throughput: m((f) => f.throughput),
    errorRate: m((f) => f.errorRate),
    latencyMs: {
      avg: m((f) => f.latencyMs.avg),
      p50: m((f) => f.latencyMs.p50),
      p90: m((f) => f.latencyMs.p90),
      p95: m((f) => f.latencyMs.p95),
      p99: m((f) => f.latencyMs.p99),
      max: m((f) => f.latencyMs.max),
    },
    ...optional('offeredRate'),
    serverCpuUsPerUnit: m((f) => f.serverCpuUsPerUnit),
    serverCpuPct: m((f) => f.serverCpuPct),
    serverPeakCpuPct: m((f) => f.serverPeakCpuPct),
    serverPeakRssBytes: m((f) => f.serverPeakRssBytes),
    ...optional('backendCpuUsPerUnit'),
    ...optional('generatorCoreBusyPct'),
    ...optional('serverCoresBusyPct'),
    generatorBound: ok.some((f) => f.generatorBound),
  };
  const spread: Record<string, Spread> = {};
  for (const [name, pick] of Object.entries(SPREAD_FIGURES)) {
    const values = ok.map(pick);
    if (values.every((v): v is number => v !== undefined)) spread[name] = relativeRange(values);
  }
  return { median: summary, spread };
}
