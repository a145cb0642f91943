/**
 * mixed — POST /api/v1/users/{id}/posts?publish=true: path, query and JSON body together.
 *   k6 run workloads/mixed.js   every mixed endpoint, one after another
 *   k6 run -e WORKLOAD=mixed-post workloads/mixed.js
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts.
 */
import { loadFixtures } from '../k6/fixtures.js';
import { exercise } from '../k6/http.js';
import { makePlan } from '../k6/plan.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan({ family: 'mixed' }, __ENV);
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
