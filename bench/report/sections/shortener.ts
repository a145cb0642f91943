/** The shortener under seed 000's writer/reader/celebrity mix. Pure. */
import type { Reference } from '../../results/reference.ts';
import type { Cell } from '../../results/schema.ts';
import type { Block } from '../doc.ts';
import { heading, para, slug, table } from '../doc.ts';
import { num, ratio } from '../format.ts';
import type { CellIndex } from '../model.ts';
import { canonicalRole, extraKeys, PYTHON, roleOf, RUST } from '../model.ts';
import type { PublishedRatio } from '../published.ts';
import { publishedRatios } from '../published.ts';
import { backendsText, publishedLegend, publishedText } from './text.ts';

export function shortenerMix(idx: CellIndex, refs: readonly Reference[]): Block[] {
  const blocks: Block[] = [];
  for (const w of idx.workloads) {
    const cells = idx.targets.map((t) => idx.get(t, w)).filter((c): c is Cell => c !== undefined);
    if (!cells.some((c) => c.family === 'shortener')) continue;
    const roleKeys = extraKeys(cells).filter((k) => roleOf(k) !== undefined);
    if (roleKeys.length === 0) continue;
    const targets = idx.targets.filter((t) => idx.get(t, w));
    const both = targets.includes(RUST) && targets.includes(PYTHON);
    const used: PublishedRatio[] = [];
    const row = (label: string, role: string, value: (c: Cell) => number | undefined) => {
      const published = publishedRatios(refs, w, role);
      used.push(...published);
      const r = idx.get(RUST, w), p = idx.get(PYTHON, w);
      const rv = r?.median ? value(r) : undefined, pv = p?.median ? value(p) : undefined;
      return [
        label,
        ...targets.map((t) => {
          const c = idx.get(t, w)!;
          return c.median ? num(value(c)) : 'failed';
        }),
        ...(both ? [rv !== undefined && pv ? ratio(rv / pv) : '—'] : []),
        publishedText(published),
      ];
    };
    const rows = [
      row('Aggregate req/s', 'aggregate', (c) => c.median!.throughput),
      ...roleKeys.map((k) => {
        const role = canonicalRole(roleOf(k)!);
        return row(`${role} req/s (\`${k}\`)`, role, (c) => c.median!.extra[k]);
      }),
    ];
    if (blocks.length === 0) blocks.push(heading(2, 'Shortener mix', 'shortener-mix'));
    blocks.push(
      heading(3, `${w}: writers, readers, celebrity readers`, `mix-${slug(w)}`),
      para(
        "Per-role rates of the mixed load, in the shape of seed 000's summary (Metric | Python | Rust | " +
          `Rust ÷ Python). Backend: ${backendsText(cells)}.`,
      ),
      table(['Metric', ...targets, ...(both ? ['Rust ÷ Python'] : []), 'Published Rust ÷ Python'], rows),
      ...publishedLegend(used),
    );
  }
  return blocks;
}
