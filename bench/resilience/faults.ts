/**
 * Faults mid-load on a data target: a fixed-rate load (seed 000's shortener mix, or db-recipes)
 * during which Redis is restarted, then Postgres, then (the mix) the server itself is killed with
 * SIGKILL and started again on its port, each after `settleS` of steady load (and the load runs
 * `settleS` past the last). Each outage is held `outageS`; its window runs from the
 * stop being issued to the service (or server) answering again, probed every 20 ms. At the end the
 * target is stopped cleanly (its last click flush), and the clicks in Postgres are compared with
 * the redirects the client saw complete, code by code.
 */
import type { Started } from '../../targets/process.ts';
import type { FaultCell, FaultEvent } from '../results/resilience.ts';
import { type Part, runFixedRate, shortenerMix, single } from './client.ts';
import { clickInvariant, cutByKill, errorsOutside, recovery, steady, timedOutSent, type Window } from './rules.ts';
import {
  killHard,
  postgresAnswers,
  readClicks,
  redisAnswers,
  redisExists,
  type ServerOptions,
  servicesStatus,
  startService,
  startTarget,
  stopService,
  unservable,
  until,
} from './server.ts';
import { PENDING_KEY, PROCESSING_KEY } from '../../contract/shortener.ts';

export interface FaultOptions extends ServerOptions {
  rate: number;
  /** Steady load before the first fault, after each recovery and before the end. */
  settleS: number;
  outageS: number;
  connections: number;
  urls: { DATABASE_URL: string; REDIS_URL: string };
}

type Kind = FaultEvent['kind'];

/** The faults of each load, in order, each after `settleS` of steady load. */
export const SCHEDULE: Record<'shortener-mix' | 'db-recipes', Kind[]> = {
  'shortener-mix': ['redis-restart', 'postgres-restart', 'server-kill'],
  'db-recipes': ['redis-restart', 'postgres-restart'],
};

/** The load's bound: it ends `settleS` after the last fault, far sooner than this. */
const MAX_RUN_S = 900;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function faultCell(
  target: string,
  scenario: 'shortener-mix' | 'db-recipes',
  o: FaultOptions,
  log: (line: string) => void,
): Promise<FaultCell | { unavailable: string }> {
  const workload = scenario === 'shortener-mix' ? 'shortener-redirect' : 'db-recipes';
  await servicesStatus('reset');
  const failures: string[] = [];
  const { watch, expecting } = crashWatch(failures);
  let server: Started | undefined = watch(await startTarget(target, o));
  try {
    const why = await unservable(server, workload);
    if (why) return { unavailable: why };
    // The catalogue check redirected celeb01 once: its click is the client's too.
    const seeded = new Map<string, number>(scenario === 'shortener-mix' ? [['celeb01', 1]] : []);
    const parts: Part[] = scenario === 'shortener-mix'
      ? shortenerMix(`${target}-${Date.now().toString(36)}`)
      : single('recipes', { method: 'GET', path: '/api/v1/recipes?limit=10', expect: 200 });
    const port = server.port;
    const events: Omit<FaultEvent, 'recovery'>[] = [];
    const stopLoad = new AbortController();
    const load = runFixedRate({
      baseUrl: server.baseUrl,
      rate: o.rate,
      durationS: MAX_RUN_S,
      connections: o.connections,
      parts,
      signal: stopLoad.signal,
    });
    const t0 = performance.now();
    let durationS = 0;
    const faults = (async () => {
      for (const kind of SCHEDULE[scenario]) {
        await sleep(o.settleS * 1000);
        const atMs = performance.now() - t0;
        if (kind === 'server-kill') {
          await expecting(() => killHard(server!));
          const downMs = performance.now() - t0;
          await sleep(o.outageS * 1000);
          server = watch(await startTarget(target, o, port));
          events.push({ kind, atMs, downMs, upAtMs: performance.now() - t0 });
        } else {
          const service = kind === 'redis-restart' ? 'redis' : 'postgres';
          await stopService(service);
          const downMs = performance.now() - t0;
          await sleep(o.outageS * 1000);
          const starting = startService(service);
          const probe = service === 'redis'
            ? () => redisAnswers(o.urls.REDIS_URL)
            : () => postgresAnswers(o.urls.DATABASE_URL);
          const up = await until(probe, 60_000);
          await starting;
          events.push({ kind, atMs, downMs, upAtMs: up - t0 });
        }
        log(
          `    ${kind} at ${(atMs / 1000).toFixed(1)} s, answering again at ${
            (events.at(-1)!.upAtMs / 1000).toFixed(1)
          } s`,
        );
      }
      await sleep(o.settleS * 1000);
      durationS = (performance.now() - t0) / 1000;
      stopLoad.abort();
    })();
    const [result] = await Promise.all([load, faults]);
    if (process.env.GAUNTLET_DIAG) {
      (await import('node:fs')).writeFileSync(
        `${process.env.GAUNTLET_DIAG}-${target}-${scenario}.json`,
        JSON.stringify({ events, shift: t0 - result.t0, errors: result.outcomes.filter((x) => !x.ok) }),
      );
    }
    // Onto the client's clock (its start is a moment before t0).
    const shift = t0 - result.t0;
    const windows: Window[] = events.map((e) => ({ fromMs: e.atMs + shift, toMs: e.upAtMs + shift }));
    const outside = errorsOutside(result.outcomes, windows);
    const errors = result.outcomes.filter((x) => !x.ok);
    if (outside.length > 0) failures.push(`${outside.length} errors outside the outages`);
    if (result.unfinished > 0) failures.push(`${result.unfinished} requests never answered`);
    const fullEvents: FaultEvent[] = events.map((e, i) => {
      // Recovery from when the service was surely down (its stop returned) to when it answered again.
      const r = recovery(result.outcomes, { fromMs: e.downMs + shift, toMs: windows[i]!.toMs });
      if (r.firstSuccessMs === null) failures.push(`no success after the ${e.kind}`);
      return { ...e, atMs: e.atMs + shift, downMs: e.downMs + shift, upAtMs: e.upAtMs + shift, recovery: r };
    });
    const cell: FaultCell = {
      target,
      scenario,
      rate: o.rate,
      durationS,
      events: fullEvents,
      requests: result.outcomes.length,
      errors: errors.length,
      errorsOutside: outside.length,
      errorKinds: Object.fromEntries(
        [...Map.groupBy(errors, (x) => `${x.part} ${x.error}`)]
          .map(([kind, xs]) => [kind, xs.length] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
      errorSamples: [...new Set(outside.map((x) => `${x.part} ${x.error} at ${(x.endMs / 1000).toFixed(2)} s`))]
        .slice(0, 10),
      unfinished: result.unfinished,
      steady: steady(result.outcomes, windows[0]?.fromMs ?? Infinity),
      ok: false,
      failures,
    };
    const stopped = await expecting(() => server!.stop().then(() => true, () => false));
    if (!stopped) failures.push('the target did not stop cleanly');
    server = undefined;
    if (scenario === 'shortener-mix') {
      const left = await redisExists(o.urls.REDIS_URL, [PENDING_KEY, PROCESSING_KEY]);
      if (left > 0) failures.push('clicks left unflushed in Redis after a clean stop');
      const redirected = new Map(result.redirects);
      for (const [code, n] of seeded) redirected.set(code, (redirected.get(code) ?? 0) + n);
      const kill = events.find((e) => e.kind === 'server-kill');
      const readers = new Set(['broad-readers', 'celebrity-readers']);
      const cut = kill ? cutByKill(result.outcomes, kill.atMs + shift, kill.downMs + shift, readers) : 0;
      // Redirects the client gave up on after they reached the server: counted or not, it cannot know.
      const unknown = timedOutSent(result.outcomes, readers);
      const clicks = clickInvariant(await readClicks(o.urls), redirected, cut + unknown);
      clicks.allowedTimedOut = unknown;
      if (!clicks.ok) {
        const most = (clicks.mismatched ?? []).slice(0, 3)
          .map((x) => `${x.code} ${x.counted > x.redirected ? '+' : ''}${x.counted - x.redirected}`);
        failures.push(
          `click invariant: ${clicks.lost} lost, ${clicks.extra} extra (allowed ${cut} cut by the kill + ${unknown} ` +
            'timed out after they were sent)' +
            (most.length > 0 ? `; most on ${most.join(', ')}` : ''),
        );
      }
      cell.clicks = clicks;
    }
    cell.ok = failures.length === 0;
    return cell;
  } finally {
    await expecting(async () => await server?.stop());
  }
}

/**
 * Watches targets for an exit nobody asked for: a crash, each one a failure that says when, how
 * (code or signal) and what the target printed last. Kills and stops go through `expecting`.
 */
export function crashWatch(failures: string[], begun = performance.now()) {
  let expected = false;
  return {
    watch<S extends Pick<Started, 'child' | 'output'>>(s: S): S {
      s.child.once('exit', (code, signal) => {
        if (expected) return;
        const last = s.output().trim().split('\n').slice(-6).join(' | ').slice(-800);
        failures.push(
          `the target exited on its own ${((performance.now() - begun) / 1000).toFixed(1)} s into the cell ` +
            `(${signal ?? `exit code ${code}`}); its last output: ${last || '(none)'}`,
        );
      });
      return s;
    },
    async expecting<T>(fn: () => Promise<T>): Promise<T> {
      expected = true;
      try {
        return await fn();
      } finally {
        expected = false;
      }
    },
  };
}
