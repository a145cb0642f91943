/**
 * `npm run bench:instructions -- [--targets a,b] [--workloads basic-json,json-small] [--requests 2000]
 *                                [--windows 5] [--warmup 20000] [--runs 2] [--connections 1] [--services]
 *                                [--run <run-id>]`
 *
 * Instructions per request under callgrind, per target × workload (bench/measure/instructions.ts).
 * Defaults: every target of the table but the seeds' references, basic-json and json-small, 20,000 warm-up requests
 * and five counted windows of 2,000 (the figure: all of them together; each window recorded), two runs. Writes instructions.json into results/<run-id>/ with `--run` (beside that
 * run's run.json; the folder is made if missing), else into a new results/<stamp>-instructions/.
 * `--services`: the data workloads on Postgres and Redis (brought up by scripts/services.sh, put back to
 * the seed before each data workload), as `npm run bench -- --services` runs them; else on the embedded database.
 * Progress goes to stdout. A target that cannot run under valgrind is a result (its cell says why),
 * not a failure: the exit status is 0 once the file is written, 2 on a usage error.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { byId } from '../../contract/catalogue.ts';
import { parsePositiveInt } from '../../contract/units.ts';
import { ROOT, targetByName, targets as targetTable } from '../../targets/table.ts';
import { exitOnSignal } from '../../targets/process.ts';
import {
  INSTRUCTIONS_DEFAULTS,
  type InstructionsOptions,
  measureInstructions,
  writeInstructions,
} from './instructions.ts';
import { runDirectory } from './resume.ts';
import { stamp } from './args.ts';

/** The options a command line asks for, and the run it names; throws, saying what is wrong. */
export function parseInstructionsArgs(args: string[]): { options: InstructionsOptions; run?: string } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      targets: { type: 'string' },
      workloads: { type: 'string' },
      requests: { type: 'string' },
      warmup: { type: 'string' },
      windows: { type: 'string' },
      runs: { type: 'string' },
      connections: { type: 'string' },
      services: { type: 'boolean', default: false },
      run: { type: 'string' },
    },
  });
  const list = (text: string | undefined) => text?.split(',').filter(Boolean);
  // Not the seeds' reference targets: they serve only the db family.
  const targets = list(values.targets) ?? targetTable.filter((t) => !t.reference).map((t) => t.name);
  for (const t of targets) targetByName(t);
  const workloads = list(values.workloads) ?? [...INSTRUCTIONS_DEFAULTS.workloads];
  for (const w of workloads) byId(w);
  const count = (name: 'requests' | 'warmup' | 'windows' | 'runs' | 'connections', fallback: number) =>
    values[name] === undefined ? fallback : parsePositiveInt(`--${name}`, values[name]);
  if (values.run !== undefined && values.run.trim() === '') throw new Error('--run needs a run id');
  return {
    options: {
      targets,
      workloads,
      warmup: count('warmup', INSTRUCTIONS_DEFAULTS.warmup),
      measured: count('requests', INSTRUCTIONS_DEFAULTS.measured),
      windows: count('windows', INSTRUCTIONS_DEFAULTS.windows),
      runs: count('runs', INSTRUCTIONS_DEFAULTS.runs),
      connections: count('connections', INSTRUCTIONS_DEFAULTS.connections),
      backend: values.services ? 'services' : 'embedded',
    },
    ...(values.run === undefined ? {} : { run: values.run }),
  };
}

if (import.meta.main) {
  // ^C ends the run and the target it has under valgrind (a target runs in a process group of its own).
  exitOnSignal((line) => console.error(`bench:instructions: ${line}`));
  let parsed: ReturnType<typeof parseInstructionsArgs>;
  try {
    parsed = parseInstructionsArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench:instructions: ${(err as Error).message}`);
    process.exit(2);
  }
  const { options, run } = parsed;
  const dir = run === undefined ? join(ROOT, 'results', `${stamp(new Date())}-instructions`) : runDirectory(run);
  console.log(
    `bench:instructions: ${options.targets.length} targets × ${options.workloads.length} workloads × ${options.runs} ` +
      `runs, ${options.warmup} warm-up + ${options.windows} × ${options.measured} counted requests each, ` +
      `over ${options.connections} keep-alive connection${options.connections === 1 ? '' : 's'}, under callgrind, ` +
      `${options.backend} backend`,
  );
  const result = await measureInstructions(options, (line) => console.log(line));
  console.log(`\nwrote ${writeInstructions(dir, result)} (${result.wallTimeS} s)`);
}
