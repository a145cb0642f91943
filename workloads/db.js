/**
 * db — GET /db/items, /db/items/{id}, POST /db/items, /db/random, /db/queries, /api/v1/recipes.
 *   k6 run workloads/db.js   every db endpoint, one after another
 *   k6 run -e WORKLOAD=db-random workloads/db.js
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts.
 * setup() fails fast unless the target's /health reports a database that is up.
 */
import { loadFixtures } from '../k6/fixtures.js';
import { exercise } from '../k6/http.js';
import { makePlan } from '../k6/plan.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan({ family: 'db' }, __ENV);
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
