/**
 * sse — GET /sse?events=N&interval_ms=M: a finite event stream, then the response ends.
 *   k6 run workloads/sse.js
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts.
 *
 * Plain k6 has no SSE client, so a stream is read whole with http.get (the catalogue's streams
 * are finite): time to first event ≈ res.timings.waiting (time to the first response byte; the
 * server sends the first event at once), recorded as the Trend `sse_first_event`; events are
 * counted in every body (`\n\n` ends an event) into the Counter `sse_events`, so events/s =
 * sse_events / measured seconds (the summary's `perSecond`).
 */
import { Counter, Trend } from 'k6/metrics';
import { loadFixtures } from '../k6/fixtures.js';
import { enter, send, verify } from '../k6/http.js';
import { makePlan } from '../k6/plan.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan({ family: 'sse', metrics: { sse_events: 'counter', sse_first_event: 'trend' } }, __ENV);
const fixtures = loadFixtures(plan.endpoints);
const events = new Counter('sse_events');
const firstEvent = new Trend('sse_first_event', true);

export const options = plan.options;

export function setup() {
  return checkTarget(plan);
}

/** @param {string} text */
function countEvents(text) {
  let n = 0;
  for (let i = text.indexOf('\n\n'); i !== -1; i = text.indexOf('\n\n', i + 2)) n++;
  return n;
}

const expected = Object.fromEntries(plan.endpoints.map((e) => [e.id, countEvents(e.expect.text)]));

export function run() {
  const { part, endpoint } = enter(plan);
  // Every body is read (the events are counted in each), so every one is checked whole too.
  const res = send(plan, endpoint, { whole: true });
  const received = countEvents(res.body ?? '');
  events.add(received);
  if (res.status === 200) firstEvent.add(res.timings.waiting);
  verify(part.name, endpoint, res, true, fixtures.text, {
    [`${part.name}: ${expected[endpoint.id]} events`]: () => received === expected[endpoint.id],
  });
}

export function handleSummary(data) {
  return summarize(plan, data);
}
