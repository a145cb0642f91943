/**
 * Exact CPU time of a server and everything it spawns: a cgroup per measured server, whose CPU
 * counter (cgroup v2 `cpu.stat` usage_usec; v1 `cpuacct.usage`, ns) counts every process in it,
 * children that exit included, with no 10 ms tick rounding. Where no cgroup can be made (not
 * root, no cgroup filesystem), `open` returns undefined and the caller keeps /proc's ticks.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOCK_TICKS, kernelThreadTicks } from './sampling.ts';

export interface CpuAccount {
  /** Where the counter lives, for run.json: `cgroup v2` or `cgroup v1 cpuacct`. */
  source: string;
  /** Moves every live process of a process group into the cgroup (their later CPU is counted). */
  addGroup(pgrp: number): void;
  /** Moves a process and every descendant into the cgroup; children it forks later start there. */
  addTree(pid: number): void;
  /** CPU time of everything in the cgroup so far, in nanoseconds. */
  usageNs(): number;
  /** Removes the cgroup, moving what still runs in it back to the root. */
  close(): void;
}

interface Hierarchy {
  source: string;
  root: string;
  usage(dir: string): number;
}

const V2 = (root: string): Hierarchy => ({
  source: 'cgroup v2',
  root,
  usage: (dir) => 1000 * Number(/^usage_usec (\d+)$/m.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1] ?? NaN),
});

/** The hierarchies to try: pure v2, the v2 side of a hybrid mount, v1's cpuacct. */
function hierarchies(): Hierarchy[] {
  const found: Hierarchy[] = [];
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) found.push(V2('/sys/fs/cgroup'));
  if (existsSync('/sys/fs/cgroup/unified/cgroup.procs')) found.push(V2('/sys/fs/cgroup/unified'));
  if (existsSync('/sys/fs/cgroup/cpuacct/cpuacct.usage')) {
    found.push({
      source: 'cgroup v1 cpuacct',
      root: '/sys/fs/cgroup/cpuacct',
      usage: (dir) => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8').trim()),
    });
  }
  return found;
}

/**
 * CPU time of every task on the machine so far, in nanoseconds — the root cgroup's scheduler
 * counter (v1 cpuacct, else the v2 root's cpu.stat) — or undefined where neither can be read.
 */
export function systemCpuNs(): number | undefined {
  const read = (path: string, parse: (text: string) => number) => {
    try {
      const ns = parse(readFileSync(path, 'utf8'));
      return Number.isFinite(ns) ? ns : undefined;
    } catch {
      return undefined;
    }
  };
  const v2 = (text: string) => 1000 * Number(/^usage_usec (\d+)$/m.exec(text)?.[1] ?? NaN);
  return read('/sys/fs/cgroup/cpuacct/cpuacct.usage', (text) => Number(text.trim())) ??
    read('/sys/fs/cgroup/cpu.stat', v2);
}

/**
 * A moment's CPU counters: the machine's, and what of it is accounted for — ours (server, driver,
 * services, this process) and the kernel's own threads (their work is often the server's: page
 * reclaim under stress-memory, network softirq) — and the clock.
 */
export interface CpuMark {
  systemNs: number;
  oursNs: number;
  at: number;
}

/** The counters now, or undefined where the machine's or the server's or the driver's cannot be read. */
export function cpuMark(server?: CpuAccount, driver?: CpuAccount, backend?: CpuAccount): CpuMark | undefined {
  const systemNs = systemCpuNs();
  if (systemNs === undefined || !server || !driver) return undefined;
  const self = process.cpuUsage();
  return {
    systemNs,
    oursNs: server.usageNs() + driver.usageNs() + (backend?.usageNs() ?? 0) + (self.user + self.system) * 1000 +
      (kernelThreadTicks() * 1e9) / CLOCK_TICKS,
    at: performance.now(),
  };
}

/** Other processes' CPU between two marks, ns (never below 0: the counters are read a moment apart). */
export const foreignCpuNs = (before: CpuMark, after: CpuMark): number =>
  Math.max(0, (after.systemNs - before.systemNs) - (after.oursNs - before.oursNs));

/** Other processes' CPU between two marks, % of one core. */
export function foreignCpuPct(before: CpuMark, after: CpuMark): number {
  const seconds = (after.at - before.at) / 1000;
  return seconds > 0 ? (100 * foreignCpuNs(before, after)) / 1e9 / seconds : 0;
}

/** Every live process with its parent and process group, from /proc. */
function processes(): { pid: number; ppid: number; pgrp: number }[] {
  return readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) return [];
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return [{ pid, ppid: Number(fields[1]), pgrp: Number(fields[2]) }];
    } catch {
      return [];
    }
  });
}

/** A process and its descendants. */
export function processTree(root: number): number[] {
  const all = processes();
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i]).map((p) => p.pid));
  return found;
}

/** A fresh cgroup named `name`, on the first hierarchy that lets us make one and read it. */
export function openCpuAccount(name: string): CpuAccount | undefined {
  for (const h of hierarchies()) {
    const dir = join(h.root, name);
    try {
      mkdirSync(dir);
      if (!Number.isFinite(h.usage(dir))) {
        rmdirSync(dir);
        continue;
      }
    } catch {
      continue;
    }
    const add = (pids: number[]) => {
      for (const pid of pids) {
        try {
          writeFileSync(join(dir, 'cgroup.procs'), String(pid));
        } catch {
          // exited meanwhile
        }
      }
    };
    return {
      source: h.source,
      addGroup: (pgrp) => add(processes().filter((p) => p.pgrp === pgrp).map((p) => p.pid)),
      addTree: (pid) => add(processTree(pid)),
      usageNs: () => h.usage(dir),
      close() {
        try {
          // What still runs in it (the services) goes back to the root, so the cgroup can go.
          const left = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
          for (const pid of left) {
            try {
              writeFileSync(join(h.root, 'cgroup.procs'), pid);
            } catch {
              // exited meanwhile
            }
          }
          rmdirSync(dir);
        } catch {
          // still busy (a process that outlived its stop): left for the system to reap
        }
      },
    };
  }
  return undefined;
}

/** Most the server's CPU may use, per 100 ms, for it to count as idle after the warm-up (5 %). */
const IDLE_NS_PER_100_MS = 5e6;

/**
 * Polls an exact CPU counter every 100 ms (at most 3 s) until it has gone quiet: requests the
 * warm-up left in flight are then finished, and none of their CPU is charged to the measurement.
 */
export async function untilIdle(account: CpuAccount): Promise<void> {
  for (let i = 0, last = account.usageNs(); i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = account.usageNs();
    if (now - last < IDLE_NS_PER_100_MS) return;
    last = now;
  }
}
