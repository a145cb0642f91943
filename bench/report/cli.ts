/**
 * `npm run report -- <run-id | run directory> [--results DIR] [--references DIR] [--readme]`
 *
 * Reads results/<run-id>/run.json (or <run directory>/run.json, for any argument with a slash in
 * it, as the orchestrator passes) and cells/*.json, validates them against bench/results/schema.ts,
 * reads the published figures in results/reference/ (of the repo, whatever --results says), and writes results/<run-id>/report.md and
 * report.html (self-contained, charts inline). With `--readme`, also rewrites the README's headline
 * block from this run (bench/report/headline.ts).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { prettifyError } from 'zod';
import { loadReferences } from '../results/reference.ts';
import { renderReport, renderResilienceReport } from './render.ts';
import { Resilience } from '../results/resilience.ts';
import { headlineMarkdown, replaceHeadline } from './headline.ts';
import { Cell, Instructions, ReferenceRun, RunMeta } from '../results/schema.ts';
import { fileURLToPath } from 'node:url';

/** The repository: results/ and the README live here. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function readValid<T>(schema: z.ZodType<T>, file: string): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} does not match the result schema:\n${prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Load one run's result files, validated. */
export function loadRun(dir: string): { run: RunMeta; cells: Cell[] } {
  const runFile = join(dir, 'run.json');
  if (!existsSync(runFile)) throw new Error(`no run.json in ${dir}`);
  const run = readValid(RunMeta, runFile);
  const cellDir = join(dir, 'cells');
  const files = existsSync(cellDir) ? readdirSync(cellDir).filter((f) => f.endsWith('.json')).sort() : [];
  return { run, cells: files.map((f) => readValid(Cell, join(cellDir, f))) };
}

/** A run id names a folder of the results directory; anything with a slash is the folder itself. */
export const runDir = (arg: string, resultsDir: string): string =>
  arg.includes('/') || isAbsolute(arg) ? resolve(arg) : join(resultsDir, arg);

/** Everything a run's report is rendered from: its result files, the seeds' sources, and what was measured beside it. */
export function loadReportInputs(dir: string, referenceDir: string) {
  const { run, cells } = loadRun(dir);
  const references = existsSync(referenceDir) ? loadReferences(referenceDir) : [];
  // The seeds' setups, when `npm run bench:seeds -- --run <id>` measured them beside this run.
  const seedFile = join(dir, 'references.json');
  const seeds = existsSync(seedFile) ? readValid(ReferenceRun, seedFile) : undefined;
  // Instructions per request, when `npm run bench:instructions -- --run <id>` counted them.
  const instructionsFile = join(dir, 'instructions.json');
  const instructions = existsSync(instructionsFile) ? readValid(Instructions, instructionsFile) : undefined;
  return { run, cells, references, seeds, instructions, resilience: loadResilience(dir) };
}

/** What `npm run bench:resilience` wrote into the folder, when it did. */
export function loadResilience(dir: string): Resilience | undefined {
  const file = join(dir, 'resilience.json');
  return existsSync(file) ? readValid(Resilience, file) : undefined;
}

/** Render and write the report of the run in `dir`; returns the paths written. */
export async function writeReport(dir: string, referenceDir: string): Promise<string[]> {
  // A resilience run on its own folder: its section alone.
  const resilience = existsSync(join(dir, 'run.json')) ? undefined : loadResilience(dir);
  const { markdown, html } = resilience ? await renderResilienceReport(resilience) : await (async () => {
    const { run, cells, references, seeds, instructions, resilience } = loadReportInputs(dir, referenceDir);
    return await renderReport(run, cells, references, seeds, instructions, resilience);
  })();
  const md = join(dir, 'report.md'), page = join(dir, 'report.html');
  writeFileSync(md, markdown);
  writeFileSync(page, html);
  return [md, page];
}

/** Rewrite the headline block of `readmePath` from the run in `dir` (inside the repository). */
function writeHeadline(dir: string, readmePath: string): void {
  const { run, cells } = loadRun(dir);
  const runPath = relative(ROOT, dir);
  if (runPath.startsWith('..') || isAbsolute(runPath)) throw new Error(`--readme needs a run inside ${ROOT}`);
  const readme = readFileSync(readmePath, 'utf8');
  writeFileSync(readmePath, replaceHeadline(readme, runPath, headlineMarkdown(run, cells, runPath)));
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      results: { type: 'string', default: join(ROOT, 'results') },
      references: { type: 'string' },
      readme: { type: 'boolean', default: false },
    },
  });
  const [run] = positionals;
  if (!run || positionals.length > 1) {
    console.error('usage: npm run report -- <run-id | run directory> [--results DIR] [--references DIR] [--readme]');
    process.exit(2);
  }
  try {
    const dir = runDir(run, values.results);
    const written = await writeReport(dir, values.references ?? join(ROOT, 'results', 'reference'));
    for (const f of written) console.log(`wrote ${f}`);
    if (values.readme) {
      writeHeadline(dir, join(ROOT, 'README.md'));
      console.log(`wrote the headline of ${run} into README.md`);
    }
  } catch (err) {
    console.error(`report: ${(err as Error).message}`);
    process.exit(1);
  }
}
