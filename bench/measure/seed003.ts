/**
 * Seed 003's fixed-rate run, reproduced: `hey -n … -q 100` with hey's default 50 workers against
 * the seed's JSON endpoint (our basic-json) on our targets of its two systems, FastAPI (`python`)
 * and Rocket (`rocket`). hey's -q is per worker, so 50 × 100 = 5,000 requests/s are offered; each
 * worker waits for its response before its next tick, so a server slower than that gets less. The
 * figure the seed reports is hey's average response time.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byId } from '../../contract/catalogue.ts';
import type { ReferenceRow } from '../results/schema.ts';
import { SEED003, SEED_SETUPS, type SeedSetup } from '../results/seed-rows.ts';
import { ROOT } from '../../targets/table.ts';
import { cpuCount } from './cpus.ts';
import { fromHeyCsv, HEY, heyArgs, type HeyOptions, heySent } from './hey.ts';
import { type Load, type Loaded, measureRows, type Progress, type SeedsOptions } from './seeds.ts';

/** Runs hey pinned to `cores`, its CSV into `out`; resolves with what it measured. */
function runHey(
  options: HeyOptions,
  cores: string,
  out: string,
  onStart: (pid: number) => void,
): Promise<Loaded> {
  const fd = openSync(out, 'w');
  return new Promise<Loaded>((resolve, reject) => {
    const child = spawn('taskset', ['-c', cores, HEY, ...heyArgs(options)], {
      cwd: ROOT,
      stdio: ['ignore', fd, 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('spawn', () => onStart(child.pid!));
    child.on('close', (code) => {
      closeSync(fd);
      if (code !== 0) return reject(new Error(`hey exited ${code}: ${stderr.slice(-600)}`));
      try {
        const sent = heySent(options.requests, options.connections);
        const hey = fromHeyCsv(readFileSync(out, 'utf8'), sent);
        const wrongStatus = Object.entries(hey.statusCodes)
          .filter(([status]) => status !== '200')
          .reduce((n, [, c]) => n + c, 0);
        resolve({
          requests: hey.responses,
          durationS: hey.durationS,
          errorRate: sent === 0 ? 1 : (hey.transportErrors + wrongStatus) / sent,
          latencyMs: hey.latencyMs,
          statusCodes: hey.statusCodes,
          transportErrors: hey.transportErrors,
          offeredRate: options.connections * options.ratePerConnection,
        });
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** The seed's load as run here: its -q and -c, -n scaled to the duration wanted, CSV out. */
export function seed003Load(o: SeedsOptions): Load {
  const { requests, connections, ratePerConnection } = o.seed003;
  const path = byId(SEED003.workload).request.path;
  const cpus = cpuCount(o.generatorCores);
  const offered = connections * ratePerConnection;
  const options = (baseUrl: string, n: number): HeyOptions => ({
    url: baseUrl + path,
    requests: n,
    connections,
    ratePerConnection,
    cpus,
  });
  let windows = 0;
  return {
    driver: 'hey',
    describe: `hey ${heyArgs(options('http://127.0.0.1:<port>', requests)).join(' ')}: ` +
      `${offered.toLocaleString('en')} req/s offered (${connections} workers × ${ratePerConnection}), ` +
      `${heySent(requests, connections).toLocaleString('en')} requests, ≥ ${
        Math.round(heySent(requests, connections) / offered)
      } s (+ ${o.warmupS} s warm-up at the same rate)`,
    async warm(baseUrl) {
      const n = Math.max(connections, Math.round(o.warmupS * offered));
      await runHey(options(baseUrl, n), o.generatorCores, join(o.scratch, `seed003-warm-${++windows}.csv`), () => {});
    },
    run: (baseUrl, onStart) =>
      runHey(options(baseUrl, requests), o.generatorCores, join(o.scratch, `seed003-${++windows}.csv`), onStart),
  };
}

export const seed003Setups = (): SeedSetup[] => SEED_SETUPS.filter((s) => s.seed === '003');

/** Seed 003's reference rows: its hey run on FastAPI (`python`) and Rocket (`rocket`), interleaved. */
export function measureSeed003(
  o: SeedsOptions,
  log: Progress,
  signal: AbortSignal,
  onRows?: (rows: ReferenceRow[]) => void,
): Promise<ReferenceRow[]> {
  const load = seed003Load(o);
  return measureRows(seed003Setups(), () => load, o, log, signal, onRows);
}
