/**
 * The Resilience section (resilience.json, `npm run bench:resilience`): the concurrency each target
 * holds, faults mid-load, the soak and hostile clients, as tables per target, with the rules each
 * verdict follows. Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FaultCell, Resilience } from '../../results/resilience.ts';
import type { Block } from '../doc.ts';
import { heading, list, para, slug, table } from '../doc.ts';
import { count, duration, mib, num, pct } from '../format.ts';
import { logTicks, targetColors } from '../charts.ts';

const verdict = (ok: boolean, failures: readonly string[]) => (ok ? 'ok' : `**FAILED**: ${failures.join('; ')}`);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? 'never' : `${num(v)} ms`);

/** Throughput and p99 against connections (log scales), one line per target. */
export function concurrencyChart(r: Resilience, workload: string): TopLevelSpec {
  const cells = r.sweep.filter((c) => c.workload === workload);
  const targets = cells.map((c) => c.target);
  const values = cells.flatMap((c) =>
    c.levels.filter((l) => l.throughput > 0).map((l) => ({
      target: c.target,
      connections: l.connections,
      throughput: l.throughput,
      p99: l.p99Ms,
    }))
  );
  const color = { field: 'target', type: 'nominal', scale: targetColors(targets), legend: { title: null } };
  const x = {
    field: 'connections',
    type: 'quantitative',
    scale: { type: 'log' },
    title: 'connections',
    axis: { values: r.settings.sweep.levels },
  };
  const p99 = values.map((v) => v.p99).filter((v) => v > 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { aria: false, font: 'sans-serif', view: { stroke: null } },
    data: { values },
    hconcat: [
      {
        title: `${workload}: requests/s`,
        width: 240,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'throughput', type: 'quantitative', title: 'req/s' }, color },
      },
      {
        title: `${workload}: p99 (ms, log scale)`,
        width: 240,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'p99',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'ms',
            axis: { format: '~g', values: logTicks(Math.min(...p99), Math.max(...p99)) },
          },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}

function sweepBlocks(r: Resilience, chartIds: Set<string>): Block[] {
  if (r.sweep.length === 0) return [];
  const { levels, levelDurationS, warmupS } = r.settings.sweep;
  const blocks: Block[] = [
    heading(3, 'Concurrency sweep', 'resilience-sweep'),
    para(
      `Each target once per workload, the levels in ascending order in a closed loop, ${
        num(warmupS)
      } s of warm-up and ` +
        `${num(levelDurationS)} s measured per level. Each entry: requests/s · p99 ms · errors; ⚠ marks a level ` +
        `that did not hold (${r.rules.text.stable})${
          r.sweep.some((c) => c.levels.some((l) => l.firstTry))
            ? '; ↻ a level measured twice because its first window did not hold (the entry is the second, ' +
              'resilience.json keeps both)'
            : ''
        }.`,
    ),
  ];
  for (const workload of [...new Set(r.sweep.map((c) => c.workload))]) {
    const cells = r.sweep.filter((c) => c.workload === workload);
    const rows = cells.map((c) => [
      c.target,
      c.failure ? `${count(c.maxStable)} (${c.failure})` : count(c.maxStable),
      ...levels.map((n) => {
        const l = c.levels.find((x) => x.connections === n);
        if (!l) return '—';
        const text = `${l.firstTry ? '↻ ' : ''}${num(l.throughput)} · ${num(l.p99Ms)} · ${pct(l.errorRate, 2)}`;
        return l.stable ? text : `⚠ ${text}${l.alive ? '' : ' (crashed)'}`;
      }),
    ]);
    const id = `resilience-${slug(workload)}`;
    chartIds.add(id);
    blocks.push(
      heading(4, workload, `sweep-${slug(workload)}`),
      table(['Target', 'Max stable', ...levels.map((n) => `${n} conns`)], rows),
      {
        kind: 'chart',
        id,
        title: `${workload}: throughput and p99 by connections`,
        spec: concurrencyChart(r, workload),
      },
    );
  }
  return blocks;
}

/**
 * "Full rate never" because the load is above what the target serves, not because of the fault: it
 * was not at full rate before the first fault either (the cell's steady figures, by the same test).
 */
const fullRate = (r: Resilience, c: FaultCell, fullRateMs: number | null) => {
  const s = c.steady;
  if (fullRateMs !== null || !s || s.onTimeShare >= r.rules.fullRateShare) return `full rate ${ms(fullRateMs)}`;
  return `full rate never, nor before the faults (${pct(s.onTimeShare, 1)} on time, p99 ${ms(s.p99Ms)})`;
};

const eventText = (r: Resilience, c: FaultCell, kind: FaultCell['events'][number]['kind']) => {
  const e = c.events.find((x) => x.kind === kind);
  if (!e) return '—';
  const rec = e.recovery;
  const outage = `down ${num((e.upAtMs - e.atMs) / 1000)} s, ${count(rec.errorsDuring)} errors`;
  if (rec.downParts.length === 0) return `${outage}; no part mostly failed; ${fullRate(r, c, rec.fullRateMs)}`;
  return `${outage}; first ok ${ms(rec.firstSuccessMs)}, ${fullRate(r, c, rec.fullRateMs)}`;
};

function faultBlocks(r: Resilience): Block[] {
  if (r.faults.length === 0) return [];
  const f = r.settings.faults;
  return [
    heading(3, 'Faults mid-load', 'resilience-faults'),
    para(
      `A fixed-rate load of ${count(f.rate)} requests/s over ${f.connections} connections ` +
        `(seed 000's shortener mix: writers 10 %, broad readers 60 %, celebrity readers 30 %; or db-recipes), during ` +
        `which Redis is restarted, then Postgres, then (the mix) the server is killed with SIGKILL and started again, ` +
        `each after ${num(f.settleS)} s of steady load and held down ${num(f.outageS)} s (the load ends ${
          num(f.settleS)
        } s ` +
        `after the last). Times are from the service (or server) answering again. Rules: ${r.rules.text.outage}; ` +
        `${r.rules.text.recovery}. Clicks: ${r.rules.text.clicks}.`,
    ),
    table(
      [
        'Target',
        'Load',
        'Requests',
        'Errors',
        'Outside outages',
        'Redis restart',
        'Postgres restart',
        'Server kill -9',
        'Clicks / redirects',
        'Verdict',
      ],
      r.faults.map((c) => [
        c.target,
        c.scenario,
        count(c.requests),
        count(c.errors),
        count(c.errorsOutside),
        eventText(r, c, 'redis-restart'),
        eventText(r, c, 'postgres-restart'),
        eventText(r, c, 'server-kill'),
        c.clicks
          ? `${count(c.clicks.counted)} / ${count(c.clicks.redirected)}${
            c.clicks.extra
              ? ` (+${c.clicks.extra}, ≤ ${c.clicks.allowedExtra - (c.clicks.allowedTimedOut ?? 0)} cut by the kill${
                c.clicks.allowedTimedOut ? ` + ${c.clicks.allowedTimedOut} timed out once sent` : ''
              })`
              : ''
          }`
          : '—',
        verdict(c.ok, c.failures),
      ]),
    ),
  ];
}

function soakBlocks(r: Resilience): Block[] {
  if (r.soak.length === 0) return [];
  const s = r.settings.soak;
  return [
    heading(3, 'Soak', 'resilience-soak'),
    para(
      `${s.workload} at ${count(s.rate)} requests/s for ${
        duration(s.durationS)
      } per target; RSS of the whole process ` +
        `tree sampled every ${count(s.sampleEveryMs)} ms, start and end the medians of the first and last tenth; p99 ` +
        `of the first and last tenth of the requests. Rule: ${r.rules.text.leak}. p99 drift is a figure, not a verdict.`,
    ),
    table(
      [
        'Target',
        'Requests',
        'Errors',
        'RSS start MiB',
        'RSS end MiB',
        'RSS drift',
        'p99 start ms',
        'p99 end ms',
        'p99 drift',
        'Verdict',
      ],
      r.soak.map((c) => [
        c.target,
        count(c.requests),
        count(c.errors),
        mib(c.rssStartBytes),
        mib(c.rssEndBytes),
        pct(c.rssDriftPct / 100),
        num(c.p99StartMs),
        num(c.p99EndMs),
        pct(c.p99DriftPct / 100),
        verdict(c.ok, c.failures),
      ]),
    ),
  ];
}

function hostileBlocks(r: Resilience): Block[] {
  if (r.hostile.length === 0) return [];
  const h = r.settings.hostile;
  return [
    heading(3, 'Hostile clients', 'resilience-hostile'),
    para(
      `${h.workload} at ${count(h.rate)} requests/s for ${duration(h.durationS)}, alone and then beside ` +
        `${count(h.slowHeaderClients)} slow-header clients (a header line a second, never finished), up to ` +
        `${h.slowReaders} slow readers of event streams (/sse?events=100000&interval_ms=0 opened, never read; targets ` +
        'with the sse family: on loopback the kernel takes 3–4 MiB of such a stream before the server meets a full ' +
        'socket, so most of each is written anyway, and this part weighs the cost of writing events), and bad ' +
        `requests at ${pct(h.badShare, 0)} of the normal rate (an oversized header, a malformed header line, a body ` +
        'declared over 1 MiB, malformed JSON), each on its own connection. Afterwards every hostile socket is closed: ' +
        'the target must answer and hold no connection.',
    ),
    table(
      [
        'Target',
        'req/s alone',
        'p99 ms alone',
        'req/s beside',
        'p99 ms beside',
        'Errors beside',
        'Slow-header closed',
        'Bad requests answered',
        'Connections after',
        'Verdict',
      ],
      r.hostile.map((c) => [
        c.target,
        num(c.without.throughput),
        num(c.without.p99Ms),
        num(c.with.throughput),
        num(c.with.p99Ms),
        pct(c.with.errorRate, 2),
        `${count(c.hostile.slowHeadersClosed)} of ${count(c.hostile.slowHeaderClients)}`,
        Object.entries(c.hostile.badStatuses).sort().map(([k, n]) => `${k} ×${n}`).join(', ') || '—',
        count(c.hostile.connectionsAfter),
        verdict(c.ok, c.failures),
      ]),
    ),
  ];
}

/** The whole section, and the ids of its charts. */
/**
 * A run made in several invocations (phase by phase): what each part ran, when, on which commit and
 * CPU, and a warning when the CPU differs between parts (the host's model changes between sittings).
 */
function partsBlocks(r: Resilience): Block[] {
  const parts = r.parts ?? [];
  if (parts.length < 2) return [];
  const cpus = new Set(parts.map((p) => p.machine.cpuModel));
  return [
    para(
      `Made in ${parts.length} parts${
        cpus.size > 1
          ? ` on ${cpus.size} different CPUs: compare figures of one phase across targets (each phase's targets ` +
            'ran in one part), not figures of different parts'
          : ''
      }:`,
    ),
    list(parts.map((p) =>
      `${p.phases.join(', ')} on ${p.targets.length} target${p.targets.length === 1 ? '' : 's'}: ` +
      `${p.startedAt.slice(0, 16).replace('T', ' ')} UTC${
        p.finishedAt ? ` to ${p.finishedAt.slice(0, 16).replace('T', ' ')}` : ' (did not finish)'
      }, commit ${p.git.commit.slice(0, 7)}${p.git.dirty ? ' (dirty)' : ''}, ${p.machine.cpuModel}`
    )),
  ];
}

export function resilienceSection(r: Resilience): { blocks: Block[]; chartIds: string[] } {
  const chartIds = new Set<string>();
  const s = r.settings;
  const blocks: Block[] = [
    heading(2, 'Resilience', 'resilience'),
    para(
      `\`npm run bench:resilience\` (${r.id}${
        s.quick ? ', quick' : ''
      }): ${s.targets.length} targets, server on cores ` +
        `${s.serverCores}, load on ${s.generatorCores}, ${
          s.backend === 'services' ? 'Postgres + Redis' : 'embedded'
        } ` +
        `backend, open files ${count(s.nofile.used)} (found ${count(s.nofile.found)}, hard ${count(s.nofile.hard)}), ` +
        `${duration(r.wallTimeS)} in all. Every setting and rule is in resilience.json.`,
    ),
    ...partsBlocks(r),
    ...sweepBlocks(r, chartIds),
    ...faultBlocks(r),
    ...soakBlocks(r),
    ...hostileBlocks(r),
    ...(r.failedCells.length
      ? [
        heading(3, 'Cells that broke', 'resilience-failed'),
        list(r.failedCells.map((x) => `${x.phase} ${x.what} on ${x.target}: **${x.error}**`)),
      ]
      : []),
    ...(r.skipped.length
      ? [
        heading(3, 'Not run', 'resilience-skipped'),
        list(r.skipped.map((x) => `${x.phase} ${x.what} on ${x.target}: ${x.reason}`)),
      ]
      : []),
  ];
  return { blocks, chartIds: [...chartIds] };
}
