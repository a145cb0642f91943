import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { cpuMark, foreignCpuNs, foreignCpuPct, openCpuAccount, systemCpuNs } from './cgroup.ts';

/** A child that burns `ms` of its own CPU time (process.cpuUsage), then exits. */
const burner = (ms: number) =>
  spawn(process.execPath, [
    '-e',
    `const end = ${ms * 1000}; while (process.cpuUsage().user + process.cpuUsage().system < end);`,
  ], { detached: true, stdio: 'ignore' });

const account = openCpuAccount(`gauntlet-test-${process.pid}`);

describe('openCpuAccount', { skip: account ? false : 'no cgroup can be made here (not root, or no cgroupfs)' }, () => {
  it('counts the CPU a process group uses, exited processes included', async () => {
    const child = burner(300);
    account!.addGroup(child.pid!);
    const before = account!.usageNs();
    await new Promise((resolve) => child.on('exit', resolve));
    const usedMs = (account!.usageNs() - before) / 1e6;
    // It burned 300 ms of CPU by its own count; what it used before it joined (Node's start-up)
    // is not counted, and it used at most a few ms after its last check.
    assert.ok(usedMs > 150 && usedMs < 400, `${usedMs} ms`);
    account!.close();
  });
});

describe('foreignCpuPct', () => {
  it("is the machine's CPU less ours between two marks, per second of one core, never below 0", () => {
    const before = { systemNs: 10e9, oursNs: 4e9, at: 1000 };
    // 2 s later: the machine used 3 s of CPU, ours 2.5 s: 0.5 s of others' = 25 % of one core
    assert.equal(foreignCpuNs(before, { systemNs: 13e9, oursNs: 6.5e9, at: 3000 }), 0.5e9);
    assert.equal(foreignCpuPct(before, { systemNs: 13e9, oursNs: 6.5e9, at: 3000 }), 25);
    assert.equal(foreignCpuPct(before, { systemNs: 11e9, oursNs: 5.1e9, at: 3000 }), 0);
    assert.equal(foreignCpuPct(before, { ...before }), 0);
  });
});

describe('cpuMark', {
  skip: account && systemCpuNs() !== undefined ? false : 'no cgroup, or no machine-wide CPU counter, here',
}, () => {
  it("counts a process outside our cgroups as another's, and one inside the driver's as ours", async () => {
    const server = openCpuAccount(`gauntlet-test-server-${process.pid}`)!;
    const driver = openCpuAccount(`gauntlet-test-driver-${process.pid}`)!;
    try {
      const exited = (child: ReturnType<typeof burner>) => new Promise((resolve) => child.on('exit', resolve));
      let before = cpuMark(server, driver)!;
      await exited(burner(300));
      let after = cpuMark(server, driver)!;
      // Its 300 ms (and Node's start-up) at least; whatever else ran on the machine adds to it.
      assert.ok(foreignCpuNs(before, after) > 250e6, `${foreignCpuNs(before, after) / 1e6} ms foreign`);

      before = cpuMark(server, driver)!;
      const child = burner(300);
      driver.addTree(child.pid!);
      await exited(child);
      after = cpuMark(server, driver)!;
      assert.ok(after.oursNs - before.oursNs > 150e6, `${(after.oursNs - before.oursNs) / 1e6} ms ours`);
    } finally {
      server.close();
      driver.close();
    }
  });
});
