import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { byId } from '../../contract/catalogue.ts';
import {
  inLoops,
  keepAliveClient,
  measureInstructions,
  parseCallgrindOut,
  perfVerdict,
  windowsText,
} from './instructions.ts';
import { onPath } from './machine.ts';
import { dataEnv, resetsData, runningServices } from './services.ts';
import { ROOT } from '../../targets/table.ts';

/**
 * A dump as `vgdb … dump` makes callgrind write it (3.19), cut down; its cost lines (not the line after
 * `calls=`, an inclusive cost) sum to `totals:`, and after a zeroing `summary:` falls short of it.
 */
const DUMP = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 14263
cmd:  /work/main/node_modules/node/bin/node runtimes/bare/node.ts
part: 1


desc: I1 cache: 
desc: D1 cache: 
desc: LL cache: 

desc: Timerange: Basic block 0 - 205178464
desc: Trigger: dump gauntlet-measured

positions: line
events: Ir
summary: 142964527


ob=(8) /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30
fl=(160) ???
fn=(1694) std::__detail::_Prime_rehash_policy::_M_next_bkt(unsigned long) const
0 255

ob=(10) /work/main/node_modules/node/bin/node
fl=(192) /home/iojs/build/ws/out/../deps/uv/src/unix/core.c
fn=(57300) uv__io_cb
907 602
+2 143257011
cfn=(57302) uv__stream_io
calls=200 1290
* 143000000

totals: 143257868
`;

describe('parseCallgrindOut', () => {
  it('reads the Ir of the totals line, the pid and the command', () => {
    assert.deepEqual(parseCallgrindOut(DUMP), {
      pid: 14263,
      command: '/work/main/node_modules/node/bin/node runtimes/bare/node.ts',
      instructions: 143257868,
    });
  });

  it('finds Ir among several events, and reads a missing trailing count as zero', () => {
    const text = DUMP.replace('events: Ir', 'events: Dr Ir Dw').replace('totals: 143257868', 'totals: 5 77');
    assert.equal(parseCallgrindOut(text).instructions, 77);
    assert.equal(parseCallgrindOut(text.replace('totals: 5 77', 'totals: 5')).instructions, 0);
  });

  it('falls back to the summary line when there is no totals line', () => {
    assert.equal(parseCallgrindOut(DUMP.replace('totals: 143257868\n', '')).instructions, 142964527);
  });

  it('refuses what is not a callgrind output file counting Ir', () => {
    assert.throws(() => parseCallgrindOut('hello\n'), /no "events:" line naming Ir/);
    assert.throws(() => parseCallgrindOut(DUMP.replace('events: Ir', 'events: Dr')), /no "events:" line naming Ir/);
    assert.throws(
      () => parseCallgrindOut(DUMP.replace('totals: 143257868\n', '').replace('summary: 142964527\n', '')),
      /no "totals:" or "summary:" line/,
    );
    assert.throws(() => parseCallgrindOut(DUMP.replace('totals: 143257868', 'totals: many')), /not a count/);
  });
});

describe('perfVerdict', () => {
  it('is available when perf counted instructions', () => {
    const stderr = '1234567,,instructions:u,456789,100.00,,\n';
    assert.deepEqual(perfVerdict({ status: 0, stderr, cpuPmu: true }), { available: true });
  });

  it('says why not on a VM without a PMU (perf prints <not supported> and exits 0)', () => {
    assert.deepEqual(perfVerdict({ status: 0, stderr: '<not supported>,,instructions,0,100.00,,\n', cpuPmu: false }), {
      available: false,
      reason: 'perf stat -e instructions counts <not supported>: the kernel exposes no hardware PMU ' +
        '(no /sys/bus/event_source/devices/cpu; a VM without a virtual PMU)',
    });
  });

  it('says why not when perf is missing or refuses', () => {
    assert.deepEqual(perfVerdict({ error: 'not installed', status: null, stderr: '', cpuPmu: true }), {
      available: false,
      reason: 'perf is not usable: not installed',
    });
    const refused = 'Error:\nAccess to performance monitoring and observability operations is limited.\n';
    assert.deepEqual(perfVerdict({ status: 255, stderr: refused, cpuPmu: true }), {
      available: false,
      reason: 'perf stat -e instructions failed (exit 255): Error:',
    });
  });
});

describe('measureInstructions, end to end', () => {
  const noValgrind = !onPath('valgrind') && 'valgrind is not installed';
  it(
    'counts bare-node on basic-json under callgrind: a plausible figure from each of two runs',
    { skip: noValgrind, timeout: 600_000 },
    async () => {
      // A JIT runtime's count moves with where its compiler threads and collections fall (~1 % at
      // a 12,000-request warm-up, up to ~17 % at this test's 1,000): agreement is checked on rust.
      const result = await measureInstructions(
        { targets: ['bare-node'], workloads: ['basic-json'], warmup: 1000, measured: 200, windows: 3, runs: 2 },
        () => {},
      );
      const [cell] = result.cells;
      assert.ok(cell && !('unavailable' in cell), JSON.stringify(cell));
      assert.equal(cell.runs.length, 2);
      assert.ok(cell.runs.every((r) => r.connections === 1 && r.processes.length === 1));
      // Node answering /json natively is tens of µs: somewhere between 10 thousand and 10 million instructions.
      for (const r of cell.runs) {
        assert.ok(r.instructionsPerRequest > 1e4 && r.instructionsPerRequest < 1e7, String(r.instructionsPerRequest));
        // Three windows, every one kept; the figure is all of them together.
        assert.equal(r.windows?.length, 3);
        const total = r.windows!.reduce((sum, w) => sum + w * 200, 0);
        assert.ok(Math.abs(total - r.instructions) <= 1, `${total} vs ${r.instructions}`);
        assert.equal(r.instructionsPerRequest, r.instructions / 600);
        assert.equal(r.processes.reduce((sum, p) => sum + p.instructions, 0), r.instructions);
      }
      assert.equal(cell.windows, 3);
      assert.equal(result.settings.windows, 3);
      assert.match(cell.valgrind, /^valgrind-3\./);
      assert.equal(result.settings.backend, 'embedded');
      assert.equal(result.services, undefined);
    },
  );

  it(
    'counts node on db-queries with --services: the pool against Postgres, not PGlite, and the backend recorded',
    {
      skip: noValgrind || (!runningServices() && 'Postgres and Redis are not up (scripts/services.sh up)'),
      timeout: 900_000,
    },
    async () => {
      const result = await measureInstructions(
        {
          targets: ['node'],
          workloads: ['db-queries'],
          warmup: 100,
          measured: 20,
          windows: 2,
          runs: 1,
          backend: 'services',
        },
        () => {},
      );
      assert.equal(result.settings.backend, 'services');
      assert.match(result.services?.postgres ?? '', /^[0-9]+\./);
      const [cell] = result.cells;
      assert.ok(cell && !('unavailable' in cell), JSON.stringify(cell));
      // PGlite runs in the server's process (16 M instructions per request on Node 24); Postgres does not.
      assert.ok(cell.instructionsPerRequest < 1e7, String(cell.instructionsPerRequest));
      assert.equal(cell.runs[0]!.windows?.length, 2);
    },
  );

  it(
    'counts bare-node over four connections at once: four sockets, every window, said in the settings',
    { skip: noValgrind, timeout: 600_000 },
    async () => {
      const result = await measureInstructions(
        {
          targets: ['bare-node'],
          workloads: ['basic-json'],
          warmup: 400,
          measured: 202,
          windows: 2,
          runs: 1,
          connections: 4,
        },
        () => {},
      );
      const [cell] = result.cells;
      assert.ok(cell && !('unavailable' in cell), JSON.stringify(cell));
      const [r] = cell.runs;
      assert.equal(r!.connections, 4);
      assert.equal(r!.windows?.length, 2);
      assert.equal(r!.instructionsPerRequest, r!.instructions / 404);
      assert.ok(r!.instructionsPerRequest > 1e4 && r!.instructionsPerRequest < 1e7, String(r!.instructionsPerRequest));
      assert.equal(result.settings.connections, 4);
    },
  );

  // The release binary serve.sh runs (CI builds every baseline).
  const axum = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'baselines/rust-axum/target'), 'release/gauntlet-axum');
  it(
    'counts rust (native code, no JIT) the same in two runs, to within 1 %',
    {
      skip: noValgrind || (!existsSync(axum) && `${axum} is not built (bash baselines/rust-axum/build.sh)`),
      timeout: 600_000,
    },
    async () => {
      const result = await measureInstructions(
        { targets: ['rust'], workloads: ['basic-json'], warmup: 1000, measured: 200, windows: 2, runs: 2 },
        () => {},
      );
      const [cell] = result.cells;
      assert.ok(cell && !('unavailable' in cell), JSON.stringify(cell));
      assert.ok(
        cell.instructionsPerRequest > 1e3 && cell.instructionsPerRequest < 1e6,
        String(cell.instructionsPerRequest),
      );
      assert.ok(cell.difference < 0.01, `runs differ by ${(cell.difference * 100).toFixed(2)} %`);
    },
  );
});

describe('windowsText', () => {
  it("gives each window's figure in thousands, in order, so that a spike window shows", () => {
    assert.equal(windowsText([122_802.3, 213_068, 118_101.4]), '122.8k 213.1k 118.1k');
    assert.equal(windowsText(undefined), 'not recorded');
    assert.equal(windowsText([]), 'not recorded');
  });
});

describe('inLoops', () => {
  it('sends each request once, in as many loops at once as asked, never more than the requests', async () => {
    for (const [count, loops] of [[10, 4], [3, 8], [7, 1]] as const) {
      const sent: number[] = [];
      let open = 0, most = 0;
      await inLoops(count, loops, async (i) => {
        open++;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
        sent.push(i);
        open--;
      });
      assert.deepEqual(sent.toSorted((a, b) => a - b), Array.from({ length: count }, (_, k) => k + 1));
      assert.equal(most, Math.min(loops, count), `${count} requests in ${loops} loops`);
    }
  });

  it('rejects with the first failure', async () => {
    await assert.rejects(
      inLoops(5, 2, (i) => (i === 3 ? Promise.reject(new Error('request 3: wrong body')) : Promise.resolve())),
      /request 3: wrong body/,
    );
  });
});

describe('the data settings a target starts with (dataEnv), as bench:instructions and the bench give them', () => {
  const urls = { DATABASE_URL: 'postgres://u:p@127.0.0.1:55532/gauntlet', REDIS_URL: 'redis://127.0.0.1:56479' };
  const plain = [byId('basic-json'), byId('json-small')];
  const data = [byId('basic-json'), byId('db-queries')];

  it("with services: the services' URLs, whatever the workloads", () => {
    assert.deepEqual(dataEnv(urls, data), urls);
    assert.deepEqual(dataEnv(urls, plain), urls);
  });

  it('without: the embedded database (nothing set) when a workload needs one, else GAUNTLET_DATA=off', () => {
    assert.deepEqual(dataEnv(undefined, data), {});
    assert.deepEqual(dataEnv(undefined, [byId('db-queries')]), {});
    assert.deepEqual(dataEnv(undefined, plain), { GAUNTLET_DATA: 'off' });
  });

  it('puts the data back to the seed before a workload that reads or writes the database or the cache', () => {
    assert.equal(resetsData(byId('db-queries')), true);
    assert.equal(resetsData(byId('db-create')), true);
    assert.equal(resetsData(byId('basic-json')), false);
  });
});

describe("the warm-up's grace for 503 answers (keepAliveClient against a fake server)", () => {
  const WORLDS = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: i + 1, randomNumber: 7 })));
  /** Each request's status, in order; the last one repeats. 200 answers the worlds, 503 the contract's error. */
  let script: number[] = [];
  let received = 0;
  const server = createServer((req, res) => {
    const status = script[Math.min(received++, script.length - 1)]!;
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? WORLDS : JSON.stringify({ error: { code: 'unavailable', message: 'down' } }));
  });
  let baseUrl = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  /** Runs `count` requests of db-queries with the statuses of `statuses`; the received count and the outcome. */
  async function send(statuses: number[], count: number, graceS: number | undefined, connections = 1) {
    script = statuses;
    received = 0;
    const client = keepAliveClient(baseUrl, byId('db-queries'), connections);
    const deadline = Date.now() + 60_000;
    try {
      const unavailable = await client.send(
        count,
        'warm-up',
        deadline,
        graceS === undefined ? undefined : Date.now() + graceS * 1000,
      );
      return { received, unavailable };
    } finally {
      client.close();
    }
  }

  it('sends a 503 again until the first correct answer, then the whole count, and says how many', async () => {
    assert.deepEqual(await send([503, 503, 503, 200], 5, 60), { received: 8, unavailable: 3 });
    assert.deepEqual(await send([200], 5, 60), { received: 5, unavailable: 0 });
  });

  it('over several connections, a 503 to any request sent before the first correct answer', async () => {
    assert.deepEqual(await send([503, 503, 200], 6, 60, 3), { received: 8, unavailable: 2 });
  });

  it('fails on a 503 after the first correct answer: the pool is open by then', async () => {
    await assert.rejects(
      send([503, 200, 200, 503, 200], 5, 60),
      /^Error: warm-up request 3: status 503, expected 200; body does not have the worlds shape/,
    );
  });

  it('fails on any 503 without a grace, as the counted windows send', async () => {
    await assert.rejects(send([503, 200], 3, undefined), /^Error: warm-up request 1: status 503, expected 200/);
  });

  it('fails when no answer is correct within the grace, saying how many 503s it sent again', async () => {
    await assert.rejects(
      send([503], 3, 0.3),
      /^Error: warm-up request 1: status 503, expected 200.* \(after [0-9]+ 503 answers sent again, none correct within the grace\)$/,
    );
  });

  it('fails at once on another wrong answer, grace or not', async () => {
    await assert.rejects(send([500, 200], 3, 60), /^Error: warm-up request 1: status 500, expected 200/);
  });
});
