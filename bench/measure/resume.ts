/**
 * `npm run bench -- --resume <run-id>`: continue an interrupted run where it stopped, with the
 * settings it started with, on the same commit — a full run can take hours and several sittings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Cell, envText, RunMeta } from '../results/schema.ts';
import { ROOT } from '../../targets/table.ts';
import { gitState, machine } from './machine.ts';
import { runtimeEnv } from './runtime-env.ts';
import type { BenchOptions, Resumed } from './run.ts';

/** The run directory of a run id, or the path itself when it is one. */
export const runDirectory = (idOrPath: string): string =>
  isAbsolute(idOrPath) || idOrPath.includes('/') ? idOrPath : join(ROOT, 'results', idOrPath);

/** The options and the results so far of the run in `dir`; throws, saying why, when it cannot go on. */
export function resume(
  dir: string,
  commit = gitState().commit,
  cpuModel = machine().cpuModel,
  env = runtimeEnv(),
): { options: BenchOptions; resumed: Resumed } {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) throw new Error(`no run to resume at ${dir} (no run.json)`);
  const meta = RunMeta.parse(JSON.parse(readFileSync(file, 'utf8')));
  if (meta.git.commit !== commit) {
    throw new Error(
      `run ${meta.id} was made at commit ${meta.git.commit} and this checkout is at ${commit}: ` +
        'a run measures one version of the code (check that commit out to resume it)',
    );
  }
  // Rounds measured on another CPU would be mixed into one median: a run is one machine's.
  if (meta.machine.cpuModel !== cpuModel) {
    throw new Error(
      `run ${meta.id} was measured on "${meta.machine.cpuModel}" and this machine is "${cpuModel}": ` +
        'its figures cannot be continued here (start a new run)',
    );
  }
  // The same runtimes, on the same settings: a variable that changes a runtime must match too.
  const had = envText(meta.settings.runtimeEnv ?? {});
  if (had !== envText(env)) {
    throw new Error(
      `run ${meta.id} ran its targets with ${had === '' ? 'no runtime variables' : had} in the environment, ` +
        `and this shell has ${envText(env) || 'none'}: set the same to resume it`,
    );
  }
  const cells = meta.cells
    .filter((name) => existsSync(join(dir, name)))
    .map((name) => Cell.parse(JSON.parse(readFileSync(join(dir, name), 'utf8'))));
  const s = meta.settings;
  const options: BenchOptions = {
    targets: meta.targets.map((t) => t.name),
    workloads: meta.workloads,
    mode: s.mode,
    connections: s.connections,
    ...(s.rate ? { rate: s.rate } : {}),
    durationS: s.durationS,
    warmupS: s.warmupS,
    repeats: s.repeats,
    ...(s.maxRepeats ? { maxRepeats: s.maxRepeats } : {}),
    ...(s.targetHalfWidth ? { targetHalfWidth: s.targetHalfWidth } : {}),
    ...(s.seed ? { seed: s.seed } : {}),
    ...(s.rateTable ? { rateTable: s.rateTable } : {}),
    ...(s.functional ? { functional: s.functional } : {}),
    serverCores: s.serverCores,
    generatorCores: s.generatorCores,
    driver: s.driver,
    backend: s.backend,
    serviceEnv: {},
    quick: s.quick,
    ...(s.peakDriverMissing ? { peakDriverMissing: s.peakDriverMissing } : {}),
    outDir: dir,
    runId: meta.id,
  };
  return { options, resumed: { meta, cells } };
}
