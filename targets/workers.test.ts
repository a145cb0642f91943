import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targets } from './table.ts';
import { describeMultiCore, expectedListeners, type MultiCore, scales } from './workers.ts';

const reuseport: MultiCore = { kind: 'reuseport', how: 'N processes, SO_REUSEPORT' };
const uvicorn: MultiCore = { kind: 'prefork', how: 'uvicorn --workers N', supervisor: 'when-several' };
const gunicorn: MultiCore = { kind: 'prefork', how: 'gunicorn -w N', supervisor: 'always' };
const tokio: MultiCore = { kind: 'threads', how: 'worker_threads(N)', threads: /^tokio-rt-worker$/ };
const workerd: MultiCore = { kind: 'one', why: 'one event loop per process' };

describe('expectedListeners', () => {
  it('one worker: one socket, one holder, one worker (a pre-fork arbiter holds it too)', () => {
    for (const m of [reuseport, uvicorn, tokio, workerd]) {
      assert.deepEqual(expectedListeners(m, 1), { sockets: 1, holders: 1, workerProcesses: 1 }, m.kind);
    }
    assert.deepEqual(expectedListeners(gunicorn, 1), { sockets: 1, holders: 2, workerProcesses: 1 });
  });
  it('N processes with SO_REUSEPORT: a socket per worker, each its own holder', () => {
    assert.deepEqual(expectedListeners(reuseport, 4), { sockets: 4, holders: 4, workerProcesses: 4 });
  });
  it('pre-fork: one socket, held by the supervisor and every worker', () => {
    assert.deepEqual(expectedListeners(uvicorn, 2), { sockets: 1, holders: 3, workerProcesses: 2 });
    assert.deepEqual(expectedListeners(gunicorn, 3), { sockets: 1, holders: 4, workerProcesses: 3 });
  });
  it("a reference's fixed worker count, whatever N", () => {
    const seed: MultiCore = { ...gunicorn, fixed: 5 } as MultiCore;
    assert.deepEqual(expectedListeners(seed, 1), { sockets: 1, holders: 6, workerProcesses: 5 });
    assert.deepEqual(expectedListeners(seed, 2), { sockets: 1, holders: 6, workerProcesses: 5 });
  });
  it('threads: one socket, one process, at least N worker threads', () => {
    assert.deepEqual(expectedListeners(tokio, 2), {
      sockets: 1,
      holders: 1,
      workerProcesses: 1,
      workerThreads: { pattern: /^tokio-rt-worker$/, mainThread: false, atLeast: 2 },
    });
  });
  it('refuses more than one worker for a target that cannot, and counts that are not counts', () => {
    assert.throws(() => expectedListeners(workerd, 2), /cannot run 2 workers: one event loop per process/);
    assert.throws(() => expectedListeners(reuseport, 0), /positive integer/);
    assert.throws(() => expectedListeners(reuseport, 1.5), /positive integer/);
  });
});

describe('the target table', () => {
  it('says for every target how it runs N workers, or why it cannot, in its settings', () => {
    for (const t of targets) {
      assert.equal(t.settings.multiCore, describeMultiCore(t.multiCore), t.name);
      assert.ok(t.settings.multiCore!.length > 20, t.name);
    }
  });
  it('has workerd as the one target that cannot scale (its own model is one event loop per process)', () => {
    assert.deepEqual(targets.filter((t) => !scales(t.multiCore)).map((t) => t.name), ['workerd']);
    assert.match(describeMultiCore(targets.find((t) => t.name === 'workerd')!.multiCore), /^cannot: /);
  });
});
