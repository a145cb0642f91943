import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROOT } from '../../targets/table.ts';
import { DriverCalibration } from '../results/schema.ts';
import { calibrateDrivers, calibrationProbes, everyProbe, type Probe } from './calibrate.ts';
import { LOADGEN, onPath, WRK } from './machine.ts';

describe('calibrationProbes', () => {
  it("gives one probe per driver, mode and kind of load among the run's cells, in first-seen order", () => {
    const probes = calibrationProbes([
      { driver: 'wrk', workload: 'json-small', mode: 'closed' },
      { driver: 'wrk', workload: 'basic-plaintext', mode: 'closed' },
      { driver: 'wrk', workload: 'sse-stream', mode: 'closed' },
      { driver: 'loadgen', workload: 'ws-echo', mode: 'closed' },
      { driver: 'k6', workload: 'shortener-shorten', mode: 'closed' },
      { driver: 'loadgen', workload: 'json-small', mode: 'rate' },
      { driver: 'loadgen', workload: 'sse-stream', mode: 'rate' },
      { driver: 'loadgen', workload: 'basic-json', mode: 'rate' },
      { driver: 'wrk', workload: 'not-in-the-catalogue', mode: 'closed' },
    ]);
    assert.deepEqual(probes, [
      { driver: 'wrk', mode: 'closed', kind: 'http' },
      { driver: 'wrk', mode: 'closed', kind: 'stream' },
      { driver: 'loadgen', mode: 'closed', kind: 'websocket' },
      { driver: 'k6', mode: 'closed', kind: 'http' },
      { driver: 'loadgen', mode: 'rate', kind: 'http' },
      { driver: 'loadgen', mode: 'rate', kind: 'stream' },
    ]);
  });

  it('calibrates on its own every installed driver on each kind of load it is used for', () => {
    const drivers = (installed: (d: string) => boolean) =>
      everyProbe(installed).map((p) => `${p.driver} ${p.mode} ${p.kind}`);
    assert.deepEqual(drivers(() => true), [
      'wrk closed http',
      'oha closed http',
      'loadgen closed websocket',
      'loadgen rate http',
      'loadgen rate websocket',
      'loadgen rate stream',
      'k6 closed http',
    ]);
    assert.deepEqual(drivers((d) => d === 'wrk' || d === 'k6'), ['wrk closed http', 'k6 closed http']);
  });
});

/** Why the end-to-end calibration cannot run here, or false. */
function missing(): string | false {
  if (!existsSync(WRK)) return 'wrk is not installed (bash scripts/wrk.sh)';
  if (!onPath('go')) return 'go is not installed: loadgen cannot be built';
  if (spawnSync('bash', ['scripts/loadgen.sh'], { cwd: ROOT, stdio: 'ignore' }).status !== 0) {
    return 'scripts/loadgen.sh failed';
  }
  if (!existsSync(LOADGEN)) return 'no loadgen';
  return false;
}

describe('calibrateDrivers, end to end', { skip: missing() }, () => {
  it('measures wrk and loadgen against a target: a cost per unit, a rate, and the most the cores could drive', async () => {
    // Node's target rather than rust's: it needs no build, and serves every kind of load.
    const probes: Probe[] = [
      { driver: 'wrk', mode: 'closed', kind: 'http' },
      { driver: 'loadgen', mode: 'closed', kind: 'websocket' },
      { driver: 'loadgen', mode: 'rate', kind: 'stream' },
    ];
    const lines: string[] = [];
    const out = await calibrateDrivers(probes, {
      generatorCores: '1',
      serverCores: '0',
      durationS: 1,
      marginS: 0.5,
      connections: 8,
      rate: 200,
      target: 'node',
    }, (line) => lines.push(line));
    assert.equal(out.length, 3);
    assert.equal(lines.length, 3);
    for (const [i, c] of out.entries()) {
      DriverCalibration.parse(c);
      assert.equal(c.state, 'ok', c.state === 'failed' ? c.reason : '');
      if (c.state !== 'ok') continue;
      assert.deepEqual([c.driver, c.mode, c.kind, c.target], [
        probes[i]!.driver,
        probes[i]!.mode,
        probes[i]!.kind,
        'node',
      ]);
      assert.ok(c.unitsPerSecond > 0 && c.cpuUsPerUnit > 0 && c.durationS > 0, JSON.stringify(c));
      assert.ok(c.coreBusyPct >= 0 && c.coreBusyPct <= 100, JSON.stringify(c));
      assert.equal(c.generatorCores, 1);
      assert.equal(c.maxUnitsPerSecond, 1e6 / c.cpuUsPerUnit);
      assert.ok(c.version.length > 0 && c.version !== 'unavailable', c.version);
    }
    const [wrk, ws, sse] = out;
    assert.equal(wrk!.state === 'ok' && wrk!.workload, 'basic-plaintext');
    assert.equal(ws!.state === 'ok' && ws!.workload, 'ws-echo');
    assert.equal(sse!.state === 'ok' && sse!.rate, 200);
  });

  it('records a probe that cannot run as failed, with its reason, and goes on', async () => {
    const probe: Probe = { driver: 'wrk', mode: 'closed', kind: 'http' };
    const options = { generatorCores: '1', serverCores: '0', durationS: 1, marginS: 0.2, connections: 4 };
    const out = await calibrateDrivers([probe], { ...options, target: 'no-such-target' }, () => {});
    assert.equal(out.length, 1);
    assert.equal(out[0]!.state, 'failed');
    assert.match(out[0]!.state === 'failed' ? out[0]!.reason : '', /no-such-target/);
  });
});
