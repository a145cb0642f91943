/**
 * CPU time and RSS from /proc: of a whole process group (the server and every child it spawns,
 * e.g. uvicorn's workers) and of one process (the load generator), sampled every 250 ms.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpuPercent } from '../results/stats.ts';
import type { Sample } from '../results/schema.ts';

const getconf = (name: string, fallback: number): number => {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
  } catch {
    return fallback;
  }
};
export const CLOCK_TICKS = getconf('CLK_TCK', 100);
const PAGE_SIZE = getconf('PAGESIZE', 4096);

export interface Usage {
  /** utime + stime, in clock ticks. */
  ticks: number;
  rssBytes: number;
}

interface Stat extends Usage {
  pid: number;
  pgrp: number;
  /** The kernel's per-process flags (PF_*). */
  flags: number;
}

/** Parses /proc/<pid>/stat; undefined when the process is gone. */
function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain spaces: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    pgrp: Number(fields[2]),
    flags: Number(fields[6]),
    ticks: Number(fields[11]) + Number(fields[12]),
    rssBytes: Number(fields[21]) * PAGE_SIZE,
  };
}

/** PF_KTHREAD in /proc/<pid>/stat's flags: a kernel thread. */
const PF_KTHREAD = 0x00200000;

/** Every live process's /proc/<pid>/stat. */
function* processStats(): Generator<Stat> {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s) yield s;
  }
}

/**
 * CPU ticks of every kernel thread so far (page reclaim, network softirq, workqueues): work the
 * kernel does on behalf of whatever runs, the server included, so never another job's.
 */
export function kernelThreadTicks(): number {
  let ticks = 0;
  for (const s of processStats()) if (s.flags & PF_KTHREAD) ticks += s.ticks;
  return ticks;
}

/** CPU ticks and RSS summed over every live process in a process group. */
function groupUsage(pgrp: number): Usage {
  let ticks = 0, rssBytes = 0;
  for (const s of processStats()) {
    if (s.pgrp === pgrp) {
      ticks += s.ticks;
      rssBytes += s.rssBytes;
    }
  }
  return { ticks, rssBytes };
}

/** CPU ticks and RSS of one process, from /proc/<pid>/stat (zeros once it has exited). */
export function processUsage(pid: number): Usage {
  const s = stat(pid);
  return s ? { ticks: s.ticks, rssBytes: s.rssBytes } : { ticks: 0, rssBytes: 0 };
}

/** Busy and steal jiffies of some CPUs, from /proc/stat's `cpuN` lines, and their exact task time where it can be read. */
export interface CoreTimes {
  busy: number;
  steal: number;
  total: number;
  /**
   * Task time on these CPUs (root cpuacct's usage_percpu, ns), read at `at` (ms), of `cores` CPUs.
   * On a tickless kernel /proc/stat's busy ticks miss the short bursts of a mostly idle core (a
   * driver at a few thousand sends a second showed "cores 0 % busy" at 16 % of its own CPU); this
   * counter does not.
   */
  exact?: { taskNs: number; at: number; cores: number };
}

const PERCPU = '/sys/fs/cgroup/cpuacct/cpuacct.usage_percpu';

export function coreTimes(cpus: readonly number[]): CoreTimes {
  const sum: CoreTimes = { busy: 0, steal: 0, total: 0 };
  let text = '';
  try {
    text = readFileSync('/proc/stat', 'latin1');
  } catch {
    return sum;
  }
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m || !cpus.includes(Number(m[1]))) continue;
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2]!.trim()
      .split(/\s+/).map(Number);
    sum.busy += user + nice + system + irq + softirq + steal;
    sum.steal += steal;
    sum.total += user + nice + system + idle + iowait + irq + softirq + steal;
  }
  try {
    const perCpu = readFileSync(PERCPU, 'latin1').trim().split(/\s+/).map(Number);
    const taskNs = cpus.reduce((a, c) => a + (perCpu[c] ?? NaN), 0);
    if (Number.isFinite(taskNs)) sum.exact = { taskNs, at: performance.now(), cores: cpus.length };
  } catch {
    // no cgroup v1 cpuacct here: the ticks alone
  }
  return sum;
}

/**
 * % of the time between two readings: busy (steal included) and stolen. Busy is the exact task
 * time plus the steal where both readings have it, else /proc/stat's ticks.
 */
export function corePercents(a: CoreTimes, b: CoreTimes): { busyPct: number; stealPct: number } {
  const total = b.total - a.total;
  const stealPct = total <= 0 ? 0 : (100 * (b.steal - a.steal)) / total;
  if (a.exact && b.exact && b.exact.at > a.exact.at) {
    const taskPct = (100 * (b.exact.taskNs - a.exact.taskNs)) / ((b.exact.at - a.exact.at) * 1e6 * b.exact.cores);
    return { busyPct: Math.min(100, Math.max(0, taskPct + stealPct)), stealPct };
  }
  return total <= 0 ? { busyPct: 0, stealPct: 0 } : { busyPct: (100 * (b.busy - a.busy)) / total, stealPct };
}

export interface Sampling {
  /** Usage at the moment of the call (server group, generator). */
  mark(): { server: Usage; generator: Usage; at: number };
  stop(): Sample[];
}

/**
 * Samples the server group, the generator process, and the busy and stolen time of the generator
 * and server cores, every `intervalMs` until stopped.
 */
export function sample(
  serverGroup: number,
  generatorPid: () => number | undefined,
  cores: { server: readonly number[]; generator: readonly number[] },
  intervalMs = 250,
): Sampling {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const measured = [...new Set([...cores.server, ...cores.generator])];
  let last = { server: groupUsage(serverGroup), generator: { ticks: 0, rssBytes: 0 }, at: t0 };
  let lastGeneratorCores = coreTimes(cores.generator), lastMeasuredCores = coreTimes(measured);
  const read = () => {
    const pid = generatorPid();
    return {
      server: groupUsage(serverGroup),
      generator: pid ? processUsage(pid) : { ticks: 0, rssBytes: 0 },
      at: performance.now(),
    };
  };
  const timer = setInterval(() => {
    const now = read();
    const seconds = (now.at - last.at) / 1000;
    const generatorCores = coreTimes(cores.generator), measuredCores = coreTimes(measured);
    const generatorCoreBusyPct = corePercents(lastGeneratorCores, generatorCores).busyPct;
    const stealPct = corePercents(lastMeasuredCores, measuredCores).stealPct;
    lastGeneratorCores = generatorCores;
    lastMeasuredCores = measuredCores;
    samples.push({
      t: (now.at - t0) / 1000,
      serverCpuPct: cpuPercent(now.server.ticks - last.server.ticks, CLOCK_TICKS, seconds),
      serverRssBytes: now.server.rssBytes,
      generatorCpuPct: now.generator.ticks >= last.generator.ticks
        ? cpuPercent(now.generator.ticks - last.generator.ticks, CLOCK_TICKS, seconds)
        : 0,
      generatorCoreBusyPct,
      stealPct,
    });
    last = now;
  }, intervalMs);
  return {
    mark: read,
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
