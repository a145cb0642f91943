/**
 * The shape of `GET /health` and what a target offers by it: every target streams and upgrades;
 * it offers `db` and `cache` when its /health reports that backend present and up. The conformance
 * suite, the orchestrator and the k6 scripts all decide what to run from this one reading.
 */
import type { Need } from './catalogue.ts';

export interface BackendHealth {
  /** `postgres`, `pglite`, `redis`, `memory`… or `none` when the target runs without it. */
  backend: string;
  up: boolean;
}

export interface Health {
  db: BackendHealth;
  cache: BackendHealth;
}

const up = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as { backend?: unknown }).backend === 'string' &&
  (v as { backend?: unknown }).backend !== 'none' && (v as { up?: unknown }).up === true;

/** The body of a /health as far as it is a report: anything that is not a JSON object reports nothing. */
export function healthReport(healthBody: string): Partial<Health> {
  try {
    const health: unknown = JSON.parse(healthBody);
    return typeof health === 'object' && health !== null ? health : {};
  } catch {
    return {};
  }
}

/** What a target offers, from the body of its /health (anything that is not a health report offers no data). */
export function offers(healthBody: string): Need[] {
  const has: Need[] = ['stream', 'websocket'];
  const h = healthReport(healthBody) as Record<string, unknown>;
  if (up(h.db)) has.push('db');
  if (up(h.cache)) has.push('cache');
  return has;
}
