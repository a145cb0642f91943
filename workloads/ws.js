/**
 * ws — GET /ws: WebSocket echo of text and binary messages (the catalogue's ws-echo messages).
 *   k6 run workloads/ws.js
 * Environment (BASE_URL, WORKLOAD, MODE, VUS, DURATION, RATE, PRE_VUS, MAX_VUS, WARMUP,
 * SUMMARY_JSON): k6/plan.ts.
 *
 * closed: each VU opens one socket and echoes the messages in turn, one in flight at a time,
 *   until the scenario's end, then closes it: messages/s (`ws_msgs`) and round trips
 *   (`ws_echo_rtt`) under VUS concurrent sockets.
 * rate: each iteration is a session — open, echo every message once, close — RATE sessions/s.
 * Every echo is checked (same type and size; the content of text always, of binary on the
 * sampled messages: the first 20 of each VU, then 1 in 16). `ws_echo_rtt` is timed with
 * exec.instance.currentTestRunDuration (sub-millisecond; Date.now() has 1 ms steps and there is
 * no performance.now() in k6).
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { enter } from '../k6/http.js';
import { checksBody, makePlan, phaseAt } from '../k6/plan.ts';
import { summarize } from '../k6/summary.ts';
import { checkTarget } from '../k6/target.js';

const plan = makePlan(
  { family: 'ws', primary: 'ws_msgs', metrics: { ws_msgs: 'counter', ws_echo_rtt: 'trend' } },
  __ENV,
);
const echoes = new Counter('ws_msgs');
const rtt = new Trend('ws_echo_rtt', true);

/** Time an echo may take before the socket is given up as stalled (a failed check). */
const STALL_MS = 1500;
/** A closed-loop VU stops this long before its scenario ends, so no session is cut off. */
const MARGIN_MS = 100;

/** The catalogue's messages, ready to send: text as is, binary as bytes i·7 (as the conformance suite). */
const messages = Object.fromEntries(plan.endpoints.map((e) => [
  e.id,
  e.expect.messages.map((m) =>
    m.text !== undefined
      ? { label: `text ${m.text.length} B`, data: m.text }
      : { label: `binary ${m.binaryBytes} B`, data: new Uint8Array(m.binaryBytes).map((_, i) => i * 7).buffer }
  ),
]));

/** @param {{ data: string | ArrayBuffer }} sent @param {unknown} got @param {boolean} whole */
function same(sent, got, whole) {
  if (typeof sent.data === 'string') return got === sent.data;
  if (!(got instanceof ArrayBuffer) || got.byteLength !== sent.data.byteLength) return false;
  if (!whole) return true;
  const a = new Uint8Array(sent.data), b = new Uint8Array(got);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const options = plan.options;

export function setup() {
  return checkTarget(plan);
}

/** Messages echoed by this VU so far: the sampling counter for the content checks. */
let echoed = 0;
/** Socket errors printed by this VU: enough to see what is wrong, not a flood. */
let reported = 0;

export function run() {
  const { part, endpoint } = enter(plan);
  const closedLoop = part.mode === 'closed';
  const end = exec.scenario.startTime + part.warmupMs + part.durationMs;
  const deadline = end - MARGIN_MS;
  if (closedLoop && deadline - Date.now() < MARGIN_MS) {
    // Too late for another session: idle past the scenario's end, so k6 starts no more iterations.
    sleep((end + 50 - Date.now()) / 1000);
    return;
  }
  const list = messages[endpoint.id];
  const label = part.name;
  const socket = new WebSocket(plan.settings.baseUrl.replace(/^http/, 'ws') + endpoint.request.path);
  socket.binaryType = 'arraybuffer';
  let sent = 0;
  let sentAt = 0;
  let waiting = false;
  let watchdog = null;

  const next = () => {
    clearTimeout(watchdog);
    if (closedLoop ? Date.now() >= deadline : sent >= list.length) {
      socket.close();
      return;
    }
    const message = list[sent++ % list.length];
    waiting = true;
    watchdog = setTimeout(() => socket.close(), STALL_MS);
    sentAt = exec.instance.currentTestRunDuration;
    socket.send(message.data);
  };

  socket.onopen = next;
  socket.onmessage = (event) => {
    const took = exec.instance.currentTestRunDuration - sentAt;
    waiting = false;
    // A closed-loop session spans warm-up and measurement: re-tag at every echo.
    exec.vu.metrics.tags.phase = phaseAt(Date.now() - exec.scenario.startTime, part.warmupMs);
    const message = list[(sent - 1) % list.length];
    check(event, { [`${label}: ${message.label} echoed`]: (e) => same(message, e.data, checksBody(echoed++)) });
    rtt.add(took);
    echoes.add(1);
    next();
  };
  socket.onerror = (event) => {
    if (reported++ < 3) console.error(`${label}: ${event.error}`);
  };
  socket.onclose = () => {
    clearTimeout(watchdog);
    // Refused, dropped or stalled with an echo outstanding: a failed check, not a silent gap.
    check(null, { [`${label}: session complete`]: () => sent > 0 && !waiting });
  };
}

export function handleSummary(data) {
  return summarize(plan, data);
}
