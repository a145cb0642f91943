/**
 * The soak: one target at a fixed rate for a long stretch (10 minutes in a full run), the RSS of
 * its whole process tree sampled throughout, p99 taken over the first and the last tenth of the
 * requests. A cell fails on a leak (rules.ts: LEAK), on errors, on requests never answered, or on
 * a target that stopped answering; p99 drift is a figure, never a verdict (the host is shared).
 */
import { readFileSync } from 'node:fs';
import { byId, type Endpoint } from '../../contract/catalogue.ts';
import { ROOT } from '../../targets/table.ts';
import type { SoakCell } from '../results/resilience.ts';
import { runFixedRate, type Sent, single } from './client.ts';
import { driftPct, edge, leaked, percentile } from './rules.ts';
import { answers, type ServerOptions, startTarget, treeRssBytes, unservable } from './server.ts';
import type { Started } from '../../targets/process.ts';

export interface SoakOptions extends ServerOptions {
  rate: number;
  durationS: number;
  warmupS: number;
  connections: number;
  sampleEveryMs: number;
}

/** The catalogue's request for an endpoint, as the suite's client sends it. */
export function catalogueSent(endpoint: Endpoint): Sent {
  const { request, expect } = endpoint;
  return {
    method: request.method,
    path: request.path,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.bodyFile ? { body: readFileSync(`${ROOT}workloads/${request.bodyFile}`) } : {}),
    expect: 'status' in expect ? expect.status : 200,
  };
}

/** The share of the run at its start and its end that the start and end figures are taken over. */
export const EDGE_SHARE = 0.1;

export async function soakCell(
  target: string,
  workload: string,
  o: SoakOptions,
): Promise<SoakCell | { unavailable: string }> {
  let server: Started | undefined;
  try {
    server = await startTarget(target, o);
    const why = await unservable(server, workload);
    if (why) return { unavailable: why };
    const parts = single(workload, catalogueSent(byId(workload)));
    const base = { baseUrl: server.baseUrl, rate: o.rate, connections: o.connections, parts };
    if (o.warmupS > 0) await runFixedRate({ ...base, durationS: o.warmupS });
    const rss: number[] = [];
    const pid = server.child.pid!;
    const sampler = setInterval(() => rss.push(treeRssBytes(pid)), o.sampleEveryMs);
    rss.push(treeRssBytes(pid));
    const result = await runFixedRate({ ...base, durationS: o.durationS });
    clearInterval(sampler);
    rss.push(treeRssBytes(pid));
    const byTime = [...result.outcomes].sort((a, b) => a.intendedMs - b.intendedMs);
    const n = Math.max(1, Math.round(byTime.length * EDGE_SHARE));
    const latency = (slice: typeof byTime) => slice.filter((x) => x.ok).map((x) => x.endMs - x.intendedMs);
    const p99StartMs = percentile(latency(byTime.slice(0, n)), 99);
    const p99EndMs = percentile(latency(byTime.slice(-n)), 99);
    const rssStartBytes = edge(rss, EDGE_SHARE, 'start');
    const rssEndBytes = edge(rss, EDGE_SHARE, 'end');
    const errors = result.outcomes.filter((x) => !x.ok).length;
    const failures: string[] = [];
    const leak = leaked(rssStartBytes, rssEndBytes);
    if (leak) failures.push(`RSS grew from ${mib(rssStartBytes)} to ${mib(rssEndBytes)} MiB`);
    if (errors > 0) failures.push(`${errors} errors`);
    if (result.unfinished > 0) failures.push(`${result.unfinished} requests never answered`);
    if (!(await answers(server))) failures.push('the target stopped answering');
    return {
      target,
      workload,
      rate: o.rate,
      durationS: o.durationS,
      requests: result.outcomes.length,
      errors,
      rssStartBytes,
      rssEndBytes,
      rssDriftPct: driftPct(rssStartBytes, rssEndBytes),
      p99StartMs,
      p99EndMs,
      p99DriftPct: driftPct(p99StartMs, p99EndMs),
      leaked: leak,
      ok: failures.length === 0,
      failures,
    };
  } finally {
    await server?.stop();
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
