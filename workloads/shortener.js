/**
 * shortener — POST /api/shorten, GET /{code} (302), GET /api/stats/{code}; Postgres + a cache.
 *   k6 run workloads/shortener.js            seed 000's mix, three scenarios at once:
 *       writers (10 %)            POST /api/shorten, a URL never sent before
 *       broad-readers (60 %)      GET /{code}, a random one of the 100,000 seeded codes
 *       celebrity-readers (30 %)  GET /{code}, one of the 5 hot codes
 *   k6 run -e WORKLOAD=shortener-stats workloads/shortener.js     one endpoint alone
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts. VUS / RATE are the totals the mix shares. The summary has each
 * role's figures under its scenario name. Redirects are not followed: a reader expects 302 with
 * the seeded URL in Location (contract/shortener.ts).
 */
import exec from 'k6/execution';
import { loadFixtures } from '../k6/fixtures.js';
import { enter, exercise, send, verify } from '../k6/http.js';
import { makePlan } from '../k6/plan.ts';
import { MIX } from '../k6/shortener.ts';
import { CELEBRITIES, SEEDED_CODES, seededCode, seededUrl } from '../contract/shortener.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan({
  family: 'shortener',
  exec: { 'shortener-shorten': 'write' },
  mix: MIX,
}, __ENV);
const fixtures = loadFixtures(plan.endpoints);

export const options = plan.options;

export function setup() {
  return checkTarget(plan);
}

/** @param {{ runId: string }} data */
export function write(data) {
  const { part, endpoint, whole } = enter(plan);
  const url = `https://example.com/gauntlet/${data.runId}/${exec.vu.idInTest}-${exec.vu.iterationInScenario}-${
    Math.floor(Math.random() * 1e9).toString(36)
  }`;
  const res = send(plan, endpoint, { body: JSON.stringify({ url }), whole });
  verify(part.name, endpoint, res, whole, fixtures.text);
}

/**
 * @param {{ code: string, url: string }} target
 */
function read(target) {
  const { part, endpoint, whole } = enter(plan);
  const res = send(plan, endpoint, { path: `/${target.code}`, whole });
  verify(part.name, endpoint, res, whole, fixtures.text, {
    [`${part.name}: Location is the seeded URL`]: () => res.headers['Location'] === target.url,
  });
}

export function readBroad() {
  const i = 1 + Math.floor(Math.random() * SEEDED_CODES);
  read({ code: seededCode(i), url: seededUrl(i) });
}

export function readCelebrity() {
  read(CELEBRITIES[Math.floor(Math.random() * CELEBRITIES.length)]);
}

/** A catalogue endpoint alone, exactly as the catalogue writes it (WORKLOAD=shortener-redirect|stats). */
export function run() {
  exercise(plan, fixtures);
}

export function handleSummary(data) {
  return summarize(plan, data);
}
