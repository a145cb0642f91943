/**
 * multipart — POST /upload with a 1 KB / 10 KB / 100 KB file: the body is the fixture file,
 * sent byte for byte (binary open()) with the catalogue's multipart Content-Type.
 *   k6 run workloads/multipart.js   every multipart endpoint, one after another
 *   k6 run -e WORKLOAD=multipart-100k workloads/multipart.js
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts.
 */
import { loadFixtures } from '../k6/fixtures.js';
import { exercise } from '../k6/http.js';
import { makePlan } from '../k6/plan.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan({ family: 'multipart' }, __ENV);
const fixtures = loadFixtures(plan.endpoints);

export const options = plan.options;

export function setup() {
  return checkTarget(plan);
}

export function run() {
  exercise(plan, fixtures);
}

export function handleSummary(data) {
  return summarize(plan, data);
}
