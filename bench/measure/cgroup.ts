/**
 * Exact CPU time of a server and everything it spawns: a cgroup per measured server, whose CPU
 * counter (cgroup v2 `cpu.stat` usage_usec; v1 `cpuacct.usage`, ns) counts every process in it,
 * children that exit included, with no 10 ms tick rounding. Where no cgroup can be made (not
 * root, no cgroup filesystem), `open` returns undefined and the caller keeps /proc's ticks.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CpuAccount {
  /** Where the counter lives, for run.json: `cgroup v2` or `cgroup v1 cpuacct`. */
  source: string;
  /** Moves every live process of a process group into the cgroup (their later CPU is counted). */
  addGroup(pgrp: number): void;
  /** CPU time of everything in the cgroup so far, in nanoseconds. */
  usageNs(): number;
  /** Removes the cgroup (once its processes have exited). */
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

/** The processes of a process group, from /proc. */
function groupPids(pgrp: number): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) return [];
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
      return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2]) === pgrp ? [pid] : [];
    } catch {
      return [];
    }
  });
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
    return {
      source: h.source,
      addGroup(pgrp) {
        for (const pid of groupPids(pgrp)) {
          try {
            writeFileSync(join(dir, 'cgroup.procs'), String(pid));
          } catch {
            // exited meanwhile
          }
        }
      },
      usageNs: () => h.usage(dir),
      close() {
        try {
          rmdirSync(dir);
        } catch {
          // still busy (a process that outlived its stop): left for the system to reap
        }
      },
    };
  }
  return undefined;
}
