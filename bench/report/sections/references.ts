/**
 * "The seeds' setups, measured here": the reference rows of references.json (npm run bench:seeds),
 * each labelled as the seed's setup or as ours beside it, with the seed's own published figures for
 * the same system under them. Pure: the same ReferenceRun always gives the same blocks.
 */
import type { ReferenceRow, ReferenceRun, SeedFigure, Spread } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { heading, list, para, table } from '../doc.ts';
import { count, num } from '../format.ts';
import { SEED003 } from '../../results/seed-rows.ts';

/** A median with the min–max of the repeats: `1,234 (1,190–1,270)`; a bare median from one repeat. */
export function withRange(median: number | undefined, spread: Spread | undefined, scale = 1): string {
  if (median === undefined) return 'failed';
  const m = num(median * scale);
  if (!spread || spread.min === spread.max) return m;
  return `${m} (${num(spread.min * scale)}–${num(spread.max * scale)})`;
}

/** A published figure as the report shows it: times in ms, `~` where the source says approximately. */
export function publishedText(f: SeedFigure | undefined): string {
  if (!f) return '—';
  const value = f.unit === 's' ? f.value * 1000 : f.value;
  // An approximate figure keeps the source's own digits ("approximately 10ms" is ~10, not ~10.0).
  return `${f.approximate ? `~${value}` : num(value)}${f.unit === 'MB' ? ' (MB)' : ''}`;
}

const pick = (row: ReferenceRow, metric: string) => row.published.find((f) => f.metric === metric);

const setupText = (row: ReferenceRow): string =>
  row.setup === 'ours'
    ? 'ours, measured here'
    : row.driver === 'hey'
    ? "the seed's load, our launch, measured here"
    : "the seed's, measured here";

/**
 * A figure of a row whose generator cores were saturated (in any repeat), marked as the report
 * marks such cells: `≥` on a throughput (a floor), `≤` on a latency (the generator's own queueing
 * is in it), and ⚠.
 */
export const bound = (row: ReferenceRow, text: string, mark: '≥' | '≤'): string =>
  row.median?.generatorBound ? `${mark}${text} ⚠` : text;

const rowName = (row: ReferenceRow): string => `${row.label} (\`${row.target}\`)`;

/** The rows of one seed, in their order, with the seed's published row after each system's last row. */
function bySystem(rows: readonly ReferenceRow[]): ReferenceRow[][] {
  const groups = new Map<string, ReferenceRow[]>();
  for (const row of rows) groups.set(row.seedSystem, [...(groups.get(row.seedSystem) ?? []), row]);
  return [...groups.values()];
}

const failedItems = (rows: readonly ReferenceRow[]): string[] =>
  rows.flatMap((row) =>
    row.repeats.flatMap((r) => (r.state === 'failed' ? [`\`${row.target}\` repeat ${r.repeat}: ${r.reason}`] : []))
  );

function seed002(run: ReferenceRun, rows: readonly ReferenceRow[]): Block[] {
  const first = rows[0]!;
  const s = run.settings.seed002;
  const body: string[][] = [];
  for (const group of bySystem(rows)) {
    for (const row of group) {
      const m = row.median, sp = row.spread;
      body.push([
        rowName(row),
        setupText(row),
        bound(row, withRange(m?.throughput, sp.throughput), '≥'),
        withRange(m?.latencyMs.avg, sp.latencyAvg),
        withRange(m?.latencyMs.p50, sp.p50),
        withRange(m?.latencyMs.p99, sp.p99),
        withRange(m?.serverPeakCpuPct, sp.serverPeakCpuPct),
        withRange(m?.serverPeakRssBytes, sp.serverPeakRssBytes, 1 / 2 ** 20),
        withRange(m?.serverCpuUsPerUnit, sp.serverCpuUsPerUnit),
      ]);
    }
    const seedRow = group.find((r) => r.setup === 'seed' && r.published.length > 0);
    if (seedRow) {
      body.push([
        `[${seedRow.seed}] published: ${seedRow.seedSystem}`,
        "the seed's, on its machines",
        publishedText(pick(seedRow, 'rps')),
        publishedText(pick(seedRow, 'latency_avg')),
        publishedText(pick(seedRow, 'latency_p50')),
        publishedText(pick(seedRow, 'latency_p99')),
        publishedText(pick(seedRow, 'peak_cpu')),
        publishedText(pick(seedRow, 'peak_rss')),
        '—',
      ]);
    }
  }
  const failed = failedItems(rows);
  return [
    heading(3, `Seed ${first.seed}: GET /api/v1/recipes (our \`${first.workload}\`)`, `seed-setups-${first.seed}`),
    para(
      `The seed: \`${first.seedLoad}\` — ${first.seedContext}. Here: ${first.load}` +
        (s ? `; the server, all its worker processes, on cores ${run.settings.serverCores}` : '') +
        (run.settings.servicesCores ? `; Postgres on cores ${run.settings.servicesCores}.` : '.'),
    ),
    table(
      [
        'Row',
        'Setup',
        'req/s',
        'avg latency ms',
        'p50 ms',
        'p99 ms',
        'peak server CPU % (1 s)',
        'peak RSS MiB',
        'server CPU µs/req',
      ],
      body,
      "Medians of the repeats (min–max); ⚠: the load generator's core was ≥ 90 % busy (Postgres's share left " +
        "out), so the rate is a floor. CPU in % of one core (several workers can pass 100); the seed's " +
        'peak CPU and memory are psrecord\'s (1 s samples, children included), its RSS in "MB" as it wrote it.',
    ),
    ...(failed.length > 0 ? [para('Failed repeats:'), list(failed)] : []),
  ];
}

/** Responses other than 200, and requests with no response at all, summed over the ok repeats. */
const failedText = (row: ReferenceRow): string => {
  let wrong = 0, lost = 0;
  for (const r of row.repeats) {
    if (r.state !== 'ok') continue;
    wrong += Object.entries(r.figures.statusCodes ?? {}).filter(([c]) => c !== '200').reduce((n, [, v]) => n + v, 0);
    lost += r.figures.transportErrors ?? 0;
  }
  return wrong === 0 && lost === 0 ? '0' : `${count(wrong)} non-200, ${count(lost)} without a response`;
};

function seed003(run: ReferenceRun, rows: readonly ReferenceRow[]): Block[] {
  const first = rows[0]!;
  const s = run.settings.seed003;
  const body: string[][] = [];
  for (const group of bySystem(rows)) {
    for (const row of group) {
      const m = row.median, sp = row.spread;
      body.push([
        rowName(row),
        setupText(row),
        m?.offeredRate === undefined ? '—' : count(m.offeredRate),
        withRange(m?.throughput, sp.throughput),
        bound(row, withRange(m?.latencyMs.avg, sp.latencyAvg), '≤'),
        withRange(m?.latencyMs.p50, sp.p50),
        withRange(m?.latencyMs.p99, sp.p99),
        withRange(m?.serverCpuPct, sp.serverCpuPct),
        withRange(m?.serverCpuUsPerUnit, sp.serverCpuUsPerUnit),
        failedText(row),
      ]);
    }
    const seedRow = group.find((r) => r.published.length > 0);
    if (seedRow) {
      body.push([
        `[${seedRow.seed}] published: ${seedRow.seedSystem}`,
        "the seed's, in Docker on unstated hardware",
        count(SEED003.connections * SEED003.ratePerConnection),
        '—',
        publishedText(pick(seedRow, 'latency_avg')),
        '—',
        '—',
        '—',
        '—',
        '—',
      ]);
    }
  }
  const failed = failedItems(rows);
  return [
    heading(
      3,
      `Seed ${first.seed}: a JSON endpoint under hey at a fixed rate (our \`${first.workload}\`)`,
      `seed-setups-${first.seed}`,
    ),
    para(
      `The seed: \`${first.seedLoad}\` — ${first.seedContext}. hey's \`-q\` is per worker and its default \`-c\` ` +
        'is 50, so the seed offered 50 × 100 = 5,000 requests/s (its text reads it as 100 per second). Each worker ' +
        'waits for its response before its next tick: a server slower than the rate gets less, and the average ' +
        `response time (the seed's figure) then includes the queue. Here: ${first.load}` +
        (s ? `, the server on cores ${run.settings.serverCores}` : '') +
        '. The seed does not say how it launched either server (both in Docker); these rows launch them as our ' +
        '`python` and `rocket` targets, one worker each.',
    ),
    table(
      [
        'Row',
        'Setup',
        'offered req/s',
        'achieved req/s',
        "avg latency ms (the seed's figure)",
        'p50 ms',
        'p99 ms',
        'server CPU %',
        'server CPU µs/req',
        'failed responses',
      ],
      body,
      "Medians of the repeats (min–max); ⚠: hey's core was ≥ 90 % busy, so its own queueing is in the latency. " +
        "Latencies are hey's, at its 0.1 ms resolution; the seed's averages are " +
        'approximate (it writes "approximately 10ms" and "a strong 5ms").',
    ),
    ...(failed.length > 0 ? [para('Failed repeats:'), list(failed)] : []),
  ];
}

/**
 * The section: what these rows are (the seeds' settings, not ours, never ranked), then one table
 * per seed with the seed's published figures under each of its systems.
 */
export function seedSetups(run: ReferenceRun): Block[] {
  const blocks: Block[] = [
    heading(2, "The seeds' setups, measured here", 'seed-setups'),
    para(
      "These rows reproduce the seeds' own settings on this machine — **the seed's setup, not ours**. Seed 002's " +
        'servers run several worker processes (gunicorn `-w 5` sync workers, `-w 2` uvicorn workers) with access ' +
        "logs on stdout, and its sync workers close every connection; seed 003's rows run its `hey` load at a " +
        'fixed rate rather than our closed loop. The multi-worker rows break the one-worker rule that every other ' +
        "cell of this report keeps: they are not comparable with our one-core cells and appear in none of the report's " +
        'ranking or ratio tables. The published figures under each system were measured by the seed on its own ' +
        'machines and network: they show what the seed saw, beside what its setup gives here.',
      'warning',
    ),
    para(
      `${run.settings.repeats} interleaved repeat${run.settings.repeats === 1 ? '' : 's'} (every row once per ` +
        'repeat, in turn) after ' +
        `${run.settings.warmupS} s of warm-up each; server on cores ${run.settings.serverCores}, load generator on ` +
        `${run.settings.generatorCores}. Run \`${run.id}\`${run.git.dirty ? ' (uncommitted changes)' : ''} at ` +
        `commit \`${run.git.commit.slice(0, 12)}\`, ${run.machine.cores} cores (${run.machine.cpuModel}).`,
    ),
  ];
  for (const seed of [...new Set(run.rows.map((r) => r.seed))].sort()) {
    const rows = run.rows.filter((r) => r.seed === seed);
    blocks.push(...(rows[0]!.driver === 'hey' ? seed003(run, rows) : seed002(run, rows)));
  }
  if (run.rows.length === 0) blocks.push(para('No reference row was measured.'));
  return blocks;
}
