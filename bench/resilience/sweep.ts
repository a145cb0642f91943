/**
 * The concurrency sweep: one start of a target per workload, then each level of connections in
 * ascending order in a closed loop on the peak driver (wrk, else oha, else k6: the bench's own
 * drivers), a short warm-up and a bounded measured window per level, /health asked after each. A
 * level the target does not survive ends the sweep there; the rules (rules.ts) say which levels
 * held and the maximum stable concurrency.
 */
import { join } from 'node:path';
import { byId } from '../../contract/catalogue.ts';
import type { Level, SweepCell } from '../results/resilience.ts';
import { drive, pickDriver } from '../measure/drivers.ts';
import { instability, maxStableConcurrency, p99Bound } from './rules.ts';
import { answers, type ServerOptions, startTarget, unservable } from './server.ts';
import type { Started } from '../../targets/process.ts';

export interface SweepOptions extends ServerOptions {
  levels: number[];
  levelDurationS: number;
  warmupS: number;
  generatorCores: string;
  driver: 'auto' | 'wrk' | 'oha' | 'k6';
  scratch: string;
}

export type Unavailable = { unavailable: string };

export async function sweepCell(
  target: string,
  workload: string,
  o: SweepOptions,
  log: (line: string) => void,
): Promise<SweepCell | Unavailable> {
  const endpoint = byId(workload);
  const driver = pickDriver(endpoint, 'closed', o.driver);
  const levels: Level[] = [];
  let server: Started | undefined;
  try {
    server = await startTarget(target, o);
    const why = await unservable(server, workload);
    if (why) return { unavailable: why };
    const base = { baseUrl: server.baseUrl, endpoint, mode: 'closed' as const, generatorCores: o.generatorCores };
    for (const connections of [...o.levels].sort((a, b) => a - b)) {
      if (o.warmupS > 0) {
        await drive(driver, {
          ...base,
          connections,
          durationS: o.warmupS,
          summaryPath: join(o.scratch, 'warmup.json'),
          onStart: () => {},
        }).catch(() => undefined);
      }
      let figures: Omit<Level, 'p99BoundMs' | 'stable' | 'alive'>;
      try {
        const d = await drive(driver, {
          ...base,
          connections,
          durationS: o.levelDurationS,
          summaryPath: join(o.scratch, `${target}__${workload}-${connections}.json`),
          onStart: () => {},
        });
        figures = {
          connections,
          throughput: d.units / d.durationS,
          p50Ms: d.latencyMs.p50,
          p99Ms: d.latencyMs.p99,
          errorRate: d.errorRate,
          ...(d.failure ? { note: d.failure.slice(0, 300) } : {}),
        };
      } catch (err) {
        figures = {
          connections,
          throughput: 0,
          p50Ms: NaN,
          p99Ms: NaN,
          errorRate: 1,
          note: (err as Error).message.slice(0, 300),
        };
      }
      const alive = await answers(server);
      const level = { ...figures, alive };
      const first = levels[0] ?? level;
      const why = instability(level, first);
      levels.push({
        ...level,
        p99BoundMs: p99Bound(first, connections),
        stable: why === undefined,
        ...(why ? { why } : {}),
      });
      log(
        `    ${connections} connections: ${Math.round(level.throughput).toLocaleString('en')} req/s, ` +
          `p50 ${level.p50Ms.toFixed(2)} ms, p99 ${level.p99Ms.toFixed(2)} ms, ` +
          `${(level.errorRate * 100).toFixed(2)} % errors${why ? ` — not stable: ${why}` : ''}`,
      );
      if (!alive) break;
    }
    return { target, workload, driver, levels, maxStable: maxStableConcurrency(levels) };
  } catch (err) {
    return {
      target,
      workload,
      driver,
      levels,
      maxStable: maxStableConcurrency(levels),
      failure: (err as Error).message.split('\n')[0]!.slice(0, 400),
    };
  } finally {
    await server?.stop();
  }
}
