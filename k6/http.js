/**
 * One iteration of a catalogue endpoint: tag the phase, send the catalogue's request, check the
 * response with contract/expect.ts (the same checker as the conformance suite).
 */
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { mismatches } from '../contract/expect.ts';
import { checksBody, phaseAt } from './plan.ts';

/** Mismatch reports printed per VU: enough to see what is wrong, not a flood. */
const REPORTS_PER_VU = 3;
let reported = 0;

/**
 * Starts an iteration: tags everything this VU records from now on with the phase (warm-up
 * samples are excluded from the measured sub-metrics) and says whether to check the whole body.
 * @param {import('./plan.ts').Plan} plan
 */
export function enter(plan) {
  const part = plan.parts.find((p) => p.name === exec.scenario.name);
  // setup() already refuses such a run; this covers --no-setup. One clear stop, not an error per iteration.
  if (!part) exec.test.abort(`scenario ${exec.scenario.name} is not in this run's plan`);
  const endpoint = plan.endpoints.find((e) => e.id === part.workload);
  exec.vu.metrics.tags.phase = phaseAt(Date.now() - exec.scenario.startTime, part.warmupMs);
  return { part, endpoint, whole: checksBody(exec.vu.iterationInScenario) };
}

/**
 * Sends an endpoint's request (or a variant of it: another path or body).
 * @param {import('./plan.ts').Plan} plan
 * @param {import('../contract/catalogue.ts').Endpoint} endpoint
 * @param {{ path?: string, body?: string | ArrayBuffer | null, whole: boolean }} how
 */
export function send(plan, endpoint, { path, body, whole }) {
  const { request } = endpoint;
  return http.request(request.method, plan.settings.baseUrl + (path ?? request.path), body ?? null, {
    headers: request.headers,
    // Unsampled responses are read off the socket but not turned into a JS string.
    responseType: whole ? 'text' : 'none',
    redirects: 0,
    // One `name` per endpoint, whatever the path: no time series per shortener code.
    tags: { name: endpoint.route },
  });
}

/**
 * Checks the status of every response, and the whole response on sampled iterations.
 * @param {string} label check names start with it (scenario name)
 * @param {import('../contract/catalogue.ts').Endpoint} endpoint
 * @param {import('k6/http').RefinedResponse} res
 * @param {boolean} whole
 * @param {(file: string) => string} readFixture
 * @param {Record<string, () => boolean>} [extra] more checks on this response
 */
export function verify(label, endpoint, res, whole, readFixture, extra = {}) {
  const expect = endpoint.expect;
  const checks = { [`${label}: status ${expect.status}`]: () => res.status === expect.status, ...extra };
  if (whole) {
    checks[`${label}: response`] = () => {
      const problems = mismatches(expect, {
        status: res.status,
        contentType: res.headers['Content-Type'] ?? '',
        body: res.body ?? '',
        location: res.headers['Location'],
      }, readFixture);
      if (problems.length > 0 && reported++ < REPORTS_PER_VU) console.error(`${label}: ${problems.join('; ')}`);
      return problems.length === 0;
    };
  }
  return check(res, checks);
}

/**
 * The whole iteration for an endpoint sent exactly as the catalogue writes it.
 * @param {import('./plan.ts').Plan} plan
 * @param {ReturnType<import('./fixtures.js').loadFixtures>} fixtures
 */
export function exercise(plan, fixtures) {
  const { part, endpoint, whole } = enter(plan);
  const res = send(plan, endpoint, { body: fixtures.body(endpoint.id), whole });
  verify(part.name, endpoint, res, whole, fixtures.text);
}
