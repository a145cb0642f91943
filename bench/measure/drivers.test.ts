import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { byId, sseBody } from '../../contract/catalogue.ts';
import { ROOT } from '../../targets/table.ts';
import { drive, type DriveOptions, fromLoadgenJson, loadgenArgv, pickDriver } from './drivers.ts';
import { LOADGEN, onPath } from './machine.ts';

const options = (workload: string, over: Partial<DriveOptions> = {}): DriveOptions => ({
  baseUrl: 'http://127.0.0.1:3000',
  endpoint: byId(workload),
  mode: 'rate',
  connections: 50,
  rate: 2000,
  durationS: 5,
  generatorCores: '1',
  summaryPath: '/tmp/x.json',
  onStart: () => {},
  ...over,
});

describe('loadgen for event streams', () => {
  it('runs sse-stream at a fixed rate on loadgen, in closed loop on wrk', () => {
    const all = () => true;
    assert.equal(pickDriver(byId('sse-stream'), 'rate', 'auto', all), 'loadgen');
    assert.equal(pickDriver(byId('sse-stream'), 'closed', 'auto', all), 'wrk');
  });

  it("opens the streams with loadgen's sse mode, checked against the catalogue's body", () => {
    assert.deepEqual(loadgenArgv(options('sse-stream'), '/tmp/body'), [
      LOADGEN,
      'sse',
      '--url',
      'http://127.0.0.1:3000/sse?events=100&interval_ms=0',
      '--connections',
      '50',
      '--duration',
      '5s',
      '--warmup',
      '0s',
      '--rate',
      '2000',
      '--expect-status',
      '200',
      '--expect-body-file',
      '/tmp/body',
    ]);
    assert.equal(loadgenArgv(options('basic-json'), '/tmp/body')[1], 'http');
    assert.equal(loadgenArgv(options('ws-echo'), '/tmp/body')[1], 'ws');
  });

  const report = {
    schema_version: 1,
    mode: 'sse-rate',
    duration_s: 5,
    scheduled: 10_000,
    completed: 10_000,
    errors: 0,
    errors_by_kind: {},
    dropped: 0,
    late: 3,
    latency_us: {
      count: 10_000,
      min: 100,
      mean: 500,
      p50: 165,
      p90: 1700,
      p95: 2900,
      p99: 5300,
      p999: 9700,
      max: 12_000,
    },
    cpu: { us_per_unit: 125.9, cores: 0.25 },
    ok: true,
    events: 1_000_000,
    events_rate: 200_000,
    first_event_us: {
      count: 10_000,
      min: 50,
      mean: 490,
      p50: 100,
      p90: 1680,
      p95: 2870,
      p99: 5280,
      p999: 9300,
      max: 11_800,
    },
  };

  it('keeps the time to first event, p50 and p99 in milliseconds, beside the whole stream as the latency', () => {
    const d = fromLoadgenJson(report);
    assert.equal(d.units, 10_000);
    assert.deepEqual(d.latencyMs, { avg: 0.5, p50: 0.165, p90: 1.7, p95: 2.9, p99: 5.3, max: 12 });
    assert.deepEqual(d.extra, { late: 3, driver_cpu_us_per_unit: 125.9, ttfe_ms_p50: 0.1, ttfe_ms_p99: 5.28 });
    assert.equal(d.failure, undefined);
  });

  it('fails a window in which a stream was not the expected one', () => {
    const wrong = { ...report, ok: false, errors: 2, completed: 9_998, errors_by_kind: { mismatch: 1, events: 1 } };
    assert.match(fromLoadgenJson(wrong).failure!, /mismatch.*events/);
  });
});

/** Builds loadgen from this checkout (a no-op when the build is current), or says why not. */
function loadgenBuilt(): string | false {
  if (!onPath('go')) return 'go is not installed: loadgen cannot be built';
  const built = spawnSync('bash', ['scripts/loadgen.sh'], { cwd: ROOT, stdio: 'ignore' });
  return built.status === 0 ? false : 'scripts/loadgen.sh failed';
}

describe('loadgen sse, end to end', { skip: loadgenBuilt() }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gauntlet-drivers-test-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** A stream server answering with `body`, and the address it listens on. */
  async function serve(body: string) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it("passes streams that carry the catalogue's events, with their time to first event", async () => {
    const { server, baseUrl } = await serve(sseBody(100));
    try {
      const summaryPath = join(scratch, 'ok.json');
      const d = await drive(
        'loadgen',
        options('sse-stream', { baseUrl, rate: 200, durationS: 1, connections: 4, summaryPath }),
      );
      assert.equal(d.failure, undefined);
      assert.ok(d.units > 150, `${d.units} streams`);
      assert.ok(d.extra.ttfe_ms_p50! > 0 && d.extra.ttfe_ms_p50! <= d.extra.ttfe_ms_p99!, JSON.stringify(d.extra));
      assert.equal(d.extra.sse_events_per_s, (d.units / d.durationS) * 100);
      assert.equal(readFileSync(`${summaryPath}.expected-body`, 'utf8'), sseBody(100));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('fails the window when the streams are short of an event', async () => {
    const { server, baseUrl } = await serve(sseBody(99));
    try {
      const summaryPath = join(scratch, 'short.json');
      const d = await drive(
        'loadgen',
        options('sse-stream', { baseUrl, rate: 100, durationS: 1, connections: 4, summaryPath }),
      );
      assert.match(d.failure!, /mismatch/);
      assert.equal(d.units, 0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
