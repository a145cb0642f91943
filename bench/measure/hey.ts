/**
 * hey (github.com/rakyll/hey, built by scripts/hey.sh): seed 003's load generator, used only for
 * its reference rows. Read through its CSV output (`-o csv`, its one machine-readable format): one
 * line per response, in seconds. hey leaves transport errors out of the CSV (they appear only in
 * its human-readable summary), so the runs here use `-n`: hey sends exactly c × ⌊n / c⌋ requests,
 * and those that did not come back as a line are the errors.
 */
import { z } from 'zod';
import { ROOT } from '../../targets/table.ts';
import type { LatencyMs } from '../results/schema.ts';
import { percentile } from '../results/stats.ts';

export const HEY = `${ROOT}.tools/bin/hey`;

/** The header hey 0.1.5 writes (requester/print.go `csvTmpl`). */
export const HEY_CSV_HEADER =
  'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset';

const seconds = z.number().finite().nonnegative();
/** One CSV line: six durations, the status code, and when the request started (all seconds, 4 decimals). */
const HeyLine = z.tuple([seconds, seconds, seconds, seconds, seconds, seconds, z.number().int(), seconds]);

export interface HeyOptions {
  url: string;
  /** -n: requests to send in all. */
  requests: number;
  /** -c: workers, each with its own connection. */
  connections: number;
  /** -q: requests per second per worker (0: no limit). */
  ratePerConnection: number;
  /** -cpus: GOMAXPROCS, the generator cores it is pinned to. */
  cpus: number;
}

/** The command line: seed 003's `hey -n … -m GET -q 100` (default -c 50), with CSV output. */
export function heyArgs(o: HeyOptions): string[] {
  return [
    '-n',
    String(o.requests),
    '-c',
    String(o.connections),
    '-q',
    String(o.ratePerConnection),
    '-m',
    'GET',
    '-cpus',
    String(o.cpus),
    '-o',
    'csv',
    o.url,
  ];
}

/** How many requests hey sends for -n and -c: each worker sends ⌊n / c⌋ (requester.go `runWorkers`). */
export const heySent = (requests: number, connections: number): number =>
  connections * Math.floor(requests / connections);

export interface HeyResult {
  /** Requests sent (c × ⌊n / c⌋). */
  sent: number;
  /** Responses, whatever their status. */
  responses: number;
  /** Sent but not answered: transport errors and timeouts. */
  transportErrors: number;
  statusCodes: Record<string, number>;
  /** From hey's start to the last response's end. */
  durationS: number;
  /** Over the responses, as hey's own "Average" is (the seed's figure). */
  latencyMs: LatencyMs;
}

/**
 * hey's CSV, with what it cannot say itself: `sent` is heySent(n, c), so the lines missing are the
 * transport errors. Throws on anything that is not hey's CSV.
 */
export function fromHeyCsv(csv: string, sent: number): HeyResult {
  const lines = csv.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines[0] !== HEY_CSV_HEADER) {
    throw new Error(`not hey's CSV: the first line is ${JSON.stringify((lines[0] ?? '').slice(0, 120))}`);
  }
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  // Offsets count from hey's start: the run lasts until the last response ends.
  let end = 0, sum = 0;
  for (const [i, line] of lines.slice(1).entries()) {
    const parsed = HeyLine.safeParse(line.split(',').map((f) => (f === '' ? NaN : Number(f))));
    if (!parsed.success) throw new Error(`hey's CSV line ${i + 2} is not a response line: ${JSON.stringify(line)}`);
    const [total, , , , , , status, offset] = parsed.data;
    latencies.push(total);
    sum += total;
    statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
    end = Math.max(end, offset + total);
  }
  const responses = latencies.length;
  if (responses > sent) throw new Error(`hey's CSV has ${responses} responses for ${sent} requests sent`);
  latencies.sort((a, b) => a - b);
  const ms = (s: number) => s * 1000;
  const p = (q: number) => (responses === 0 ? NaN : ms(percentile(latencies, q)));
  return {
    sent,
    responses,
    transportErrors: sent - responses,
    statusCodes,
    durationS: end,
    latencyMs: {
      avg: responses === 0 ? NaN : ms(sum / responses),
      p50: p(50),
      p90: p(90),
      p95: p(95),
      p99: p(99),
      max: responses === 0 ? NaN : ms(latencies.at(-1)!),
    },
  };
}
