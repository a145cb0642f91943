/** Number formatting for the report: one rule per kind of figure, so tables read alike. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A measured figure at about three significant digits: 12,345 · 568 · 59.8 · 2.55 · 0.412.
 * Throughput, latency in ms, CPU µs and MiB all use this.
 */
export function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 100) return grouped.format(v);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toFixed(3);
}

/** A count: 1,196 · 0. */
export const count = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? '—' : grouped.format(Math.round(v));

/** A ratio: 2.50× · 26.17× · 0.54× · 0.0031×. */
export function ratio(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return `${Math.abs(v) >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`;
}

/** A signed difference: +10.0 · −2.50 · 0. */
export function signed(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return `${v > 0 ? '+' : '−'}${num(Math.abs(v))}`;
}

/** A fraction as a percentage: 0.042 → 4.2%. */
export function pct(fraction: number | undefined, digits = 1): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '—';
  if (fraction === 0) return '0%';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** The spread of repeats as Cell.spread gives it, (max − min) ÷ median: 8.4%. */
export function spreadText(relative: number | undefined): string {
  if (relative === undefined || !Number.isFinite(relative)) return '—';
  return `${(relative * 100).toFixed(1)}%`;
}

export const mib = (bytes: number | undefined): string => num(bytes === undefined ? undefined : bytes / 2 ** 20);

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Seconds as the run log would say them: 42 s · 3 min 20 s · 1 h 05 min. */
export function duration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
