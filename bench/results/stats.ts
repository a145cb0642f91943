/** Statistics as pure functions over samples, with exact, tested results. */

/** The p-th percentile (0…100) of ascending samples, linearly interpolated between ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank), hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/** min, max, and the range relative to the median (0.1 = the repeats span 10% of the median). */
export function relativeRange(values: readonly number[]): { min: number; max: number; relative: number } {
  if (values.length === 0) return { min: NaN, max: NaN, relative: NaN };
  const min = Math.min(...values), max = Math.max(...values), m = median(values);
  return { min, max, relative: m === 0 ? 0 : (max - min) / Math.abs(m) };
}

/** The median of the values that are there, or undefined when none is (a figure older results lack). */
export function medianOfPresent(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : median(present);
}

/** CPU use in percent of `cores` cores over `seconds` of wall time. */
export function cpuPercent(ticks: number, clockTicksPerSecond: number, seconds: number, cores = 1): number {
  if (seconds <= 0) return NaN;
  return (ticks / clockTicksPerSecond) / seconds / cores * 100;
}

/** A median with a distribution-free confidence interval around it (see medianInterval). */
export interface MedianInterval {
  median: number;
  low: number;
  high: number;
  /** The finite values the interval is taken over. */
  n: number;
  /** The coverage the interval actually has (not the one asked for): 0.978515625 for n = 10. */
  confidence: number;
  /** false: too few values for the confidence asked, so `low`–`high` is the min–max range. */
  exact: boolean;
}

/**
 * The median of `values` and the order-statistic confidence interval for it, which assumes
 * nothing about the distribution (repeats of a benchmark are rarely normal: one slow round is
 * common). With x(1) ≤ … ≤ x(n) sorted, the number B of values below the true median is
 * Binomial(n, 1/2), so [x(j), x(k)] with k = n + 1 − j covers the median with probability
 * P(j ≤ B < k) = 1 − 2·P(B ≤ j − 1), summed exactly. The interval is the narrowest of those
 * symmetric ones (the largest j, so the innermost ranks) whose coverage is still ≥ `confidence`:
 * for n = 10 that is ranks 2 and 9, covering 1 − 2·11/1024 = 97.9 %. When even the min–max range
 * (j = 1, coverage 1 − 2·0.5ⁿ) falls short — n < 6 for 95 % — the min–max range is returned with
 * `exact: false` and the coverage it does have (75 % for 3 values). Non-finite values are left out.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} is not between 0 and 1`);
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, low: NaN, high: NaN, n, confidence: 0, exact: false };
  // 0.5ⁿ underflows past n = 1074; a run never has a thousand repeats.
  if (n > 1000) throw new RangeError(`medianInterval sums the binomial exactly, up to n = 1000 (got ${n})`);
  // pmf(i) = C(n, i)·0.5ⁿ; for small n every step is exact (an integer times a power of two).
  let pmf = 0.5 ** n, below = 0, j = 0, coverage = 1 - 2 * pmf;
  for (let next = 1; next <= Math.floor(n / 2); next++) {
    below += pmf; // P(B ≤ next − 1)
    pmf = pmf * (n - next + 1) / next;
    const c = 1 - 2 * below;
    if (c < confidence) break;
    j = next;
    coverage = c;
  }
  const median = percentile(sorted, 50);
  if (j === 0) return { median, low: sorted[0]!, high: sorted[n - 1]!, n, confidence: coverage, exact: false };
  return { median, low: sorted[j - 1]!, high: sorted[n - j]!, n, confidence: coverage, exact: true };
}

/**
 * Round-by-round ratios a[k] ÷ b[k], for the rounds where both were measured and b[k] > 0.
 * Repeats are interleaved rounds, so pairing them cancels what drifts between rounds.
 */
export function pairedRatios(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): number[] {
  const ratios: number[] = [];
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k], y = b[k];
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y > 0) ratios.push(x / y);
  }
  return ratios;
}

/** The median of the paired ratios a[k] ÷ b[k] and its interval (medianInterval of pairedRatios). */
export const ratioInterval = (
  a: readonly (number | undefined)[],
  b: readonly (number | undefined)[],
  confidence = 0.95,
): MedianInterval => medianInterval(pairedRatios(a, b), confidence);

type Interval = Pick<MedianInterval, 'median' | 'low' | 'high'>;

const halfWidth = (i: Interval): number => Math.max(i.median - i.low, i.high - i.median);

/** The wider side of the interval relative to the median: 0.03 = the median is known to ±3 %. */
export function halfWidthRelative(i: Interval): number {
  const h = halfWidth(i);
  if (i.median === 0) return h === 0 ? 0 : Infinity;
  return h / Math.abs(i.median);
}

/** Converged: the interval is exact and its relative half-width is at most `target` (5 %). */
export const converged = (i: MedianInterval, target = 0.05): boolean => i.exact && halfWidthRelative(i) <= target;

/** The two intervals overlap (touching counts): the data cannot tell the two apart. */
export const noClearDifference = (a: Interval, b: Interval): boolean => a.low <= b.high && b.low <= a.high;

/** The most digits significantDigits gives: what a double holds (for a zero-width interval). */
const MAX_DIGITS = 15;

const magnitude = (v: number): number => Math.floor(Math.log10(Math.abs(v)));

/**
 * The significant digits of the median that the interval supports: the median is kept down to
 * the decimal place of the half-width's leading digit — or of its second digit when the first
 * two read below 35 (± 1,200 is not ± 1,000), the usual rule for quoting an uncertainty.
 * 12,345 ± 400 → 3 (12,300); 47,472 ± 10,560 → 2 (47,000); 59.8 ± 0.3 → 3; at least 1, at most 15
 * (a zero-width interval); NaN without a median.
 */
export function significantDigits(i: Interval): number {
  if (!Number.isFinite(i.median)) return NaN;
  if (i.median === 0) return 1;
  const h = halfWidth(i);
  if (h === 0) return MAX_DIGITS;
  const leadingTwo = Math.floor(h / 10 ** (magnitude(h) - 1));
  const extra = leadingTwo < 35 ? 1 : 0;
  return Math.min(MAX_DIGITS, Math.max(1, magnitude(i.median) - magnitude(h) + 1 + extra));
}

/** The decimals bench/report/format.ts `num` shows at a magnitude: 12,345 · 59.8 · 2.55 · 0.412. */
const numDecimals = (v: number): number => {
  const a = Math.abs(v);
  return a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
};

/**
 * The median and its interval at the digits the interval supports, never finer than the report's
 * `num` shows a figure, grouped as it groups: 12,300 (11,900–12,800) · 59.8 (59.5–60.1) ·
 * 1,500 (1,500–1,500). The bounds are rounded outwards, so the printed interval always holds the
 * computed one. `suffix` follows the median (`×` for a ratio). — without a median.
 */
export function formatWithInterval(i: Interval, suffix = ''): string {
  const digits = significantDigits(i);
  if (!Number.isFinite(digits)) return '—';
  // The power of ten the median is rounded to; low and high are rounded to the same place.
  const place = i.median === 0 ? 0 : Math.max(magnitude(i.median) - digits + 1, -numDecimals(i.median));
  const decimals = Math.max(0, -place);
  const format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const step = 10 ** place;
  const show = (v: number, round: (x: number) => number): string => {
    if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : '—';
    // Divide or multiply by a whole power of ten, whichever is exact, before rounding.
    const rounded = place >= 0 ? round(v / step) * step : round(v * 10 ** -place) / 10 ** -place;
    return format.format(rounded + 0);
  };
  const outward = (v: number, round: (x: number) => number) => show(v, v === i.median ? Math.round : round);
  return `${show(i.median, Math.round)}${suffix} (${outward(i.low, Math.floor)}–${outward(i.high, Math.ceil)})`;
}
