/**
 * `npm run bench -- [--targets …] [--workloads …] [--mode closed|rate] [--connections 50] [--rate R]
 *                   [--duration 3s] [--warmup 1s] [--repeats 6] [--max-repeats 12] [--seed N]
 *                   [--driver auto|k6|oha|wrk|loadgen] [--services] [--server-cores 0] [--generator-cores 1]
 *                   [--no-rate-table] [--no-seeds] [--no-instructions] [--quick]`
 * `npm run bench -- --resume <run-id>`: an interrupted run, continued where it stopped.
 * `npm run bench -- --suite resilience …`: the resilience suite instead (`npm run bench:resilience`).
 *
 * With no arguments: a quick matrix on the embedded defaults (no services) in a few minutes, one
 * window per cell. A full run gives every cell `--repeats` rounds in a shuffled order, then more
 * rounds to the cells whose CPU per unit is not yet known to ±5 % (up to `--max-repeats`), then the
 * fixed-rate table (every target of a headline workload at one offered rate).
 * Writes results/<run-id>/ (run.json, cells/*.json) and the report beside them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { catalogue } from '../../contract/catalogue.ts';
import { K6, LOADGEN, OHA, onPath, WRK } from './machine.ts';
import { type BenchOptions, runBench } from './run.ts';
import { services, ServicesUp } from './services.ts';
import { planMultiCore } from './multicore.ts';
import { args, defaultGeneratorCores, stamp } from './args.ts';
import { resume, runDirectory } from './resume.ts';
import { runtimeEnv } from './runtime-env.ts';
import { envText } from '../results/schema.ts';
import { ROOT, targetByName, targets as targetTable } from '../../targets/table.ts';

// `--suite resilience`: the resilience suite (bench/resilience/cli.ts) with the other arguments;
// `--suite matrix` (the default) is this command.
const suiteAt = process.argv.findIndex((a) => a === '--suite' || a.startsWith('--suite='));
if (suiteAt >= 0) {
  const given = process.argv[suiteAt]!;
  const suite = given.includes('=') ? given.slice('--suite='.length) : process.argv[suiteAt + 1];
  const rest = process.argv.slice(2).filter((_, i) =>
    i + 2 !== suiteAt && (given.includes('=') || i + 2 !== suiteAt + 1)
  );
  if (suite === 'resilience') {
    const r = spawnSync(process.execPath, ['bench/resilience/cli.ts', ...rest], { cwd: ROOT, stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  if (suite !== 'matrix') {
    console.error(`bench: --suite is matrix or resilience, got ${JSON.stringify(suite)}`);
    process.exit(2);
  }
  process.argv.splice(suiteAt, given.includes('=') ? 1 : 2);
}

const { values } = parseArgs({
  options: {
    targets: { type: 'string' },
    workloads: { type: 'string' },
    mode: { type: 'string', default: 'closed' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    repeats: { type: 'string' },
    'max-repeats': { type: 'string' },
    seed: { type: 'string' },
    'no-rate-table': { type: 'boolean', default: false },
    'no-seeds': { type: 'boolean', default: false },
    'no-instructions': { type: 'boolean', default: false },
    driver: { type: 'string', default: 'auto' },
    services: { type: 'boolean', default: false },
    'server-cores': { type: 'string' },
    'generator-cores': { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    resume: { type: 'string' },
  },
});

const { fail, parsed, seconds, positiveInt, cpuList } = args('bench');

/** k6 refuses scenarios shorter than 1 s, and the warm-up is a scenario of its own. */
function atLeastOneSecond(text: string, name: string, zeroAllowed: boolean): number {
  const s = seconds(text, name);
  if (s < 1 && !(zeroAllowed && s === 0)) {
    fail(`--${name} must be ${zeroAllowed ? '0 or ' : ''}at least 1s, got ${text}`);
  }
  return s;
}

/** Workload ids, or family names standing for every workload of the family. */
function workloads(list: string): string[] {
  return list.split(',').filter(Boolean).flatMap((name) => {
    const family = catalogue.filter((e) => e.family === name).map((e) => e.id);
    if (family.length > 0) return family;
    if (!catalogue.some((e) => e.id === name)) fail(`unknown workload or family ${JSON.stringify(name)}`);
    return [name];
  });
}

const quick = values.quick || process.argv.length <= 2;
const targets = values.targets?.split(',').filter(Boolean) ??
  // Reference targets (a seed's own multi-worker setup) only when named: `npm run bench:seeds` measures them.
  targetTable.filter((t) => !t.reference && (!quick || t.quick)).map((t) => t.name);
for (const t of targets) {
  try {
    targetByName(t);
  } catch (err) {
    fail((err as Error).message);
  }
}
const mode = values.mode === 'rate' ? 'rate' : values.mode === 'closed' ? 'closed' : fail('--mode is closed or rate');
if (mode === 'rate' && !values.rate) fail('--mode rate needs --rate R (requests per second)');
if (!['auto', 'k6', 'oha', 'wrk', 'loadgen'].includes(values.driver)) fail('--driver is auto, k6, oha, wrk or loadgen');

// Six rounds: the fewest whose min–max range is a 95 % interval for the median (96.9 %).
const repeats = positiveInt(values.repeats ?? (quick ? '1' : '6'), 'repeats');
const maxRepeats = positiveInt(values['max-repeats'] ?? (quick ? String(repeats) : String(2 * repeats)), 'max-repeats');
if (maxRepeats < repeats) fail(`--max-repeats (${maxRepeats}) is below --repeats (${repeats})`);

const now = new Date();
const runId = `${stamp(now)}${quick ? '-quick' : ''}`;

/** `--resume <run-id>`: the run's own settings, and what it measured so far. */
const resumed = values.resume === undefined ? undefined : (() => {
  const given = process.argv.slice(2).filter((a) => a.startsWith('--') && a !== '--resume');
  if (given.length > 0) fail(`--resume takes the run's own settings; drop ${given.join(', ')}`);
  return parsed(() => resume(runDirectory(values.resume!)));
})();

const options: BenchOptions = resumed?.options ?? {
  targets,
  workloads: workloads(values.workloads ?? catalogue.filter((e) => !quick || e.quick).map((e) => e.id).join(',')),
  mode,
  connections: positiveInt(values.connections, 'connections'),
  ...(values.rate ? { rate: positiveInt(values.rate, 'rate') } : {}),
  durationS: atLeastOneSecond(values.duration ?? '3s', 'duration', false),
  warmupS: atLeastOneSecond(values.warmup ?? '1s', 'warmup', true),
  repeats,
  ...(maxRepeats > repeats ? { maxRepeats } : {}),
  seed: values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positiveInt(values.seed, 'seed'),
  rateTable: !quick && !values['no-rate-table'] && mode === 'closed',
  serverCores: cpuList(values['server-cores'] ?? '0', 'server-cores'),
  generatorCores: cpuList(
    values['generator-cores'] ?? defaultGeneratorCores(),
    'generator-cores',
  ),
  driver: values.driver as BenchOptions['driver'],
  backend: values.services ? 'services' : 'embedded',
  serviceEnv: {},
  quick,
  outDir: values.out ?? join(ROOT, 'results', runId),
  runId,
};

// More than one server core: every target serves from that many workers, or the run is refused;
// server and generator sharing a core make it a functional run (bench/measure/multicore.ts).
const multiCore = planMultiCore({ ...options, targetsGiven: values.targets !== undefined || resumed !== undefined });
if (multiCore.refusal) fail(multiCore.refusal);
if (multiCore.dropped.length > 0) {
  console.log(`bench: ${multiCore.workers} workers per target; left out: ${multiCore.dropped.join('; ')}`);
  options.targets = multiCore.targets;
}
if (multiCore.functional) {
  // run.json's settings.functional, written by run.ts's startMeta; the report labels the run with it.
  Object.assign(options, { functional: multiCore.functional });
  console.warn(`bench: WARNING: a functional run, not figures: ${multiCore.functional}`);
}

/** Builds or installs a tool with its project script if it is missing (cached outside the checkout). */
function tryTool(path: string, script: string): boolean {
  // loadgen is built from this checkout: its script also replaces a link to an older build (from
  // before a source change), and does nothing when the build is current.
  const have = existsSync(path);
  if (have && !(path === LOADGEN && onPath('go'))) return true;
  if (!have) console.log(`bench: getting ${script.replace('scripts/', '')} (once; cached in ~/.cache/gauntlet)`);
  const built = spawnSync('bash', [script], { cwd: ROOT, stdio: have ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  return built.status === 0 && existsSync(path);
}
const ensureTool = (path: string, script: string): void => {
  if (!tryTool(path, script)) fail(`${script} failed`);
};

ensureTool(K6, 'scripts/k6.sh');
if (options.driver === 'oha') ensureTool(OHA, 'scripts/oha.sh');
if (options.driver === 'wrk') ensureTool(WRK, 'scripts/wrk.sh');
if (options.driver === 'loadgen') ensureTool(LOADGEN, 'scripts/loadgen.sh');
if (options.driver === 'auto') {
  // WebSocket echoes and fixed-rate cells: loadgen, built from the repo with Go.
  if (!onPath('go') || !tryTool(LOADGEN, 'scripts/loadgen.sh')) {
    console.warn('bench: WARNING: loadgen could not be built (it needs Go): WebSocket and fixed-rate cells run on k6');
  }
  // The peak driver for request/response cells: wrk (Debian's package; installed when root), else
  // an oha already built. Never a silent k6: without either, the run says so in run.json and the report.
  if (!tryTool(WRK, 'scripts/wrk.sh') && !existsSync(OHA)) {
    options.peakDriverMissing = 'no wrk (scripts/wrk.sh installs it from Debian as root) and no oha ' +
      '(scripts/oha.sh builds it with cargo): request/response cells ran on k6, and k6 was their limit';
    console.warn(`bench: WARNING: ${options.peakDriverMissing}`);
  }
}

// A variable that changes a runtime reaches every target: the run records it and the report says so.
const inherited = runtimeEnv();
if (Object.keys(inherited).length > 0) {
  console.warn(`bench: WARNING: every target inherits ${envText(inherited)}: no runtime runs on its defaults alone`);
}

if (options.backend === 'services') {
  const { DATABASE_URL, REDIS_URL } = services(ServicesUp, 'up');
  options.serviceEnv = { DATABASE_URL, REDIS_URL };
}

// The orchestrator itself (sampling, bookkeeping) runs on the generator cores, away from the server.
spawnSync('taskset', ['-pc', options.generatorCores, String(process.pid)], { stdio: 'ignore' });

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.log(`\nbench: ${sig}: stopping after the current cell's cleanup`);
    controller.abort();
  });
}

console.log(
  `bench ${options.runId}${
    resumed ? ' (resumed)' : ''
  }: ${options.targets.length} targets × ${options.workloads.length} workloads × ${options.repeats}` +
    `${options.maxRepeats ? `–${options.maxRepeats}` : ''} rounds (seed ${options.seed ?? 1}), ` +
    `${options.mode} loop, ${options.connections} connections, ${options.durationS}s (+${options.warmupS}s warm-up), ` +
    `server on cores ${options.serverCores}, generator on ${options.generatorCores}, ${options.backend} backend`,
);
try {
  const meta = await runBench(options, (line) => console.log(line), controller.signal, resumed?.resumed);
  console.log(
    `\nresults: ${options.outDir} (${meta.cells.length} cells, ${meta.skipped.length} skipped, ` +
      `${meta.failedRepeats} failed repeats, ${meta.wallTimeS}s)`,
  );
  // A full run on real services ends with the seeds' own setups as labelled reference rows
  // (references.json), measured after the cells — never beside them: both pin the services.
  let extrasFailed = false;
  const seedsFile = join(options.outDir, 'references.json');
  // Only after a full matrix (every workload of the catalogue): a run of a few workloads is a
  // comparison its user scoped, and these take minutes (they can be run on it afterwards).
  const fullMatrix = catalogue.every((e) => options.workloads.includes(e.id));
  if (!fullMatrix && !options.quick) {
    console.log(
      `\nbench: not a full matrix, so no seeds' setups or instruction counts; add them with ` +
        `npm run bench:seeds -- --run ${options.runId} and npm run bench:instructions -- --run ${options.runId}`,
    );
  }
  if (fullMatrix && !options.quick && options.backend === 'services' && !values['no-seeds'] && !existsSync(seedsFile)) {
    console.log("\nbench: the seeds' setups (npm run bench:seeds; --no-seeds skips them)");
    const seeds = spawnSync(process.execPath, [
      'bench/measure/seeds-cli.ts',
      '--run',
      options.outDir,
      '--server-cores',
      options.serverCores,
      '--generator-cores',
      options.generatorCores,
    ], { cwd: ROOT, stdio: 'inherit' });
    extrasFailed = seeds.status !== 0;
  }
  // A full run ends with the figure the host cannot move: instructions per request under callgrind
  // for GET /json and POST /json/small on every target of the run (bench/measure/instructions.ts).
  const instructionsFile = join(options.outDir, 'instructions.json');
  if (fullMatrix && !options.quick && !values['no-instructions'] && !existsSync(instructionsFile)) {
    console.log(
      '\nbench: instructions per request under callgrind (npm run bench:instructions; --no-instructions skips it)',
    );
    const counted = spawnSync(process.execPath, [
      'bench/measure/instructions-cli.ts',
      '--run',
      options.outDir,
      '--targets',
      options.targets.filter((t) => !targetByName(t).reference).join(','),
    ], { cwd: ROOT, stdio: 'inherit' });
    extrasFailed ||= counted.status !== 0;
  }
  const report = spawnSync(process.execPath, ['bench/report/cli.ts', options.outDir], { cwd: ROOT, stdio: 'inherit' });
  // A run with failed repeats still gets its report (they are listed there), but never exits 0.
  if (report.status !== 0 || extrasFailed || meta.failedRepeats! > 0) process.exitCode = 1;
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exitCode = controller.signal.aborted ? 130 : 1;
}
