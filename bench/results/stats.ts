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

/** CPU microseconds per unit of work, from a delta of clock ticks (utime + stime). */
export function cpuMicrosPerUnit(ticks: number, clockTicksPerSecond: number, units: number): number {
  if (units <= 0) return NaN;
  return (ticks / clockTicksPerSecond) * 1e6 / units;
}

/** CPU use in percent of `cores` cores over `seconds` of wall time. */
export function cpuPercent(ticks: number, clockTicksPerSecond: number, seconds: number, cores = 1): number {
  if (seconds <= 0) return NaN;
  return (ticks / clockTicksPerSecond) / seconds / cores * 100;
}
