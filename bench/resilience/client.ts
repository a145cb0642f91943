/**
 * The suite's own fixed-rate client (open model): request j of the schedule is intended at
 * start + j / rate and dealt to a part of the mix by its share; every request is recorded — its
 * part, intended, sent and finished times, status and error — so that a fault's timeline (errors
 * only while a service is down, time to recover) and the click invariant (each redirect the client
 * saw complete, by code) can be read afterwards. Keep-alive connections from a bounded pool; latency
 * from the intended send time, so a stalled server is charged its whole delay.
 *
 * loadgen cannot vary the request (the shortener mix's unique URLs and random codes) nor keep a
 * per-request timeline; this client runs at the modest rates of the fault and soak phases only.
 */
import { Agent, request as httpRequest } from 'node:http';
import { CELEBRITIES, SEEDED_CODES, seededCode } from '../../contract/shortener.ts';
import type { Outcome } from './rules.ts';

export interface Sent {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The status a correct answer has. */
  expect: number;
  /** A redirect's code, counted when it completes (the click invariant). */
  code?: string;
}

export interface Part {
  name: string;
  share: number;
  next(seq: number): Sent;
}

export interface FixedRateOptions {
  baseUrl: string;
  rate: number;
  durationS: number;
  connections: number;
  parts: Part[];
  /** A request with no answer this long after its send is a `timeout` error. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FixedRateResult {
  /** Epoch ms of the schedule's start: every time in `outcomes` is relative to it. */
  startedAtMs: number;
  /** The same moment on `performance.now()`'s clock. */
  t0: number;
  outcomes: Outcome[];
  /** Completed redirects by code (the status they expected). */
  redirects: Map<string, number>;
  /** Requests still unanswered at the end (after the timeout): none in a healthy run. */
  unfinished: number;
}

/** Deals request j to a part so that each part's share of every 100 consecutive requests holds. */
export function partOf(parts: readonly Part[], j: number): Part {
  const slot = (j % 100) / 100;
  let acc = 0;
  for (const p of parts) {
    acc += p.share;
    if (slot < acc - 1e-9) return p;
  }
  return parts.at(-1)!;
}

/**
 * Runs the schedule; resolves once every sent request has finished or timed out: at most `timeoutMs`
 * after the last request's intended time, whatever the server does.
 */
export function runFixedRate(o: FixedRateOptions): Promise<FixedRateResult> {
  // fifo: requests go to the longest-idle connection, so the whole pool stays in use (no connection
  // idles into the server's keep-alive timeout).
  const agent = new Agent({
    keepAlive: true,
    maxSockets: o.connections,
    maxFreeSockets: o.connections,
    scheduling: 'fifo',
  });
  const url = new URL(o.baseUrl);
  const timeoutMs = o.timeoutMs ?? 5000;
  const outcomes: Outcome[] = [];
  const redirects = new Map<string, number>();
  const startedAtMs = Date.now();
  const t0 = performance.now();
  const total = Math.round(o.rate * o.durationS);
  const seqs = new Map<string, number>();
  let issued = 0, inFlight = 0;

  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(timer);
      agent.destroy();
      resolve({ startedAtMs, t0, outcomes, redirects, unfinished: inFlight });
    };
    const one = (j: number) => {
      const part = partOf(o.parts, j);
      const seq = seqs.get(part.name) ?? 0;
      seqs.set(part.name, seq + 1);
      const s = part.next(seq);
      const intendedMs = (j / o.rate) * 1000;
      const sentMs = performance.now() - t0;
      inFlight++;
      let done = false;
      let written = false;
      let current: ReturnType<typeof httpRequest> | undefined;
      /** The error of a first attempt sent again: if the second fails too, the first error stands. */
      let firstError: string | undefined;
      // Answered within timeoutMs of its send, or a timeout, whether it waited on the wire or behind
      // busy connections in the agent's queue (a socket's idle timeout would start only once it has
      // one: a server that stopped answering would hold the load for timeoutMs per queued request).
      const deadline = setTimeout(() => {
        end(undefined, firstError ?? 'timeout');
        current?.destroy();
      }, timeoutMs);
      const end = (status: number | undefined, error?: string) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        inFlight--;
        const ok = error === undefined && status === s.expect;
        if (ok && s.code !== undefined) redirects.set(s.code, (redirects.get(s.code) ?? 0) + 1);
        outcomes.push({
          part: part.name,
          intendedMs,
          sentMs,
          endMs: performance.now() - t0,
          ok,
          ...(ok ? {} : { error: error ?? `status_${status}`, ...(written ? { written } : {}) }),
        });
        if (issued >= total && inFlight === 0) finish();
      };
      const body = s.body === undefined ? undefined : Buffer.from(s.body);
      /**
       * A keep-alive connection the server closed as it was reused fails before any response
       * byte: sent once more on a fresh one (as browsers and loadgen do). If that fails too, the
       * first error stands (a server killed mid-request cut the first answer).
       */
      const attempt = () => {
        let answered = false;
        const req = current = httpRequest({
          agent,
          host: url.hostname,
          port: url.port,
          method: s.method,
          path: s.path,
          headers: { ...s.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        }, (res) => {
          answered = true;
          res.on('data', () => {});
          res.on('end', () => end(res.statusCode));
          res.on('error', (err) => end(undefined, firstError ?? errorKind(err)));
        });
        req.on('finish', () => {
          written = true;
        });
        req.on('error', (err) => {
          const kind = errorKind(err);
          if (firstError === undefined && req.reusedSocket && !answered && STALE.test(kind)) {
            firstError = kind;
            attempt();
          } else end(undefined, firstError ?? kind);
        });
        req.end(body);
      };
      attempt();
    };
    // A 2 ms tick issues every request whose intended time has come (the latency counts from it).
    const timer = setInterval(() => {
      if (o.signal?.aborted) issued = total;
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.rate) + 1);
      while (issued < due) one(issued++);
      if (issued >= total && inFlight === 0) finish();
    }, 2);
  });
}

const errorKind = (err: Error & { code?: string }): string => (err.code ?? err.message).toLowerCase();

/** How a reused connection the server had closed fails. */
const STALE = /^(econnreset|socket hang up|epipe)$/;

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Seed 000's shortener mix (k6/shortener.ts's shares): writers 10 % (a URL never sent before),
 * broad readers 60 % (a random seeded code), celebrity readers 30 % (a hot code).
 */
export function shortenerMix(runTag: string, random: () => number = Math.random): Part[] {
  return [
    {
      name: 'writers',
      share: 0.1,
      next: (seq) => ({
        method: 'POST',
        path: '/api/shorten',
        headers: JSON_HEADERS,
        body: JSON.stringify({ url: `https://example.com/gauntlet/resilience/${runTag}/${seq}` }),
        expect: 201,
      }),
    },
    {
      name: 'broad-readers',
      share: 0.6,
      next: () => {
        const code = seededCode(1 + Math.floor(random() * SEEDED_CODES));
        return { method: 'GET', path: `/${code}`, expect: 302, code };
      },
    },
    {
      name: 'celebrity-readers',
      share: 0.3,
      next: (seq) => {
        const { code } = CELEBRITIES[seq % CELEBRITIES.length]!;
        return { method: 'GET', path: `/${code}`, expect: 302, code };
      },
    },
  ];
}

/** One catalogue request, the same every time. */
export function single(name: string, sent: Sent): Part[] {
  return [{ name, share: 1, next: () => sent }];
}
