import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { openCpuAccount } from './cgroup.ts';

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
