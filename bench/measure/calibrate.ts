/**
 * Driver calibration, before the cells: every driver the run will use drives the fastest target's
 * cheapest endpoint of each kind of load it will be given — plain requests (`basic-plaintext`),
 * WebSocket echoes (`ws-echo`), event streams (`sse-stream`) — in the mode it will drive it, alone
 * on the generator cores, for a short window. Its own CPU per unit is measured exactly: loadgen's
 * report of itself (getrusage over its measured phase); for wrk, oha and k6 the CPU of the driver's
 * process, from a cgroup of its own (/proc's 10 ms ticks where none can be made), read at two marks
 * inside its run so that its start-up and wind-down are left out. From that cost follows the most
 * units per second the generator cores could drive, recorded in run.json, and each cell's headroom
 * in the report (bench/results/headroom.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byId } from '../../contract/catalogue.ts';
import { offers } from '../../contract/health.ts';
import { catalogueCase } from '../../conformance/suite.ts';
import { start, type Started } from '../../targets/process.ts';
import { targetByName } from '../../targets/table.ts';
import { type LoadKind, loadKind } from '../results/headroom.ts';
import type { DriverCalibration } from '../results/schema.ts';
import { median } from '../results/stats.ts';
import { openCpuAccount } from './cgroup.ts';
import { cpuCount, parseCpuList } from './cpus.ts';
import { drive, type Driven, type Driver } from './drivers.ts';
import { K6, LOADGEN, OHA, run, WRK } from './machine.ts';
import { CLOCK_TICKS, sample } from './sampling.ts';

/** The fastest target of the table (the committed run: the most requests/s on nearly every workload). */
export const CALIBRATION_TARGET = 'rust';

/** The cheapest endpoint of each kind of load: the most units a driver can be made to send. */
export const PROBE_WORKLOAD: Record<LoadKind, string> = {
  http: 'basic-plaintext',
  websocket: 'ws-echo',
  stream: 'sse-stream',
};

/**
 * Offered rates of the fixed-rate probes when the run sets none: far inside what the calibration
 * target serves on one core (rust: ~10 µs a plaintext request, ~35 µs a message, ~200 µs a stream of
 * 100 events), so that the driver, not the server, sets the pace.
 */
export const PROBE_RATE: Record<LoadKind, number> = { http: 10_000, websocket: 10_000, stream: 1_000 };

/** One driver on one kind of load in one mode. */
export interface Probe {
  driver: Driver;
  mode: 'closed' | 'rate';
  kind: LoadKind;
}

/**
 * The probes a run needs: one per (driver, mode, kind of load) among the cells it will drive — pass
 * every (driver, workload, mode) the run's plan gives, fixed-rate table included — in first-seen order.
 */
export function calibrationProbes(
  uses: readonly { driver: Driver; workload: string; mode: 'closed' | 'rate' }[],
): Probe[] {
  const seen = new Map<string, Probe>();
  for (const { driver, workload, mode } of uses) {
    const kind = loadKind(workload);
    if (kind === undefined) continue;
    const key = `${driver} ${mode} ${kind}`;
    if (!seen.has(key)) seen.set(key, { driver, mode, kind });
  }
  return [...seen.values()];
}

const TOOL: Record<Driver, string> = { k6: K6, oha: OHA, wrk: WRK, loadgen: LOADGEN };

/**
 * Every driver that is installed on every kind of load it is used for: wrk and oha on plain
 * requests in closed loop; loadgen on WebSocket echoes in closed loop and on each kind at a fixed
 * rate; k6 on plain requests in closed loop (for a calibration on its own: `calibrationProbes`
 * gives a run's).
 */
export function everyProbe(installed: (d: Driver) => boolean = (d) => existsSync(TOOL[d])): Probe[] {
  const probes: Probe[] = [
    { driver: 'wrk', mode: 'closed', kind: 'http' },
    { driver: 'oha', mode: 'closed', kind: 'http' },
    { driver: 'loadgen', mode: 'closed', kind: 'websocket' },
    { driver: 'loadgen', mode: 'rate', kind: 'http' },
    { driver: 'loadgen', mode: 'rate', kind: 'websocket' },
    { driver: 'loadgen', mode: 'rate', kind: 'stream' },
    { driver: 'k6', mode: 'closed', kind: 'http' },
  ];
  return probes.filter((p) => installed(p.driver));
}

/** What the driver says it is. */
export function driverVersion(driver: Driver): string {
  switch (driver) {
    case 'wrk':
      return run(WRK, ['-v']).split('\n')[0]!.split(' Copyright')[0]!;
    case 'k6':
      return run(K6, ['version']).split('\n')[0]!;
    case 'oha':
      return run(OHA, ['--version']);
    case 'loadgen':
      return run(LOADGEN, ['version']);
  }
}

export interface CalibrateOptions {
  generatorCores: string;
  serverCores: string;
  /** The measured window of each probe, s. */
  durationS: number;
  /** The run's connections (closed loop) and pool (fixed rate). */
  connections: number;
  /** The run's offered rate; else PROBE_RATE per kind of load. */
  rate?: number;
  /** Default CALIBRATION_TARGET. */
  target?: string;
  /** How long the driver runs before and after the window, s (default 1; k6 starts slower: twice). */
  marginS?: number;
}

let accounts = 0;

/**
 * Calibrates each probe in turn, each against a freshly started target pinned to the server cores.
 * A probe that cannot be measured is recorded as failed, with its reason; the others still run.
 */
export async function calibrateDrivers(
  probes: readonly Probe[],
  o: CalibrateOptions,
  log: (line: string) => void,
): Promise<DriverCalibration[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'gauntlet-calibrate-'));
  const out: DriverCalibration[] = [];
  try {
    for (const probe of probes) {
      const target = o.target ?? CALIBRATION_TARGET;
      const what = { ...probe, workload: PROBE_WORKLOAD[probe.kind], target };
      const label = `${probe.driver} ${probe.mode} ${what.workload} on ${target}`;
      try {
        const c = await calibrateOne(probe, o, target, join(scratch, `${out.length}.json`));
        out.push(c);
        log(
          `calibrate ${label}: ${Math.round(c.unitsPerSecond).toLocaleString('en')}/s, ` +
            `${c.cpuUsPerUnit.toFixed(2)} µs CPU each (${c.cpuSource}), cores ${c.coreBusyPct.toFixed(0)}% busy → ` +
            `at most ${Math.round(c.maxUnitsPerSecond).toLocaleString('en')}/s on ${c.generatorCores} core(s)`,
        );
      } catch (err) {
        const reason = (err as Error).message.split('\n')[0]!.slice(0, 500);
        out.push({ state: 'failed', ...what, reason });
        log(`calibrate ${label}: FAILED ${reason}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

async function calibrateOne(
  probe: Probe,
  o: CalibrateOptions,
  targetName: string,
  summaryPath: string,
): Promise<Extract<DriverCalibration, { state: 'ok' }>> {
  const endpoint = byId(PROBE_WORKLOAD[probe.kind]);
  const generatorCores = cpuCount(o.generatorCores);
  const marginS = (o.marginS ?? 1) * (probe.driver === 'k6' ? 2 : 1);
  const rate = probe.mode === 'rate' ? o.rate ?? PROBE_RATE[probe.kind] : undefined;
  // loadgen reports its own CPU over its measured phase; the others are read from outside.
  const account = probe.driver === 'loadgen'
    ? undefined
    : openCpuAccount(`gauntlet-calibrate-${process.pid}-${++accounts}`);
  let server: Started | undefined;
  try {
    server = await start(targetByName(targetName), {
      wrap: ['taskset', '-c', o.serverCores],
      env: { WORKERS: String(cpuCount(o.serverCores)), GAUNTLET_DATA: 'off' },
    });
    const has = new Set(offers(await (await fetch(`${server.baseUrl}/health`)).text()));
    const ctx = { baseUrl: server.baseUrl, has, fetch, network: true, families: new Set([endpoint.family]) };
    await catalogueCase(endpoint).run(ctx).catch((err) => {
      throw new Error(`verification failed: ${(err as Error).message.slice(0, 400)}`);
    });

    let driverPid: number | undefined;
    const sampling = sample(server.child.pid!, () => driverPid, {
      server: parseCpuList(o.serverCores),
      generator: parseCpuList(o.generatorCores),
    });
    const t0 = performance.now();
    const cpuNs = () => account ? account.usageNs() : (sampling.mark().generator.ticks / CLOCK_TICKS) * 1e9;
    const marks: { at: number; ns: number }[] = [];
    const timers: ReturnType<typeof setTimeout>[] = [];
    let driven: Driven;
    try {
      driven = await drive(probe.driver, {
        baseUrl: server.baseUrl,
        endpoint,
        mode: probe.mode,
        connections: o.connections,
        ...(rate === undefined ? {} : { rate }),
        durationS: o.durationS + 2 * marginS,
        generatorCores: o.generatorCores,
        summaryPath,
        onStart(pid) {
          driverPid = pid;
          account?.addTree(pid);
          for (const at of [marginS, marginS + o.durationS]) {
            timers.push(setTimeout(() => marks.push({ at: performance.now(), ns: cpuNs() }), at * 1000));
          }
        },
      });
    } finally {
      for (const t of timers) clearTimeout(t);
    }
    const samples = sampling.stop();
    // Against the fastest target's cheapest endpoint nothing should fail: any error voids the probe.
    if (driven.failure) throw new Error(driven.failure);
    if (driven.units === 0 || driven.errorRate > 0) {
      throw new Error(`${driven.units} units completed, error rate ${(driven.errorRate * 100).toFixed(2)}%`);
    }
    const [from, to] = marks;
    if (!from || !to) throw new Error(`${probe.driver} ended before its ${o.durationS} s window did`);

    const unitsPerSecond = driven.units / driven.durationS;
    const windowS = (to.at - from.at) / 1000;
    const selfReport = driven.extra.driver_cpu_us_per_unit;
    const cpuUsPerUnit = probe.driver === 'loadgen' && selfReport !== undefined
      ? selfReport
      : (to.ns - from.ns) / 1000 / (unitsPerSecond * windowS);
    const cpuSource = probe.driver === 'loadgen'
      ? "loadgen's report of itself (getrusage)"
      : account
      ? `${account.source} of the driver`
      : '/proc ticks of the driver';
    if (!(cpuUsPerUnit > 0)) throw new Error(`no CPU time measured for ${probe.driver} (${cpuSource})`);
    // The samples that end inside the window (each covers the 250 ms before its time).
    const inWindow = samples.filter((s) => {
      const at = t0 + s.t * 1000;
      return at > from.at + 250 && at <= to.at;
    });
    const busy = inWindow.map((s) => s.generatorCoreBusyPct).filter((v): v is number => v !== undefined);
    if (busy.length === 0) throw new Error(`no sample of the generator cores' busy time in the ${windowS} s window`);
    return {
      state: 'ok',
      driver: probe.driver,
      mode: probe.mode,
      kind: probe.kind,
      workload: endpoint.id,
      target: targetName,
      version: driverVersion(probe.driver),
      connections: o.connections,
      ...(rate === undefined ? {} : { rate }),
      durationS: windowS,
      unitsPerSecond,
      cpuUsPerUnit,
      cpuSource,
      coreBusyPct: median(busy),
      generatorCores,
      maxUnitsPerSecond: (1e6 / cpuUsPerUnit) * generatorCores,
    };
  } finally {
    await server?.stop();
    account?.close();
  }
}
