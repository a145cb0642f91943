/**
 * The report's content, section by section, as blocks (see ../doc.ts): one module per section.
 * Pure: the same run, cells and references always give the same blocks.
 */
import type { Reference } from '../../results/reference.ts';
import type { Cell, Instructions, ReferenceRun, RunMeta } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { indexCells } from '../model.ts';
import { header, howToRead } from './header.ts';
import { overview } from './overview.ts';
import { drivers } from './drivers.ts';
import { ratios } from './ratios.ts';
import { honoOverhead } from './overhead.ts';
import { shortenerMix } from './shortener.ts';
import { workloads } from './workload.ts';
import { failures, notMeasured, references, setup } from './notes.ts';
import { precision } from './precision.ts';
import { seedSetups } from './references.ts';
import { instructionsSection } from './instructions.ts';
import type { Resilience } from '../../results/resilience.ts';
import { resilienceSection } from './resilience.ts';

/** The whole report as blocks, and the ids of the charts in it. */
export function reportBlocks(
  run: RunMeta,
  cells: readonly Cell[],
  refs: readonly Reference[],
  /** The seeds' own setups measured beside the run (references.json), when there are any. */
  seeds?: ReferenceRun,
  /** Instructions per request under callgrind (instructions.json), when they were counted. */
  instructions?: Instructions,
  /** What `npm run bench:resilience` measured beside the run (resilience.json), when it did. */
  resilience?: Resilience,
): { blocks: Block[]; chartIds: string[] } {
  const idx = indexCells(run, cells);
  const chartIds = new Set<string>();
  const resilient = resilience ? resilienceSection(resilience) : undefined;
  for (const id of resilient?.chartIds ?? []) chartIds.add(id);
  const blocks = [
    ...header(run, cells, idx),
    ...howToRead(idx),
    ...overview(idx),
    ...precision(run, cells, idx),
    ...drivers(idx, run.driverCalibration),
    ...ratios(idx, refs, chartIds),
    ...honoOverhead(idx),
    ...(instructions ? instructionsSection(instructions) : []),
    ...shortenerMix(idx, refs),
    ...workloads(idx, refs, chartIds),
    ...(resilient?.blocks ?? []),
    ...failures(idx),
    ...notMeasured(run, cells),
    ...setup(run),
    ...(seeds ? seedSetups(seeds) : []),
    ...references(refs),
  ];
  return { blocks, chartIds: [...chartIds] };
}
