/**
 * `npm run bench:seeds -- [--run <run-id>] [--seeds 002,003] [--repeats 3] [--warmup 3s]
 *                         [--duration 1m] [--requests 150000] [--no-ours]
 *                         [--server-cores 0] [--generator-cores 1]`
 *
 * Measures the seeds' own setups as labelled reference rows and writes them to
 * results/<run-id>/references.json (ReferenceRun, bench/results/schema.ts):
 *   seed 002: `django-seed002` and `starlette-seed002` (gunicorn -w 5 sync / -w 2 uvicorn workers,
 *             access logs) on db-recipes, in closed loop for `--duration` (the seed's minute), each
 *             beside our own `django` and `starlette` (left out with --no-ours); needs Postgres
 *             (scripts/services.sh up: started if down, reused if up, never reset);
 *   seed 003: hey -n `--requests` -c 50 -q 100 (5,000 req/s offered) on basic-json against `python`
 *             (FastAPI) and `rocket`. The seed sent 1,000,000 requests (200 s a window); the default
 *             150,000 is 30 s.
 * `--run <run-id>` writes into that run's directory (beside its run.json); without it, a new
 * results/<timestamp>-seeds/. The file is rewritten after every window.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePositiveInt } from '../../contract/units.ts';
import { ROOT } from '../../targets/table.ts';
import { loadReferences } from '../results/reference.ts';
import { type ReferenceRow, ReferenceRun } from '../results/schema.ts';
import { SEED003 } from '../results/seed-rows.ts';
import { HEY } from './hey.ts';
import { gitState, machine, run as runCommand, versions, WRK } from './machine.ts';
import { measureSeed003 } from './seed003.ts';
import { measureSeed002, type SeedsOptions } from './seeds.ts';
import { servicesAccount } from './services.ts';
import { args, defaultGeneratorCores, stamp } from './args.ts';
import { services, ServicesUp } from './services.ts';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    seeds: { type: 'string', default: '002,003' },
    repeats: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3s' },
    duration: { type: 'string', default: '1m' },
    requests: { type: 'string', default: '150000' },
    'no-ours': { type: 'boolean', default: false },
    'server-cores': { type: 'string', default: '0' },
    'generator-cores': { type: 'string' },
  },
});

const { fail, parsed, seconds, cpuList } = args('bench:seeds');

const seeds = values.seeds.split(',').filter(Boolean);
for (const s of seeds) if (s !== '002' && s !== '003') fail(`--seeds takes 002 and/or 003, got ${JSON.stringify(s)}`);
const now = new Date();
const runId = values.run ?? `${stamp(now)}-seeds`;
const outDir = isAbsolute(runId) || runId.includes('/') ? runId : join(ROOT, 'results', runId);

const requests = parsed(() => parsePositiveInt('--requests', values.requests));
if (requests < SEED003.connections) fail(`--requests must be at least hey's ${SEED003.connections} workers`);
const generatorCores = cpuList(
  values['generator-cores'] ?? defaultGeneratorCores(),
  'generator-cores',
);
const scratch = mkdtempSync(join(tmpdir(), 'gauntlet-seeds-'));
const o: SeedsOptions = {
  repeats: parsed(() => parsePositiveInt('--repeats', values.repeats)),
  warmupS: seconds(values.warmup, 'warmup'),
  serverCores: cpuList(values['server-cores'], 'server-cores'),
  generatorCores,
  serviceEnv: {},
  seed002: { durationS: seconds(values.duration, 'duration'), connections: 50 },
  seed003: { requests, connections: SEED003.connections, ratePerConnection: SEED003.ratePerConnection },
  withOurs: !values['no-ours'],
  scratch,
  refs: loadReferences(join(ROOT, 'results', 'reference')),
};
if (o.seed002.durationS < 1) fail('--duration must be at least 1s');

/** Builds or installs a tool with its project script when it is missing (cached outside the checkout). */
function ensureTool(path: string, script: string): void {
  if (existsSync(path)) return;
  console.log(`bench:seeds: getting ${script.replace('scripts/', '')} (once; cached in ~/.cache/gauntlet)`);
  if (spawnSync('bash', [script], { cwd: ROOT, stdio: 'inherit' }).status !== 0 || !existsSync(path)) {
    fail(`${script} failed`);
  }
}
if (seeds.includes('002')) {
  ensureTool(WRK, 'scripts/wrk.sh');
  const { DATABASE_URL, REDIS_URL } = parsed(() => services(ServicesUp, 'up'));
  o.serviceEnv = { DATABASE_URL, REDIS_URL };
  o.backend = servicesAccount(o.generatorCores, (line) => console.warn(`bench:seeds: ${line}`));
}
if (seeds.includes('003')) ensureTool(HEY, 'scripts/hey.sh');

// The CLI itself (sampling, the servers' piped logs, bookkeeping) runs on the generator cores.
spawnSync('taskset', ['-pc', o.generatorCores, String(process.pid)], { stdio: 'ignore' });

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.log(`\nbench:seeds: ${sig}: stopping after the current window's cleanup`);
    controller.abort();
  });
}

mkdirSync(outDir, { recursive: true });
const file = join(outDir, 'references.json');
const meta: ReferenceRun = {
  id: runId,
  startedAt: now.toISOString(),
  git: gitState(),
  machine: machine(),
  versions: { ...versions(), hey: heyVersion() },
  settings: {
    repeats: o.repeats,
    warmupS: o.warmupS,
    serverCores: o.serverCores,
    generatorCores: o.generatorCores,
    ...(seeds.includes('002') ? { servicesCores: o.generatorCores, seed002: o.seed002 } : {}),
    ...(seeds.includes('003') ? { seed003: o.seed003 } : {}),
  },
  rows: [],
};
const done: ReferenceRow[] = [];
const write = (current: ReferenceRow[] = []) => {
  meta.rows = [...done, ...current];
  writeFileSync(file, JSON.stringify(ReferenceRun.parse(meta), null, 2) + '\n');
};

/** hey's module version, from its build info (it has no version flag). */
function heyVersion(): string {
  const info = runCommand('go', ['version', '-m', HEY]);
  return /\bmod\s+github\.com\/rakyll\/hey\s+(\S+)/.exec(info)?.[1] ?? (existsSync(HEY) ? 'unknown' : 'not installed');
}

const fmt = (v: number | undefined, digits = 0) =>
  v === undefined ? '—' : v.toLocaleString('en', { maximumFractionDigits: digits });
const range = (row: ReferenceRow, key: string, scale = 1, digits = 0) => {
  const s = row.spread[key];
  return s ? ` (${fmt(s.min * scale, digits)}–${fmt(s.max * scale, digits)})` : '';
};

console.log(
  `bench:seeds ${runId}: seeds ${seeds.join(', ')}, ${o.repeats} interleaved repeats, ` +
    `server on cores ${o.serverCores}, generator${seeds.includes('002') ? ' and services' : ''} on ${o.generatorCores}`,
);
try {
  if (seeds.includes('002')) {
    done.push(...await measureSeed002(o, (l) => console.log(l), controller.signal, write));
  }
  if (seeds.includes('003')) {
    done.push(...await measureSeed003(o, (l) => console.log(l), controller.signal, write));
  }
  meta.finishedAt = new Date().toISOString();
  write();
  console.log(`\nreferences: ${file}`);
  for (const row of done) {
    const m = row.median;
    const ok = row.repeats.filter((r) => r.state === 'ok').length;
    const published = row.published.map((f) => `${f.metric} ${f.approximate ? '~' : ''}${f.value} ${f.unit}`).join(
      ', ',
    );
    console.log(
      `${row.id} [${ok}/${row.repeats.length} ok]: ` +
        (m
          ? `${fmt(m.throughput)} req/s${range(row, 'throughput')}, avg ${fmt(m.latencyMs.avg, 2)} ms${
            range(row, 'latencyAvg', 1, 2)
          }, p99 ${fmt(m.latencyMs.p99, 2)} ms${range(row, 'p99', 1, 2)}, server CPU ${fmt(m.serverCpuPct)}% (peak ${
            fmt(m.serverPeakCpuPct)
          }%), ${fmt(m.serverCpuUsPerUnit, 1)} µs/req, RSS ${fmt(m.serverPeakRssBytes / 2 ** 20)} MiB; cores busy: ` +
            `server ${fmt(m.serverCoresBusyPct)}%, generator ${fmt(m.generatorCoreBusyPct)}%` +
            (m.generatorBound ? ' (generator-bound)' : '')
          : 'no successful repeat') +
        (published ? `  | seed ${row.seed} published: ${published}` : ''),
    );
  }
  if (done.some((r) => r.repeats.some((x) => x.state === 'failed'))) process.exitCode = 1;
} catch (err) {
  console.error(`bench:seeds: ${(err as Error).message}`);
  process.exitCode = controller.signal.aborted ? 130 : 1;
} finally {
  o.backend?.close();
  rmSync(scratch, { recursive: true, force: true });
}
