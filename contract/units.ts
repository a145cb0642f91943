/**
 * The settings syntax every tool of the suite accepts — the orchestrator's flags and the k6
 * scripts' environment alike: k6's durations and positive integers, with errors naming the setting.
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A k6 duration (`10s`, `1m30s`, `500ms`) in milliseconds. */
export function parseDuration(name: string, raw: string): number {
  const parts = [...raw.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (raw === '' || parts.map((p) => p[0]).join('') !== raw) {
    throw new Error(`${name} must be a duration like 10s, 1m30s or 500ms, got ${JSON.stringify(raw)}`);
  }
  return Math.round(parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNITS[unit!]!, 0));
}

/** A whole number ≥ 1, written in decimal digits. */
export function parsePositiveInt(name: string, raw: string): number {
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
