import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrationFor, headroom, loadKind } from './headroom.ts';
import { DriverCalibration } from './schema.ts';

const ok = (over: Partial<Extract<DriverCalibration, { state: 'ok' }>>): DriverCalibration =>
  DriverCalibration.parse({
    state: 'ok',
    driver: 'wrk',
    mode: 'closed',
    kind: 'http',
    workload: 'basic-plaintext',
    target: 'rust',
    version: 'wrk 4.1.0',
    connections: 50,
    durationS: 3,
    unitsPerSecond: 90_000,
    cpuUsPerUnit: 10,
    cpuSource: 'cgroup v2',
    coreBusyPct: 100,
    generatorCores: 1,
    maxUnitsPerSecond: 100_000,
    ...over,
  });

describe('headroom', () => {
  it('is the share of the generator cores the calibrated cost leaves free at the throughput', () => {
    assert.equal(headroom({ throughput: 50_000 }, { cpuUsPerUnit: 10, generatorCores: 1 }), 50);
    assert.equal(headroom({ throughput: 20_000 }, { cpuUsPerUnit: 25, generatorCores: 2 }), 75);
    assert.equal(headroom({ throughput: 2_000 }, { cpuUsPerUnit: 125, generatorCores: 1 }), 75);
    assert.equal(headroom({ throughput: 0 }, { cpuUsPerUnit: 10, generatorCores: 1 }), 100);
  });

  it('is 0 at and past the most the cores could drive at that cost', () => {
    assert.equal(headroom({ throughput: 100_000 }, { cpuUsPerUnit: 10, generatorCores: 1 }), 0);
    assert.equal(headroom({ throughput: 120_000 }, { cpuUsPerUnit: 10, generatorCores: 1 }), 0);
  });
});

describe('calibrationFor', () => {
  const calibration = [
    ok({}),
    ok({ driver: 'loadgen', kind: 'websocket', workload: 'ws-echo', cpuUsPerUnit: 6 }),
    ok({ driver: 'loadgen', mode: 'rate', kind: 'http', cpuUsPerUnit: 35 }),
    ok({ driver: 'loadgen', mode: 'rate', kind: 'stream', workload: 'sse-stream', cpuUsPerUnit: 125 }),
    DriverCalibration.parse({
      state: 'failed',
      driver: 'k6',
      mode: 'closed',
      kind: 'http',
      workload: 'basic-plaintext',
      target: 'rust',
      reason: 'k6 exited 107',
    }),
  ];

  it('prices a cell by its driver, its mode and its kind of load', () => {
    const cost = (driver: 'wrk' | 'loadgen' | 'k6', mode: 'closed' | 'rate', workload: string) =>
      calibrationFor({ driver, mode, workload }, calibration)?.cpuUsPerUnit;
    assert.equal(cost('wrk', 'closed', 'json-large'), 10);
    assert.equal(cost('wrk', 'closed', 'sse-stream'), undefined);
    assert.equal(cost('loadgen', 'closed', 'ws-echo'), 6);
    assert.equal(cost('loadgen', 'rate', 'json-small'), 35);
    assert.equal(cost('loadgen', 'rate', 'sse-stream'), 125);
    assert.equal(cost('loadgen', 'rate', 'ws-echo'), undefined);
    assert.equal(cost('k6', 'closed', 'basic-json'), undefined, 'a failed calibration prices nothing');
    assert.equal(cost('wrk', 'closed', 'no-such-workload'), undefined);
  });

  it("reads the kind of load from the catalogue's needs", () => {
    assert.equal(loadKind('basic-plaintext'), 'http');
    assert.equal(loadKind('shortener-redirect'), 'http');
    assert.equal(loadKind('ws-echo'), 'websocket');
    assert.equal(loadKind('sse-stream'), 'stream');
    assert.equal(loadKind('gone'), undefined);
  });
});
