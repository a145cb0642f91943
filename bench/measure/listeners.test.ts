import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { start } from '../../targets/process.ts';
import { targetByName } from '../../targets/table.ts';
import { expectedListeners, type MultiCore } from '../../targets/workers.ts';
import { checkListeners, describeListeners, listeningOn, readListeners, waitForListeners } from './listeners.ts';
import { snapshotWorkerCpu, workerCpu } from './worker-cpu.ts';

const PORT = 3000; // 0BB8

/** A fake /proc: processes with a parent, open sockets, threads and CPU ticks; a tcp table per pid. */
class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'gauntlet-proc-'));
  process(pid: number, ppid: number, o: { comm?: string; sockets?: number[]; threads?: string[]; ticks?: number }) {
    const dir = join(this.root, String(pid));
    mkdirSync(join(dir, 'fd'), { recursive: true });
    const comm = o.comm ?? 'server';
    const stat = (id: number, ticks: number) =>
      `${id} (${comm}) S ${ppid} 100 100 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 1 1000 250\n`;
    writeFileSync(join(dir, 'stat'), stat(pid, o.ticks ?? 0));
    (o.sockets ?? []).forEach((inode, i) => symlinkSync(`socket:[${inode}]`, join(dir, 'fd', String(10 + i))));
    symlinkSync('/dev/null', join(dir, 'fd', '0'));
    const threads = o.threads ?? [comm];
    threads.forEach((name, i) => {
      const tid = i === 0 ? pid : pid * 100 + i;
      mkdirSync(join(dir, 'task', String(tid)), { recursive: true });
      writeFileSync(join(dir, 'task', String(tid), 'comm'), `${name}\n`);
      writeFileSync(join(dir, 'task', String(tid), 'stat'), stat(tid, (o.ticks ?? 0) * (i + 1)));
    });
    return this;
  }
  /** A process's CPU ticks (utime) now. */
  ticks(pid: number, ppid: number, ticks: number) {
    writeFileSync(
      join(this.root, String(pid), 'stat'),
      `${pid} (server) S ${ppid} 100 100 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 1 1000 250\n`,
    );
    return this;
  }
  /** A thread's CPU ticks (utime) now. */
  threadTicks(pid: number, tid: number, ticks: number) {
    writeFileSync(
      join(this.root, String(pid), 'task', String(tid), 'stat'),
      `${tid} (thread) S 1 100 100 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 1 1000 250\n`,
    );
    return this;
  }
  /** /proc/<pid>/net/tcp: `[inode, port, state]` rows on 127.0.0.1, and tcp6 rows on ::1. */
  tcp(pid: number, rows: [number, number, string][], rows6: [number, number, string][] = []) {
    const table = (host: string, rs: [number, number, string][]) =>
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      rs.map(([inode, port, st], i) =>
        `   ${i}: ${host}:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${st} ` +
        `00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`
      ).join('');
    mkdirSync(join(this.root, String(pid), 'net'), { recursive: true });
    writeFileSync(join(this.root, String(pid), 'net', 'tcp'), table('0100007F', rows));
    writeFileSync(join(this.root, String(pid), 'net', 'tcp6'), table('00000000000000000000000001000000', rows6));
    return this;
  }
  remove() {
    rmSync(this.root, { recursive: true, force: true });
  }
}

const fakes: FakeProc[] = [];
const fake = () => {
  const f = new FakeProc();
  fakes.push(f);
  return f;
};
after(() => fakes.forEach((f) => f.remove()));

const uvicorn: MultiCore = { kind: 'prefork', how: 'uvicorn --workers N', supervisor: 'when-several' };
const reuseport: MultiCore = { kind: 'reuseport', how: 'N processes, SO_REUSEPORT' };
const tokio: MultiCore = { kind: 'threads', how: 'worker_threads(N)', threads: /^tokio-rt-worker$/ };

describe('listeningOn', () => {
  it('finds the listening sockets (state 0A) on the port, IPv4 and IPv6, by inode', () => {
    const f = fake().tcp(1, [[11, PORT, '0A'], [12, PORT, '01'], [13, 8080, '0A']], [[14, PORT, '0A']]);
    const table = (name: string) => readFileSync(join(f.root, '1', 'net', name), 'utf8');
    assert.deepEqual([...listeningOn(table('tcp'), PORT)], [[11, '127.0.0.1:3000']]);
    assert.deepEqual([...listeningOn(table('tcp6'), PORT)], [[14, '[0:0:0:0:0:0:0:1]:3000']]);
  });
});

describe('readListeners and checkListeners on a fake /proc', () => {
  it('pre-fork (uvicorn --workers 2): one socket held by the supervisor and two workers', () => {
    const f = fake()
      .process(100, 1, { comm: 'uvicorn', sockets: [5000] })
      .process(101, 100, { comm: 'python', sockets: [5000, 7] })
      .process(102, 100, { comm: 'python', sockets: [5000] })
      .process(103, 100, { comm: 'resource_tracker' }) // multiprocessing's helper: no socket
      .process(200, 1, { comm: 'elsewhere', sockets: [9] })
      .tcp(100, [[5000, PORT, '0A'], [7, PORT, '01']]);
    const found = readListeners(100, PORT, f.root);
    assert.deepEqual(found.tree, [100, 101, 102, 103]);
    assert.deepEqual(found.sockets, [{ inode: 5000, address: '127.0.0.1:3000', holders: [100, 101, 102] }]);
    assert.deepEqual(found.holders, [100, 101, 102]);
    assert.deepEqual(found.workers, [101, 102]);
    assert.equal(checkListeners(found, expectedListeners(uvicorn, 2)), undefined);
    assert.equal(
      checkListeners(found, expectedListeners(uvicorn, 3)),
      'listener check: 3 processes holding them (expected 4); 2 worker processes (expected 3)',
    );
    assert.match(describeListeners(found), /^1 listening socket on 127\.0\.0\.1:3000, held by 3 processes/);
  });

  it('SO_REUSEPORT (node:cluster): a socket per worker, none in the primary; a stale server is one too many', () => {
    const f = fake()
      .process(300, 1, { comm: 'node' })
      .process(301, 300, { comm: 'node', sockets: [6001] })
      .process(302, 300, { comm: 'node', sockets: [6002] })
      .process(999, 1, { comm: 'stale', sockets: [6003] })
      .tcp(300, [[6001, PORT, '0A'], [6002, PORT, '0A']]);
    const found = readListeners(300, PORT, f.root);
    assert.deepEqual(found.workers, [301, 302]);
    assert.equal(checkListeners(found, expectedListeners(reuseport, 2)), undefined);
    assert.equal(
      checkListeners(found, expectedListeners(reuseport, 1)),
      'listener check: 2 listening sockets on port 3000 (expected 1); 2 processes holding them (expected 1); ' +
        '2 worker processes (expected 1)',
    );
    f.tcp(300, [[6001, PORT, '0A'], [6002, PORT, '0A'], [6003, PORT, '0A']]);
    assert.equal(
      checkListeners(readListeners(300, PORT, f.root), expectedListeners(reuseport, 2)),
      'listener check: 1 other listening socket on port 3000 outside the server',
    );
  });

  it('threads (tokio): one socket, one process, its worker threads counted by name', () => {
    const f = fake()
      .process(400, 1, { comm: 'axum', sockets: [8000], threads: ['axum', 'tokio-rt-worker', 'tokio-rt-worker'] })
      .tcp(400, [], [[8000, PORT, '0A']]);
    const found = readListeners(400, PORT, f.root);
    assert.equal(checkListeners(found, expectedListeners(tokio, 2)), undefined);
    assert.equal(
      checkListeners(found, expectedListeners(tokio, 4)),
      'listener check: 2 worker threads matching /^tokio-rt-worker$/ (expected at least 4)',
    );
  });

  it('a server that has gone, or is not listening yet', async () => {
    const f = fake().process(500, 1, { comm: 'node' }).tcp(500, []);
    assert.equal(
      checkListeners(readListeners(600, PORT, f.root), expectedListeners(reuseport, 1)),
      'no server process (it has exited)',
    );
    await assert.rejects(
      waitForListeners(500, PORT, expectedListeners(reuseport, 1), 200, f.root),
      /listener check: 0 listening sockets on port 3000 \(expected 1\).* after 200 ms/,
    );
  });
});

describe('worker CPU from a fake /proc', () => {
  it('splits the window between snapshots over the workers, the rest to the supervisor', () => {
    const f = fake()
      .process(100, 1, { sockets: [5000], ticks: 10 })
      .process(101, 100, { sockets: [5000], ticks: 100 })
      .process(102, 100, { sockets: [5000], ticks: 100 })
      .tcp(100, [[5000, PORT, '0A']]);
    const found = readListeners(100, PORT, f.root);
    const before = snapshotWorkerCpu(found, undefined, f.root);
    f.ticks(100, 1, 20).ticks(101, 100, 400).ticks(102, 100, 200);
    const split = workerCpu(before, snapshotWorkerCpu(found, undefined, f.root), 2);
    assert.deepEqual(split.shares, [0.75, 0.25]);
    assert.equal(split.maxOverMin, 3);
    assert.equal(split.uneven, true);
    assert.equal(split.otherShare, 10 / 410);
  });
});

describe('worker CPU per thread from a fake /proc', () => {
  it('splits a threads-model server over its worker threads, by name', () => {
    const f = fake()
      .process(400, 1, { sockets: [8000], threads: ['axum', 'tokio-rt-worker', 'tokio-rt-worker'], ticks: 1 })
      .tcp(400, [[8000, PORT, '0A']]);
    const found = readListeners(400, PORT, f.root);
    const threads = expectedListeners(tokio, 2).workerThreads;
    const before = snapshotWorkerCpu(found, threads, f.root);
    assert.deepEqual([...before.workers.keys()], ['400/40001', '400/40002']);
    f.threadTicks(400, 40001, 102).threadTicks(400, 40002, 53).ticks(400, 1, 200);
    const split = workerCpu(before, snapshotWorkerCpu(found, threads, f.root), 2);
    assert.deepEqual(split.shares, [100 / 150, 50 / 150]);
    assert.equal(split.uneven, true);
  });
});

describe('on a real server: bare-node with WORKERS=2 (node:cluster, reusePort)', { timeout: 60_000 }, () => {
  const target = targetByName('bare-node');
  for (const workers of [1, 2]) {
    it(`shows exactly ${workers} listening socket(s) and worker(s), and their CPU`, async () => {
      const server = await start(target, { env: { WORKERS: String(workers) } });
      try {
        const found = await waitForListeners(
          server.child.pid!,
          server.port,
          expectedListeners(target.multiCore, workers),
        );
        assert.equal(found.sockets.length, workers);
        assert.equal(found.workers.length, workers);
        assert.equal(found.tree.length, workers === 1 ? 1 : 3); // the primary holds no socket
        const before = snapshotWorkerCpu(found);
        await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.baseUrl}/json`).then((r) => r.text())));
        const split = workerCpu(before, snapshotWorkerCpu(found), workers);
        assert.equal(split.shares.length, workers);
        assert.ok(Math.abs(split.shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        const wrong = expectedListeners(target.multiCore, workers + 1);
        await assert.rejects(waitForListeners(server.child.pid!, server.port, wrong, 300), /listener check:/);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    });
  }
});
