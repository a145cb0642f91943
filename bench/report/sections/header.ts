/** The report's opening: the run, its machine and settings, and how to read the tables. Pure. */
import { type Cell, envText, type RunMeta } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { heading, list, para } from '../doc.ts';
import { duration } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { missingCells } from '../model.ts';
import { DIFFERS, GEN, UNCLEAR } from './text.ts';

export function header(run: RunMeta, cells: readonly Cell[], idx: CellIndex): Block[] {
  const s = run.settings;
  const load = s.mode === 'closed'
    ? `closed loop, ${s.connections} connections`
    : `fixed rate, ${s.rate ?? '?'} requests/s (${s.connections} VUs pre-allocated)`;
  const blocks: Block[] = [
    heading(1, `Gauntlet run ${run.id}`, 'top'),
    para(
      `Started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}` +
        `${run.wallTimeS !== undefined ? ` (${duration(run.wallTimeS)})` : ''}; commit \`${run.git.commit}\`` +
        `${run.git.dirty ? ' with uncommitted changes' : ''}. ${idx.targets.length} targets × ` +
        `${idx.workloads.length} workloads × ${s.repeats}${s.maxRepeats ? `–${s.maxRepeats}` : ''} rounds, ` +
        `interleaved${s.seed !== undefined ? ` (order shuffled per round, seed ${s.seed})` : ''}; ${load}, ` +
        `${s.durationS} s measured after ${s.warmupS} s of warm-up; server on cores ${s.serverCores}, ` +
        `load generator on cores ${s.generatorCores}. Every figure is the median of the rounds that succeeded, ` +
        'with its 95 % interval in brackets.',
    ),
  ];
  if (s.backend === 'embedded' || cells.some((c) => c.backend === 'embedded')) {
    blocks.push(para(
      '**Backend: embedded** — the db and shortener workloads ran on the embedded default (PGlite and an ' +
        'in-process cache inside the server process), not on Postgres + Redis. Those figures include no ' +
        'network round trip to a database or cache, and are labelled "embedded" wherever they appear.',
      'warning',
    ));
  } else {
    blocks.push(para(
      '**Backend: Postgres + Redis** (real services) for the db and shortener workloads' +
        (s.servicesCores
          ? `, pinned to cores ${s.servicesCores}; their CPU per request is the "backend CPU" of each data cell.`
          : '.'),
      'note',
    ));
  }
  if (s.functional) {
    blocks.push(para(`**Functional run, not figures**: ${s.functional}.`, 'warning'));
  }
  if (s.quick) {
    blocks.push(para('**Quick run**: shortened settings for a smoke test, not figures to publish.', 'warning'));
  }
  const uneven = cells.filter((c) => c.repeats.some((r) => r.state === 'ok' && r.figures.workerCpuUneven));
  if (uneven.length > 0) {
    blocks.push(para(
      `**Uneven worker CPU** (the busiest worker used over 1.5 × the CPU of the idlest in a round, so the cell ` +
        `used fewer effective cores than it had): ${
          uneven.map((c) => {
            const shares = c.repeats.flatMap((r) => r.state === 'ok' && r.figures.workerCpuUneven ? [r.figures] : [])
              .map((f) => (f.workerCpuShares ?? []).map((x) => `${Math.round(100 * x)}%`).join('/'));
            return `${c.target} × ${c.workload} (${shares.join(', ')})`;
          }).join('; ')
        }.`,
      'warning',
    ));
  }
  if (s.runtimeEnv) {
    blocks.push(para(
      `**Runtime settings from the environment**: every target ran with \`${
        envText(s.runtimeEnv)
      }\`, so no runtime ran on its defaults alone (these variables change a JIT, a collector, a thread ` +
        'pool or an allocator; bench/measure/runtime-env.ts lists them).',
      'warning',
    ));
  }
  if (s.peakDriverMissing) {
    blocks.push(
      para(`**No fast load generator**: ${s.peakDriverMissing}. Those figures measure k6, not the servers.`, 'warning'),
    );
  }
  if (run.git.dirty) {
    blocks.push(
      para('The working tree had uncommitted changes: the commit alone does not reproduce this run.', 'warning'),
    );
  }
  const missing = missingCells(run, cells);
  if (missing.length > 0) {
    blocks.push(
      para(`run.json lists cells with no result file: ${missing.map((m) => `\`${m}\``).join(', ')}.`, 'warning'),
    );
  }
  blocks.push(para('The charts are in report.html, beside this file.', undefined, 'markdown'));
  return blocks;
}

export function howToRead(idx: CellIndex): Block[] {
  const drivers = [...new Set(idx.cells.map((c) => c.driver))].sort();
  return [
    heading(2, 'How to read this', 'how-to-read'),
    list([
      '**Medians and intervals.** Each figure is the median over the rounds (repeats) that succeeded, ' +
      'followed by its 95 % confidence interval in brackets — distribution-free, from order statistics; with ' +
      'fewer than 6 rounds no such interval exists and the brackets hold the min–max range instead. A figure is ' +
      'printed to the digits its interval supports. Failed repeats are listed with their reason.',
      '**Ratios are paired.** A ratio between two targets is computed round by round (their windows of one ' +
      'round run back to back), then its median and interval are taken: drift of the host between rounds ' +
      `cancels. **${UNCLEAR}** marks a ratio whose interval holds 1: no clear difference, not a ranking.`,
      '**Limiter.** What held each cell: `server` (its cores ≥ 90 % busy), `generator` (the generator cores ' +
      "≥ 90 % busy, the services' share left out), `backend` (Postgres and Redis took most of saturated " +
      'generator cores), `rate` (a fixed-rate cell), or `latency` (nothing saturated: a closed loop waiting on ' +
      "round trips, with the in-flight requests by Little's law).",
      `**${GEN} generator-bound.** The load generator was near its own CPU limit, so the throughput is a lower ` +
      `bound (shown as ≥). A ratio with such a figure on one side is a bound (≥ or ≤); with it on both sides ` +
      `it is undetermined (~).`,
      `**${DIFFERS}** The two cells of a ratio differ in driver, backend, mode or unit: the ratio is not ` +
      'like for like.',
      `**Driver.** Every figure names the load generator that produced it (in this run: ${drivers.join(', ')}); ` +
      'k6 drives every workload, a faster generator the plain request/response ones for peak throughput.',
      "**CPU µs per request** is the server process tree's user + system CPU time per completed request " +
      '(per message for WebSocket). It stays comparable when throughput measures the generator, and is the ' +
      'figure to read for fixed-rate cells, whose throughput is the offered rate.',
      '**Published figures** (from `results/reference/`) were measured elsewhere and stand in their own columns ' +
      'and tables, each tagged with its source [seed] and labelled with its hardware, tool and concurrency; ' +
      'they are never part of a measured column.',
    ]),
  ];
}
