/**
 * The concurrency sweep: one start of a target per workload, then each level of connections in
 * ascending order in a closed loop on the peak driver (wrk, else oha, else k6: the bench's own
 * drivers), a short warm-up and a bounded measured window per level, /health asked after each. A
 * level the target does not survive ends the sweep there; a level that does not hold while the
 * target still answers is measured once more, and the second measurement decides (one window can
 * fall on a stall of this shared host). The rules (rules.ts) say which levels held and the maximum
 * stable concurrency.
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
    /** One level: a warm-up, the measured window, then whether /health still answers. */
    const measure = async (connections: number): Promise<Omit<Level, 'p99BoundMs' | 'stable'>> => {
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
      return { ...figures, alive: await answers(server!) };
    };
    const report = (level: Omit<Level, 'p99BoundMs' | 'stable'>, why: string | undefined, again = '') =>
      log(
        `    ${level.connections} connections${again}: ${Math.round(level.throughput).toLocaleString('en')} req/s, ` +
          `p50 ${level.p50Ms.toFixed(2)} ms, p99 ${level.p99Ms.toFixed(2)} ms, ` +
          `${(level.errorRate * 100).toFixed(2)} % errors${why ? ` — not stable: ${why}` : ''}`,
      );
    for (const connections of [...o.levels].sort((a, b) => a - b)) {
      let level = await measure(connections);
      let why = instability(level, levels[0] ?? level);
      report(level, why);
      let firstTry: Level['firstTry'];
      if (why !== undefined && level.alive) {
        // Once more: one window on this host can fall on a stall of its own (the note of a level
        // that held only then says so); a target that still does not hold, does not.
        firstTry = {
          throughput: level.throughput,
          p50Ms: level.p50Ms,
          p99Ms: level.p99Ms,
          errorRate: level.errorRate,
          why,
        };
        level = await measure(connections);
        why = instability(level, levels[0] ?? level);
        report(level, why, ' (again)');
      }
      const first = levels[0] ?? level;
      levels.push({
        ...level,
        p99BoundMs: p99Bound(first, connections),
        stable: why === undefined,
        ...(why ? { why } : {}),
        ...(firstTry ? { firstTry } : {}),
      });
      if (!level.alive) break;
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
