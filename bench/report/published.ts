/**
 * Picking published figures (results/reference/) for the report's tables, and labelling them with
 * where they came from. Pure functions over Reference; nothing here touches measured figures.
 */
import type { Context, Figure, IncludedReference, Metric, Reference } from '../results/reference.ts';
import { included } from '../results/reference.ts';
import { PYTHON, RUST } from './model.ts';

type ValueFigure = Extract<Figure, { kind: 'value' }>;

/** A published Rust ÷ Python throughput ratio, transcribed or computed from two published rates. */
export interface PublishedRatio {
  value: number;
  ref: IncludedReference;
  context: string;
  numerator: string;
  denominator: string;
  computed: boolean;
}

/** `[001]`, or `[000 high]` when the source has several contexts. */
export const tag = (ref: IncludedReference, context: string): string =>
  Object.keys(ref.contexts).length > 1 ? `[${ref.seed} ${context}]` : `[${ref.seed}]`;

const stands = (ref: IncludedReference, system: string) => ref.systems[system]?.standsFor ?? null;

/**
 * Published Rust ÷ Python throughput ratios for a workload (figures without a role), or for a role
 * of a mixed load when `role` is given. Transcribed ratios first; where a source gives none, the
 * ratio of its Rust and Python rates in the same context, marked computed.
 */
export function publishedRatios(refs: readonly Reference[], workload: string, role?: string): PublishedRatio[] {
  const out: PublishedRatio[] = [];
  const matches = (f: Figure) => f.metric === 'rps' && (role ? f.role === role : !f.role && f.workload === workload);
  for (const ref of included(refs)) {
    const transcribed = ref.figures.filter((f): f is Extract<Figure, { kind: 'ratio' }> =>
      f.kind === 'ratio' && matches(f) && stands(ref, f.numerator) === RUST &&
      stands(ref, f.denominator) === PYTHON
    );
    if (transcribed.length > 0) {
      for (const f of transcribed) {
        out.push({
          value: f.value,
          ref,
          context: f.context,
          numerator: f.numerator,
          denominator: f.denominator,
          computed: false,
        });
      }
      continue;
    }
    const rates = ref.figures.filter((f): f is ValueFigure => f.kind === 'value' && matches(f));
    for (const context of Object.keys(ref.contexts)) {
      const inContext = rates.filter((f) => f.context === context);
      const rust = inContext.find((f) => stands(ref, f.system) === RUST);
      const python = inContext.find((f) => stands(ref, f.system) === PYTHON);
      if (rust && python && python.value > 0) {
        out.push({
          value: rust.value / python.value,
          ref,
          context,
          numerator: rust.system,
          denominator: python.system,
          computed: true,
        });
      }
    }
  }
  return out;
}

/** What one published ratio is, in a line: `[001] Spikard-Rust ÷ Spikard-Python: oha …; 50 …; …`. */
export function describeRatio(p: PublishedRatio): string {
  const name = (s: string) => p.ref.systems[s]?.name ?? s;
  return `${tag(p.ref, p.context)} ${name(p.numerator)} ÷ ${name(p.denominator)}${
    p.computed ? ' (computed here from the two published rates)' : ''
  }: ${describeContext(p.ref.contexts[p.context])}`;
}

/** tool; concurrency; duration; hardware; date — as the source writes them. */
export function describeContext(c: Context | undefined): string {
  if (!c) return 'context unknown';
  return `${c.tool}; ${c.concurrency}; ${c.duration}; ${c.hardware}; ${c.date}${c.notes ? ` (${c.notes})` : ''}`;
}

/** One row per (source, system, context) of published absolute figures for a workload. */
export interface PublishedRow {
  ref: IncludedReference;
  context: string;
  system: string;
  label: string;
  role?: string;
  values: Partial<Record<Metric, number>>;
}

/** Published absolute figures for a workload, grouped as the source tabulated them; times in ms. */
export function publishedRows(refs: readonly Reference[], workload: string): PublishedRow[] {
  const rows = new Map<string, PublishedRow>();
  for (const ref of included(refs)) {
    for (const f of ref.figures) {
      if (f.kind !== 'value' || f.workload !== workload) continue;
      const key = `${ref.seed}\u0000${f.context}\u0000${f.system}\u0000${f.label}`;
      const row = rows.get(key) ??
        { ref, context: f.context, system: f.system, label: f.label, ...(f.role ? { role: f.role } : {}), values: {} };
      row.values[f.metric] = f.unit === 's' ? f.value * 1000 : f.value;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}
