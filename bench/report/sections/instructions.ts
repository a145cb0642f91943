/**
 * Instructions per request under callgrind (instructions.json): the cost the host's noise barely
 * moves, shown beside CPU µs/request and never mixed with it (it leaves out the kernel). Pure.
 */
import { catalogue, reaches } from '../../../contract/catalogue.ts';
import { medianWindow } from '../../results/instructions.ts';
import { envText, type Instructions, type InstructionsCell } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { heading, list, para, table } from '../doc.ts';
import { count, pct, ratio } from '../format.ts';

const TITLE = 'Instructions per request (callgrind, user space)';

/** A cell's table entries: its figure and how far its runs differ (and its median window), or why there is none. */
function entries(c: InstructionsCell | undefined, windowed: boolean): string[] {
  const steady = (text: string) => (windowed ? [text] : []);
  if (!c) return ['—', '—', ...steady('—')];
  if ('unavailable' in c) return [c.notImplemented ? 'not implemented' : 'could not run', '—', ...steady('—')];
  const window = medianWindow(c);
  return [
    count(c.instructionsPerRequest),
    c.runs.length > 1 ? pct(c.difference, 1) : '—',
    ...steady(window === undefined ? '—' : count(window)),
  ];
}

/**
 * What the data workloads ran on: said on a services run, and on an embedded one that counted a data
 * workload (files made before `--services` do not record it: they ran on the embedded database).
 */
function backendText(data: Instructions): string | undefined {
  if (data.settings.backend === 'services') {
    const versions = data.services ? ` (Postgres ${data.services.postgres}, Redis ${data.services.redis})` : '';
    return `**Backend**: the data workloads ran on Postgres and Redis${versions}, put back to the seed before each, ` +
      "as the bench's `--services` runs them. They run outside callgrind: a data workload's figure is the " +
      "target's own work (its pool, driver and protocol code), not the database's. A warm-up request answered 503 " +
      "before the warm-up's first correct answer is sent again (a pool opening its first connections under " +
      'valgrind outlasts its 2-s connect timeout); every counted answer was correct.';
  }
  const counted = data.cells.some((c) => {
    const endpoint = catalogue.find((e) => e.id === c.workload);
    return endpoint && (reaches(endpoint, 'db') || reaches(endpoint, 'cache'));
  });
  if (data.settings.backend !== 'embedded' || !counted) return undefined;
  return "**Backend**: the data workloads ran on the app's embedded database (PGlite in the server's process) and " +
    'in-process cache: their work is counted in the figure (`--services` counts the targets on Postgres and Redis).';
}

const implemented = (c: InstructionsCell | undefined): boolean => !!c && !('unavailable' in c && c.notImplemented);

/** The section: per-target figures, Hono ÷ bare, the targets that could not run and why, perf's verdict. */
export function instructionsSection(data: Instructions): Block[] {
  const workloads = [...new Set(data.cells.map((c) => c.workload))];
  const targets = [...new Set(data.cells.map((c) => c.target))];
  const cell = (t: string, w: string) => data.cells.find((c) => c.target === t && c.workload === w);
  const { warmup, measured, runs } = data.settings;
  const windows = data.settings.windows ?? 1;
  // The median-window figure needs windows in every counted run (files made before windows have none).
  const windowed = windows > 1 && data.cells.some((c) => medianWindow(c) !== undefined);
  const connections = data.settings.connections ?? 1;
  const sent = connections === 1
    ? 'one after another over one keep-alive connection'
    : `over ${connections} keep-alive connections at once, each sending its next request on its last answer`;
  const counted = windows === 1
    ? `then ${count(measured)} counted`
    : `then ${count(windows * measured)} counted in ${windows} windows of ${count(measured)} (counters zeroed ` +
      'before each, every window kept in instructions.json; the figure is all of them together)';
  const blocks: Block[] = [
    heading(2, TITLE, 'instructions'),
    para(
      `Instructions the server executed in user space per request, counted by valgrind's callgrind ` +
        `(${data.valgrind}): ${count(warmup)} warm-up requests, ${counted}, ${sent}, ` +
        `every thread and process of the server summed; ${runs} run${
          runs === 1 ? '' : 's'
        }, each on a fresh start (runs Δ: their (max − min) ÷ median). The host's noise moves this count far less than ` +
        "CPU time, though not to nothing: a thread woken by a timer (Bun's allocator scavenger, JSC's collector " +
        'scheduling) counts more the slower the server runs under valgrind. The count excludes the kernel ' +
        '(syscalls, the network stack) and runs on a simulated CPU: it is a second cost beside CPU µs/request, ' +
        'never mixed with it. ' +
        (windows === 1
          ? 'A JIT still compiling, or a major collection, in the counted window is counted too — at the same request ' +
            'in every run, so it repeats — so compare figures made with the same warm-up.'
          : 'A JIT still compiling, or a collector whose cycle is longer than a window, moves one window far more ' +
            'than the figure: the windows show how steady the count is; compare figures made with the same ' +
            'warm-up.' +
            (windowed
              ? " The median window (each run's middle window, then the median over runs) leaves out the windows " +
                'where such work lands: the steadier figure, beside the figure that counts everything.'
              : '')),
    ),
    ...(backendText(data) ? [para(backendText(data)!)] : []),
    ...(data.settings.runtimeEnv
      ? [para(
        `**Runtime settings from the environment**: every target ran with \`${
          envText(data.settings.runtimeEnv)
        }\`, so no runtime ran on its defaults alone.`,
        'warning',
      )]
      : []),
    table(
      [
        'Target',
        ...workloads.flatMap((w) => [`${w} instr/req`, `${w} runs Δ`, ...(windowed ? [`${w} median window`] : [])]),
      ],
      targets.filter((t) => workloads.some((w) => implemented(cell(t, w)))).map((t) => [
        t,
        ...workloads.flatMap((w) => entries(cell(t, w), windowed)),
      ]),
    ),
  ];
  if (data.honoOverBare.length > 0) {
    blocks.push(
      para("Hono's instructions against its runtime's own server with no framework, on the same workload:"),
      table(
        [
          'Runtime',
          'Workload',
          'Hono instr/req',
          'Bare instr/req',
          'Hono ÷ bare',
          ...(windowed ? ['Hono ÷ bare, median windows'] : []),
        ],
        data.honoOverBare.map((r) => {
          const [framework, bare] = [cell(r.framework, r.workload), cell(r.bare, r.workload)].map((c) =>
            c && medianWindow(c)
          );
          return [
            `${r.framework} vs ${r.bare}`,
            r.workload,
            count(r.frameworkPerRequest),
            count(r.barePerRequest),
            ratio(r.ratio),
            ...(windowed ? [framework && bare ? ratio(framework / bare) : '—'] : []),
          ];
        }),
      ),
    );
  }
  const failed = data.cells.flatMap((c) => ('unavailable' in c && !c.notImplemented ? [c] : []));
  if (failed.length > 0) {
    blocks.push(
      para('Could not be counted under valgrind:'),
      list(failed.map((c) => `\`${c.target}\` on ${c.workload}: ${c.unavailable}`)),
    );
  }
  blocks.push(
    para(
      `\`perf stat -e instructions\`: ${
        data.perf.available
          ? 'hardware counters work on this machine'
          : `not available here (${data.perf.reason ?? 'no reason given'})`
      }.`,
      'note',
    ),
  );
  return blocks;
}
