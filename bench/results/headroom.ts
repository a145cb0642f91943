/**
 * A cell's generator headroom, from the driver calibration in run.json (RunMeta.driverCalibration):
 * how much of the generator cores the driver would leave free at the cell's throughput, were each
 * unit to cost what the calibration measured. Pure.
 */
import { catalogue } from '../../contract/catalogue.ts';
import type { Cell, DriverCalibration } from './schema.ts';

export type CalibratedDriver = Extract<DriverCalibration, { state: 'ok' }>;
export type LoadKind = DriverCalibration['kind'];

/** What a workload asks of its driver: plain requests, WebSocket echoes or event streams (undefined: not in the catalogue). */
export function loadKind(workload: string): LoadKind | undefined {
  const endpoint = catalogue.find((e) => e.id === workload);
  if (!endpoint) return undefined;
  return endpoint.needs.includes('websocket') ? 'websocket' : endpoint.needs.includes('stream') ? 'stream' : 'http';
}

/** The calibration that prices a cell: its driver, in its mode, on its kind of load. */
export function calibrationFor(
  cell: Pick<Cell, 'driver' | 'mode' | 'workload'>,
  calibration: readonly DriverCalibration[],
): CalibratedDriver | undefined {
  const kind = loadKind(cell.workload);
  return calibration.find((c): c is CalibratedDriver =>
    c.state === 'ok' && c.driver === cell.driver && c.mode === cell.mode && c.kind === kind
  );
}

/**
 * Generator headroom, % of the generator cores: what the driver leaves free of them at `throughput`
 * units/s when each unit costs the calibrated CPU,
 *
 *   100 × (1 − throughput × cpuUsPerUnit ÷ (1e6 × generatorCores))  =  100 × (1 − throughput ÷ maxUnitsPerSecond),
 *
 * and 0 at or past that maximum. The driver's cost only: other processes on those cores (the
 * orchestrator, services pinned there) take their share on top. A driver costs more per unit at lower
 * rates (fewer wake-ups coalesce), so at a throughput well below the calibration's it is an upper bound.
 */
export function headroom(
  figures: { throughput: number },
  calibration: Pick<CalibratedDriver, 'cpuUsPerUnit' | 'generatorCores'>,
): number {
  const used = (figures.throughput * calibration.cpuUsPerUnit) / (1e6 * calibration.generatorCores);
  return Math.max(0, 100 * (1 - used));
}
