/**
 * `npm run compare -- <run-a> <run-b>`
 *
 * Reads two runs (a run id names a folder of results/, anything with a slash is the run directory)
 * exactly as `npm run report` does, validated against bench/results/schema.ts, and prints their
 * comparison (bench/report/compare.ts) as Markdown on stdout. Exits 2 on a missing or invalid run.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRun, runDir } from './cli.ts';
import { compareMarkdown, compareRuns } from './compare.ts';

const RESULTS = fileURLToPath(new URL('../../results/', import.meta.url));

if (import.meta.main) {
  const { positionals } = parseArgs({ allowPositionals: true });
  if (positionals.length !== 2) {
    console.error('usage: npm run compare -- <run-a> <run-b>   (run ids under results/, or run directories)');
    process.exit(2);
  }
  const load = (arg: string) => {
    const dir = runDir(arg, RESULTS);
    try {
      return loadRun(dir);
    } catch (err) {
      console.error(`compare: run ${arg} (${dir}) is missing or invalid: ${(err as Error).message}`);
      process.exit(2);
    }
  };
  const [a, b] = positionals as [string, string];
  process.stdout.write(compareMarkdown(compareRuns(load(a), load(b))));
}
