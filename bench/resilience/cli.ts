/**
 * `npm run bench:resilience -- [--targets …] [--phases sweep,faults,soak,hostile] [--workloads …]
 *   [--levels 10,50,100,250,500,1000] [--level-duration 5s] [--warmup 1s] [--fault-rate 200]
 *   [--settle 15s] [--outage 3s] [--soak-rate 1000] [--soak-duration 10m] [--hostile-rate 500]
 *   [--hostile-duration 20s] [--services] [--quick] [--out DIR | --run <run-id>]`
 * (also `npm run bench -- --suite resilience …`).
 *
 * What each target holds under load, beside the matrix's figures: the concurrency sweep (maximum
 * stable concurrency), faults mid-load (Redis, Postgres and the server itself restarted under a
 * fixed-rate mix: errors only during the outage, time to recover, every click counted), a soak
 * (RSS and p99 drift, a leak fails the cell) and hostile clients beside normal load. Writes
 * resilience.json (every setting and rule) into the run folder and renders its report section.
 * Exits 1 when a fault, soak or hostile cell failed or a target crashed in the sweep.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { byId, catalogue } from '../../contract/catalogue.ts';
import { notServed, ROOT, targetByName, targets as targetTable } from '../../targets/table.ts';
import { exitOnSignal } from '../../targets/process.ts';
import { args, defaultGeneratorCores, stamp } from '../measure/args.ts';
import { gitState, machine, onPath, WRK } from '../measure/machine.ts';
import { services, ServicesUp } from '../measure/services.ts';
import { Resilience } from '../results/resilience.ts';
import {
  BUCKET_MS,
  DOWN_SHARE,
  FULL_RATE_BUCKETS,
  FULL_RATE_LATENCY_MS,
  FULL_RATE_SHARE,
  LEAK,
  OUTAGE_GRACE_MS,
  STABLE,
} from './rules.ts';
import { sweepCell } from './sweep.ts';
import { faultCell } from './faults.ts';
import { soakCell } from './soak.ts';
import { hostileCell } from './hostile.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string' },
    phases: { type: 'string', default: 'sweep,faults,soak,hostile' },
    workloads: { type: 'string' },
    levels: { type: 'string' },
    'level-duration': { type: 'string' },
    warmup: { type: 'string' },
    'fault-rate': { type: 'string' },
    settle: { type: 'string' },
    outage: { type: 'string' },
    'soak-rate': { type: 'string' },
    'soak-duration': { type: 'string' },
    'hostile-rate': { type: 'string' },
    'hostile-duration': { type: 'string' },
    'slow-clients': { type: 'string' },
    'slow-readers': { type: 'string' },
    services: { type: 'boolean', default: false },
    'server-cores': { type: 'string' },
    'generator-cores': { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    run: { type: 'string' },
  },
});
const { fail, seconds, positiveInt, cpuList } = args('bench:resilience');
// ^C ends the run: every target it started is killed and every service a fault stopped started again.
exitOnSignal((line) => console.log(`bench:resilience: ${line}`));
const quick = values.quick;
const pick = (given: string | undefined, full: string, short: string) => given ?? (quick ? short : full);

const PHASES = ['sweep', 'faults', 'soak', 'hostile'] as const;
const phases = values.phases.split(',').filter(Boolean).map((p) =>
  (PHASES as readonly string[]).includes(p) ? p as typeof PHASES[number] : fail(`unknown phase ${p}`)
);
const targetNames = values.targets?.split(',').filter(Boolean) ??
  targetTable.filter((t) => !t.reference).map((t) => t.name);
for (const t of targetNames) {
  try {
    targetByName(t);
  } catch (err) {
    fail((err as Error).message);
  }
}
/** The sweep's representative workloads: the cheapest request, a small JSON body, a database read, a cached redirect. */
const SWEEP_WORKLOADS = ['basic-json', 'json-small', 'db-recipes', 'shortener-redirect'];
const sweepWorkloads = values.workloads?.split(',').filter(Boolean) ?? SWEEP_WORKLOADS;
for (const w of sweepWorkloads) if (!catalogue.some((e) => e.id === w)) fail(`unknown workload ${w}`);
const levels = pick(values.levels, '10,50,100,250,500,1000', '10,100,500').split(',').map((l) =>
  positiveInt(l, 'levels')
);
const serverCores = cpuList(values['server-cores'] ?? '0', 'server-cores');
const generatorCores = cpuList(values['generator-cores'] ?? defaultGeneratorCores(), 'generator-cores');
const runId = `${stamp(new Date())}-resilience${quick ? '-quick' : ''}`;
const outDir = values.run
  ? (values.run.includes('/') ? values.run : join(ROOT, 'results', values.run))
  : values.out ?? join(ROOT, 'results', runId);
if (values.run && !existsSync(outDir)) fail(`no run folder ${outDir}`);

/** RLIMIT_NOFILE: every connection is a descriptor in the driver and one in the target, which inherit ours. */
function raiseNofile(needed: number): { found: number; hard: number; used: number } {
  const line = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const num = (s: string | undefined) => (s === 'unlimited' ? Infinity : Number(s));
  const found = num(line?.[1]), hard = num(line?.[2]);
  if (found >= needed) return { found, hard, used: found };
  const want = Math.min(needed, hard);
  const r = spawnSync('prlimit', [
    '--pid',
    String(process.pid),
    `--nofile=${want}:${hard === Infinity ? 'unlimited' : hard}`,
  ]);
  const used = r.status === 0 ? want : found;
  if (used < needed) {
    console.warn(
      `bench:resilience: WARNING: open files capped at ${used} (needed ${needed}); the top levels may fail on it`,
    );
  }
  return { found, hard, used };
}
const nofile = raiseNofile(2 * Math.max(...levels) + 1024);

const serviceEnv: Record<string, string> = {};
let urls: { DATABASE_URL: string; REDIS_URL: string } | undefined;
if (values.services) {
  const up = services(ServicesUp, 'up');
  urls = { DATABASE_URL: up.DATABASE_URL, REDIS_URL: up.REDIS_URL };
  Object.assign(serviceEnv, urls);
} else {
  // The embedded data layer (PGlite + in-process cache) where a target has one.
  serviceEnv.DATABASE_URL = '';
  serviceEnv.REDIS_URL = '';
}
if (!existsSync(WRK) && onPath('bash')) spawnSync('bash', ['scripts/wrk.sh'], { cwd: ROOT, stdio: 'inherit' });
spawnSync('taskset', ['-pc', generatorCores, String(process.pid)], { stdio: 'ignore' });

const settings: Resilience['settings'] = {
  targets: targetNames,
  phases,
  sweep: {
    workloads: sweepWorkloads,
    levels,
    levelDurationS: seconds(pick(values['level-duration'], '5s', '2s'), 'level-duration'),
    warmupS: seconds(pick(values.warmup, '1s', '1s'), 'warmup'),
    driver: 'auto',
  },
  faults: {
    rate: positiveInt(pick(values['fault-rate'], '200', '100'), 'fault-rate'),
    settleS: seconds(pick(values.settle, '15s', '6s'), 'settle'),
    outageS: seconds(pick(values.outage, '3s', '1s'), 'outage'),
    connections: 32,
  },
  soak: {
    workload: 'basic-json',
    rate: positiveInt(pick(values['soak-rate'], '1000', '200'), 'soak-rate'),
    durationS: seconds(pick(values['soak-duration'], '10m', '8s'), 'soak-duration'),
    sampleEveryMs: 1000,
  },
  hostile: {
    workload: 'basic-json',
    rate: positiveInt(pick(values['hostile-rate'], '500', '200'), 'hostile-rate'),
    durationS: seconds(pick(values['hostile-duration'], '20s', '5s'), 'hostile-duration'),
    slowHeaderClients: positiveInt(pick(values['slow-clients'], '300', '100'), 'slow-clients'),
    slowReaders: values['slow-readers'] === '0'
      ? 0
      : positiveInt(pick(values['slow-readers'], '50', '10'), 'slow-readers'),
    badShare: 0.05,
  },
  serverCores,
  generatorCores,
  backend: values.services ? 'services' : 'embedded',
  nofile,
  quick,
};

/** This invocation: its commit and machine (a run made in parts keeps every part's, in `parts`). */
const here = { startedAt: new Date().toISOString(), git: gitState(), machine: machine() };
const data: Resilience = {
  id: values.run ? outDir.split('/').filter(Boolean).at(-1)! : runId,
  startedAt: here.startedAt,
  git: here.git,
  machine: here.machine,
  settings,
  rules: {
    stable: { ...STABLE },
    outageGraceMs: OUTAGE_GRACE_MS,
    downShare: DOWN_SHARE,
    fullRateShare: FULL_RATE_SHARE,
    fullRateBuckets: FULL_RATE_BUCKETS,
    fullRateLatencyMs: FULL_RATE_LATENCY_MS,
    bucketMs: BUCKET_MS,
    leak: { ...LEAK },
    text: {
      stable:
        `a level holds with < ${STABLE.maxErrorRate * 100} % errors, the target answering /health after it, and ` +
        `p99 — and the mean wait connections ÷ throughput (Little's law: it counts requests still unanswered when the ` +
        `window closed) — ≤ min(${STABLE.p99Factor} × p99 of the first level × connections ÷ its connections, ` +
        `${STABLE.p99CeilingMs} ms); ` +
        'a level that does not hold while the target still answers is measured once more, and the second ' +
        'measurement decides; the maximum stable concurrency is the highest level up to which every level holds',
      outage:
        `errors are expected only from a stop being issued to the service answering again, + ${OUTAGE_GRACE_MS} ms`,
      recovery:
        `first success: of the parts of the load that mostly failed while the service was down; full rate: the ` +
        `start of the first ${FULL_RATE_BUCKETS} buckets of ${BUCKET_MS} ms in a row (by intended time) in which ≥ ` +
        `${FULL_RATE_SHARE * 100} % of those parts' requests succeeded within ${FULL_RATE_LATENCY_MS} ms`,
      clicks:
        'clicks in Postgres == redirects the client saw complete, code by code; beyond them only redirects whose ' +
        'outcome the client cannot know: those a killed server counted but could not answer (connection errors in ' +
        'flight at the kill) and those the client gave up on (5 s) after they reached the server',
      leak: `a soak leaks when RSS (median of the last tenth of samples vs the first) grew > ${LEAK.pct} % and > ` +
        `${LEAK.minBytes / 2 ** 20} MiB`,
    },
  },
  sweep: [],
  faults: [],
  soak: [],
  hostile: [],
  skipped: [],
  failedCells: [],
  parts: [{ phases, targets: targetNames, ...here }],
};

mkdirSync(outDir, { recursive: true });
const file = join(outDir, 'resilience.json');
/**
 * A folder that already holds resilience.json (a full run done phase by phase, `--run` or `--out`):
 * its cells of other phases and targets are kept, with those phases' settings; what runs now replaces
 * its own phase × target.
 */
const previous = existsSync(file) ? Resilience.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
let wallBefore = 0;
if (previous) {
  const redone = (phase: typeof PHASES[number], target: string) =>
    phases.includes(phase) && targetNames.includes(target);
  data.startedAt = previous.startedAt;
  data.id = previous.id;
  data.sweep = previous.sweep.filter((c) => !redone('sweep', c.target));
  data.faults = previous.faults.filter((c) => !redone('faults', c.target));
  data.soak = previous.soak.filter((c) => !redone('soak', c.target));
  data.hostile = previous.hostile.filter((c) => !redone('hostile', c.target));
  data.skipped = previous.skipped.filter((x) => !redone(x.phase as typeof PHASES[number], x.target));
  data.failedCells = previous.failedCells.filter((x) => !redone(x.phase as typeof PHASES[number], x.target));
  for (const phase of ['sweep', 'faults', 'soak', 'hostile'] as const) {
    if (!phases.includes(phase)) Object.assign(settings, { [phase]: previous.settings[phase] });
  }
  settings.phases = PHASES.filter((p) => phases.includes(p) || previous.settings.phases.includes(p));
  settings.targets = [...new Set([...previous.settings.targets, ...targetNames])];
  wallBefore = previous.wallTimeS ?? 0;
  // The earlier invocations (a file from before parts were recorded: its one, from its top-level fields).
  data.parts = [
    ...(previous.parts ?? [{
      phases: previous.settings.phases,
      targets: previous.settings.targets,
      startedAt: previous.startedAt,
      ...(previous.finishedAt ? { finishedAt: previous.finishedAt } : {}),
      git: previous.git,
      machine: previous.machine,
    }]),
    ...data.parts!,
  ];
  console.log(`bench:resilience: adding to ${file} (its other phases and targets are kept)`);
}
const write = () => writeFileSync(file, JSON.stringify(Resilience.parse(data), null, 2) + '\n');
write();
const scratch = mkdtempSync(join(tmpdir(), 'gauntlet-resilience-'));
const log = (line: string) => console.log(line);
const t0 = Date.now();
const skip = (target: string, phase: string, what: string, reason: string) => {
  data.skipped.push({ target, phase, what, reason });
  log(`  skip ${what} on ${target}: ${reason}`);
};
const served = (target: string, workload: string) => notServed(targetByName(target), byId(workload))?.reason;
const base = { serverCores, serviceEnv };

console.log(
  `bench:resilience ${data.id}: ${targetNames.length} targets, phases ${phases.join(', ')}; ` +
    `server on cores ${serverCores}, generator on ${generatorCores}, ${settings.backend} backend, ` +
    `open files ${nofile.used}`,
);
let failed = 0;
/**
 * One cell, whatever becomes of it: measured, not served (skipped), or broken by an exception (a
 * target that would not start again after its kill): recorded in `failedCells`, and the run goes on.
 */
async function cell<T extends object>(
  target: string,
  phase: string,
  what: string,
  measure: () => Promise<T | { unavailable: string }>,
): Promise<T | undefined> {
  try {
    const r = await measure();
    if ('unavailable' in r) {
      skip(target, phase, what, r.unavailable);
      return undefined;
    }
    return r as T;
  } catch (err) {
    const error = (err as Error).message.split('\n')[0]!.slice(0, 400);
    data.failedCells.push({ target, phase, what, error });
    failed++;
    log(`  FAILED: ${error}`);
    return undefined;
  } finally {
    write();
  }
}

try {
  if (phases.includes('sweep')) {
    for (const workload of sweepWorkloads) {
      for (const target of targetNames) {
        const why = served(target, workload);
        if (why) {
          skip(target, 'sweep', workload, why);
          continue;
        }
        if (!values.services && byId(workload).needs.length > 0 && targetByName(target).language !== 'TypeScript') {
          skip(target, 'sweep', workload, 'needs Postgres + Redis (--services)');
          continue;
        }
        log(`sweep ${workload} on ${target}`);
        const c = await cell(target, 'sweep', workload, () =>
          sweepCell(target, workload, {
            ...base,
            levels,
            levelDurationS: settings.sweep.levelDurationS,
            warmupS: settings.sweep.warmupS,
            generatorCores,
            driver: 'auto',
            scratch,
          }, log));
        if (c) {
          data.sweep.push(c);
          if (c.failure || c.levels.some((l) => !l.alive)) failed++;
          log(`  max stable concurrency ${c.maxStable}${c.failure ? ` (${c.failure})` : ''}`);
          write();
        }
      }
    }
  }
  if (phases.includes('faults')) {
    for (const target of targetNames) {
      for (const scenario of ['shortener-mix', 'db-recipes'] as const) {
        const workload = scenario === 'shortener-mix' ? 'shortener-redirect' : 'db-recipes';
        const why = served(target, workload);
        if (why) {
          skip(target, 'faults', scenario, why);
          continue;
        }
        if (!urls) {
          skip(target, 'faults', scenario, 'needs Postgres + Redis (--services)');
          continue;
        }
        log(`faults: ${scenario} on ${target}`);
        const services = urls;
        const c = await cell(
          target,
          'faults',
          scenario,
          () => faultCell(target, scenario, { ...base, ...settings.faults, urls: services }, log),
        );
        if (c) {
          data.faults.push(c);
          if (!c.ok) failed++;
          log(
            `  ${c.requests} requests, ${c.errors} errors (${c.errorsOutside} outside the outages)` +
              (c.clicks ? `, clicks ${c.clicks.counted} for ${c.clicks.redirected} redirects` : '') +
              (c.ok ? '' : ` — FAILED: ${c.failures.join('; ')}`),
          );
          write();
        }
      }
    }
  }
  if (phases.includes('soak')) {
    for (const target of targetNames) {
      log(`soak ${settings.soak.workload} on ${target}`);
      const c = await cell(target, 'soak', settings.soak.workload, () =>
        soakCell(target, settings.soak.workload, {
          ...base,
          rate: settings.soak.rate,
          durationS: settings.soak.durationS,
          warmupS: Math.min(10, Math.max(1, settings.soak.durationS / 10)),
          connections: 32,
          sampleEveryMs: settings.soak.sampleEveryMs,
        }));
      if (c) {
        data.soak.push(c);
        if (!c.ok) failed++;
        log(
          `  RSS ${(c.rssStartBytes / 2 ** 20).toFixed(1)} → ${(c.rssEndBytes / 2 ** 20).toFixed(1)} MiB ` +
            `(${c.rssDriftPct.toFixed(1)} %), p99 ${c.p99StartMs.toFixed(2)} → ${c.p99EndMs.toFixed(2)} ms` +
            (c.ok ? '' : ` — FAILED: ${c.failures.join('; ')}`),
        );
        write();
      }
    }
  }
  if (phases.includes('hostile')) {
    for (const target of targetNames) {
      log(`hostile clients beside ${settings.hostile.workload} on ${target}`);
      const c = await cell(
        target,
        'hostile',
        settings.hostile.workload,
        () => hostileCell(target, { ...base, ...settings.hostile }, log),
      );
      if (c) {
        data.hostile.push(c);
        if (!c.ok) failed++;
        write();
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  data.finishedAt = new Date().toISOString();
  data.parts!.at(-1)!.finishedAt = data.finishedAt;
  data.wallTimeS = wallBefore + Math.round((Date.now() - t0) / 1000);
  write();
}
console.log(`\nresilience: ${file} (${failed} failed cells, ${data.wallTimeS}s)`);
const report = spawnSync(process.execPath, ['bench/report/cli.ts', outDir], { cwd: ROOT, stdio: 'inherit' });
process.exitCode = failed > 0 || report.status !== 0 ? 1 : 0;
