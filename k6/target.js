/** setup(): fail fast when the target is down or lacks what the workload needs, or k6 runs other scenarios than planned. */
import http from 'k6/http';
import exec from 'k6/execution';
import { scenarioDrift } from './plan.ts';
import { offers } from '../contract/health.ts';

/**
 * Throws (k6 stops before any load) when `${BASE_URL}/health` does not answer 200, or when an
 * endpoint of the plan needs a service (db, cache) the target's /health does not report as up.
 * Deliberately no response check here: a target that answers wrongly runs, and fails its
 * thresholds (exit 99).
 * @param {import('./plan.ts').Plan} plan
 */
export function checkTarget(plan) {
  const drift = scenarioDrift(plan, exec.test.options.scenarios);
  if (drift.length > 0) {
    throw new Error(
      `the scenarios k6 runs are not the ones this environment plans (${drift.join('; ')}): ` +
        'an archive keeps the options it was made with, so pass WORKLOAD, MODE, VUS, DURATION, RATE, ' +
        'PRE_VUS, MAX_VUS and WARMUP to `k6 archive`, and no --vus/--duration flags',
    );
  }
  const url = `${plan.settings.baseUrl}/health`;
  const res = http.get(url, { timeout: '5s', responseType: 'text', tags: { phase: 'setup', name: 'setup /health' } });
  if (res.status !== 200) {
    throw new Error(`${url} answered ${res.status === 0 ? res.error : `status ${res.status}`}: is the target running?`);
  }
  const has = offers(res.body);
  const missing = [...new Set(plan.endpoints.flatMap((e) => e.needs.filter((n) => !has.includes(n))))];
  if (missing.length > 0) {
    const who = plan.endpoints.filter((e) => e.needs.some((n) => missing.includes(n))).map((e) => e.id);
    throw new Error(
      `${url} does not offer ${missing.join(', ')}, which ${who.join(', ')} need; /health said ${res.body}`,
    );
  }
  return {
    offers: has,
    // Unique per run, so that writers never collide with an earlier run's rows.
    runId: `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
    // Set when this k6 is one of several (k6 operator): it ran this share of every scenario.
    segment: exec.test.options.executionSegment ? String(exec.test.options.executionSegment) : null,
  };
}
