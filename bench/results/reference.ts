/**
 * Figures from the published comparisons Gauntlet grows out of (shared/seeds/*.txt), transcribed
 * into results/reference/<seed>.json, one file per seed. Each file either carries measured figures
 * with the context they were measured in, or says why it was left out. Every figure keeps the line
 * of its source it was read from (`quote`), so a test can check the value against the quote and
 * the quote against the source text.
 *
 * The report shows these beside, never inside, the figures Gauntlet measured.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Where and how a set of figures was measured, as the source writes it. */
export const Context = z.object({
  tool: z.string(),
  concurrency: z.string(),
  duration: z.string(),
  hardware: z.string(),
  date: z.string(),
  notes: z.string().optional(),
});
export type Context = z.infer<typeof Context>;

/** A measured system, and which Gauntlet baseline (if any) it is the nearest counterpart of. */
export const System = z.object({
  name: z.string(),
  standsFor: z.enum(['rust', 'python']).nullable(),
  description: z.string(),
});
export type System = z.infer<typeof System>;

export const Metric = z.enum([
  'rps',
  'requests',
  'errors',
  'latency_avg',
  'latency_min',
  'latency_max',
  'latency_p10',
  'latency_p25',
  'latency_p50',
  'latency_p75',
  'latency_p90',
  'latency_p95',
  'latency_p99',
  'peak_cpu',
  'peak_rss',
]);
export type Metric = z.infer<typeof Metric>;

/** Units as the source writes them; the report converts for display (s → ms). */
const Unit = z.enum(['req/s', 'requests', 's', 'ms', '%', 'MB']);
export type Unit = z.infer<typeof Unit>;

const figureBase = {
  /** The scenario as the source names it ("JSON Small", "POST /api/shorten"). */
  label: z.string(),
  /** The catalogue workload id the scenario corresponds to, or null when none does. */
  workload: z.string().nullable(),
  /**
   * For figures of one role in a mixed load (seed 000's writer/reader/celebrity): the role, matched
   * against `<role>_rps` / `<role>_per_s` keys of Cell figures' `extra`. `aggregate` is the whole mix.
   */
  role: z.string().optional(),
  /** A key of the file's `contexts`. */
  context: z.string(),
  /** The line of the source the value was read from, verbatim. */
  quote: z.string().min(1),
  note: z.string().optional(),
};

export const Figure = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('value'),
    ...figureBase,
    /** A key of the file's `systems`. */
    system: z.string(),
    metric: Metric,
    value: z.number(),
    unit: Unit,
  }),
  z.object({
    kind: z.literal('ratio'),
    ...figureBase,
    /** numerator ÷ denominator of `metric`, both keys of the file's `systems`. */
    numerator: z.string(),
    denominator: z.string(),
    metric: Metric,
    value: z.number(),
  }),
]);
export type Figure = z.infer<typeof Figure>;

const seedFile = z.string().regex(/^\d{3}_[0-9a-f]+\.txt$/, 'the seed file name, e.g. 001_6a6e02410aafbff1.txt');

export const IncludedReference = z.object({
  status: z.literal('included'),
  seed: z.string().regex(/^\d{3}$/),
  /** The seed file name under shared/seeds/. */
  source: seedFile,
  title: z.string(),
  /** One paragraph: what was compared and how it relates to the catalogue. */
  summary: z.string(),
  /** What makes these figures not directly comparable with ours. */
  caveats: z.array(z.string()),
  contexts: z.record(z.string(), Context),
  systems: z.record(z.string(), System),
  figures: z.array(Figure).min(1),
});
export type IncludedReference = z.infer<typeof IncludedReference>;

const ExcludedReference = z.object({
  status: z.literal('excluded'),
  seed: z.string().regex(/^\d{3}$/),
  source: seedFile,
  title: z.string(),
  reason: z.string(),
});
export type ExcludedReference = z.infer<typeof ExcludedReference>;

export const Reference = z.discriminatedUnion('status', [IncludedReference, ExcludedReference]).superRefine(
  (ref, ctx) => {
    if (ref.status !== 'included') return;
    ref.figures.forEach((f, i) => {
      const missing = (what: string, key: string) =>
        ctx.addIssue({ code: 'custom', path: ['figures', i], message: `unknown ${what} ${JSON.stringify(key)}` });
      if (!(f.context in ref.contexts)) missing('context', f.context);
      for (const s of f.kind === 'value' ? [f.system] : [f.numerator, f.denominator]) {
        if (!(s in ref.systems)) missing('system', s);
      }
    });
  },
);
export type Reference = z.infer<typeof Reference>;

/** Every results/reference/*.json in `dir`, validated, in file-name order. Throws naming the bad file. */
export function loadReferences(dir: string): Reference[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = Reference.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
}

export const included = (refs: readonly Reference[]): IncludedReference[] =>
  refs.filter((r): r is IncludedReference => r.status === 'included');

/**
 * Whether `quote` shows `value` as a whole number token: digits may be grouped with commas or
 * single spaces (`1 196`) and trailing zeros may follow (`59.80`). A space also separates numbers
 * (`58 48% 276 MB`), so `196` counts as shown in `1 196`: space grouping is ambiguous in the
 * sources themselves. Comma groups are not split (`515` is not in `159,515`).
 */
export function quoteShowsValue(quote: string, value: number): boolean {
  const [int, frac = ''] = String(Math.abs(value)).split('.') as [string, string?];
  const grouped = (sep: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  const ints = [...new Set([int, grouped(','), grouped(' ')])].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const fraction = frac ? `\\.${frac}0*` : '(?:\\.0+)?';
  const pattern = new RegExp(`(?<![\\d.,])(?:${ints.join('|')})${fraction}(?![\\d]|[.,]\\d)`);
  return pattern.test(quote);
}
