/**
 * json — POST /json/small|medium|large: parse, validate against the schema, echo.
 *   k6 run workloads/json.js   every json endpoint, one after another
 *   k6 run -e WORKLOAD=json-small workloads/json.js
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts.
 */
import { loadFixtures } from '../k6/fixtures.js';
import { exercise } from '../k6/http.js';
import { makePlan } from '../k6/plan.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan({ family: 'json' }, __ENV);
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
