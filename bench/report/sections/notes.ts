/** What did not go as planned (failures, cells not measured), the setup and the references. Pure. */
import type { Reference } from '../../results/reference.ts';
import { included } from '../../results/reference.ts';
import type { Cell, RunMeta } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { heading, list, para, table } from '../doc.ts';
import { gib } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { failedRepeats, skippedGroups } from '../model.ts';
import { tag } from '../published.ts';
import { BACKEND_LABEL } from './text.ts';

export function failures(idx: CellIndex): Block[] {
  const rows = idx.cells.flatMap((c) =>
    failedRepeats(c).map((r) => [c.target, c.workload, String(r.repeat), r.reason])
  );
  return [
    heading(2, 'Failed repeats', 'failures'),
    rows.length > 0 ? table(['Target', 'Workload', 'Repeat', 'Reason'], rows) : para('None: every repeat succeeded.'),
  ];
}

export function notMeasured(run: RunMeta, cells: readonly Cell[]): Block[] {
  const groups = skippedGroups(run, cells);
  if (groups.length === 0) return [];
  const which = (workloads: string[]) => {
    const rest = run.workloads.filter((w) => !workloads.includes(w));
    return workloads.length > 8 && rest.length < workloads.length ? `all but ${rest.join(', ')}` : workloads.join(', ');
  };
  return [
    heading(2, 'Not measured', 'skipped'),
    para('Pairs the run left out, and why (— in the tables above).'),
    table(
      ['Target', 'Workloads', 'Reason'],
      groups.map((g) => [
        g.target,
        which(g.workloads),
        g.partly ? `in some repeats only (the others were measured): ${g.reason}` : g.reason,
      ]),
    ),
  ];
}

export function setup(run: RunMeta): Block[] {
  const s = run.settings;
  return [
    heading(2, 'Setup', 'setup'),
    heading(3, 'Machine', 'machine'),
    table(['Machine', ''], [
      ['CPU', run.machine.cpuModel],
      ['Cores', String(run.machine.cores)],
      ['Memory', gib(run.machine.memoryBytes)],
      ['Kernel', run.machine.kernel],
      ['OS', run.machine.os],
    ]),
    heading(3, 'Settings', 'settings'),
    table(['Setting', 'Value'], [
      ['mode', s.mode === 'closed' ? 'closed loop' : 'fixed rate'],
      ['connections', String(s.connections)],
      ['rate', s.rate !== undefined ? `${s.rate} requests/s` : '—'],
      ['measured duration', `${s.durationS} s`],
      ['warm-up', `${s.warmupS} s`],
      ['repeats', String(s.repeats)],
      ['server cores', s.serverCores],
      ['generator cores', s.generatorCores],
      ['driver', s.driver],
      ['backend', s.backend === 'embedded' ? BACKEND_LABEL.embedded : BACKEND_LABEL.services],
      ['quick', s.quick ? 'yes' : 'no'],
    ]),
    heading(3, 'Targets', 'targets'),
    table(
      ['Target', 'Description', 'Settings'],
      run.targets.map((t) => [
        t.name,
        t.description,
        Object.entries(t.settings).map(([k, v]) => `${k}: ${v}`).join('; ') || '—',
      ]),
    ),
    heading(3, 'Versions', 'versions'),
    table(['Component', 'Version'], Object.entries(run.versions).map(([k, v]) => [k, v])),
  ];
}
export function references(refs: readonly Reference[]): Block[] {
  const blocks: Block[] = [heading(2, 'References', 'references')];
  if (refs.length === 0) return [...blocks, para('No reference figures were supplied.')];
  blocks.push(para(
    'The published comparisons this suite grows out of. Their figures appear in this report only in ' +
      'columns and tables of their own, tagged [seed].',
  ));
  for (const ref of included(refs)) {
    blocks.push(
      heading(3, `[${ref.seed}] ${ref.title}`, `ref-${ref.seed}`),
      para(`${ref.summary} Source: \`shared/seeds/${ref.source}\`.`),
      table(
        ['Context', 'Tool', 'Concurrency', 'Duration', 'Hardware', 'Date'],
        Object.entries(ref.contexts).map(([id, c]) => [
          tag(ref, id),
          c.tool,
          c.concurrency,
          c.duration,
          c.hardware,
          c.date,
        ]),
      ),
      list(
        Object.values(ref.systems).map((s) =>
          `**${s.name}** (${s.standsFor ?? 'no counterpart here'}): ${s.description}`
        ),
      ),
      para('Caveats:'),
      list(ref.caveats),
    );
  }
  const excluded = refs.filter((r) => r.status === 'excluded');
  if (excluded.length > 0) {
    blocks.push(heading(3, 'Not used', 'ref-excluded'));
    blocks.push(list(excluded.map((r) => `**[${r.seed}] ${r.title}** (\`${r.source}\`): ${r.reason}`)));
  }
  return blocks;
}
