/**
 * The host, checked around every window: a fixed CPU loop (the same instructions every time)
 * timed on the server core just before and just after the measured phase. On a quiet host it
 * takes the same time; when a neighbour or the hypervisor takes the core, it takes longer — and
 * so does whatever the server did in that window. The loop runs in one long-lived Node process
 * pinned to the server core, idle (blocked on stdin) between checks, so it costs the server
 * nothing during the measurement and its JIT is warm from the first check.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { median } from '../results/stats.ts';

/** xorshift32 over `n` steps: cheap, branch-free, and impossible to fold away (its result is printed). */
const LOOP = `
const work = (n) => { let x = 0x9e3779b9 | 0; for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; } return x; };
work(${2e6});
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [steps, slices] = line.split(' ').map(Number);
  const times = [];
  let sink = 0;
  for (let s = 0; s < slices; s++) {
    const t0 = process.hrtime.bigint();
    sink ^= work(steps);
    times.push(Number(process.hrtime.bigint() - t0));
  }
  process.stdout.write(times.join(',') + ' ' + (sink & 1) + '\\n');
});
`;

/** Steps per slice (≈ 5 ms on a 2020s core) and slices per check: ≈ 25 ms a check. */
const STEPS = 5_000_000;
const SLICES = 5;

export interface HostChecker {
  /** The loop's time on the server core now, ns: the median of its slices. */
  check(): Promise<number>;
  close(): void;
}

/** Starts the loop's process pinned to the first of `cores` (with `node`, the orchestrator's own Node). */
export function openHostChecker(cores: string, node = process.execPath): HostChecker {
  const core = cores.split(/[,-]/)[0]!;
  const child = spawn('taskset', ['-c', core, node, '-e', LOOP], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  let exited = false;
  child.on('exit', () => {
    exited = true;
    for (const w of waiting.splice(0)) w('');
  });
  return {
    check: () =>
      new Promise<number>((resolve, reject) => {
        if (exited) return reject(new Error('the host check loop has exited'));
        waiting.push((line) => {
          const times = (line.split(' ')[0] ?? '').split(',').map(Number).filter((t) => t > 0);
          if (times.length === 0) reject(new Error(`the host check loop answered ${JSON.stringify(line)}`));
          else resolve(median(times));
        });
        child.stdin!.write(`${STEPS} ${SLICES}\n`);
      }),
    close: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}

/** A window's host is far out of line: steal above this share of the measured cores… */
export const MAX_STEAL_PCT = 10;
/** …or the loop, before or after, slower than the run's median check by more than this factor. */
export const MAX_CALIBRATION_RATIO = 1.25;
/** …or other processes than ours used more than this share of one core during the window. */
export const MAX_FOREIGN_PCT = 10;
/** The run's median is trusted once it has this many checks behind it. */
const MIN_CHECKS = 10;
/** Windows measured at most for one (the first and two more), so a bad host cannot stall the run. */
export const MAX_ATTEMPTS = 3;

/**
 * Why a window's host was far out of line, or undefined when it was not: its steal, other
 * processes' CPU during it, or its loop checks against every check of the run so far (`history`,
 * the checks of this window excluded).
 */
export function hostOutlier(
  calibrationNs: readonly [number, number],
  stealPct: number | undefined,
  history: readonly number[],
  foreignCpuPct?: number,
): string | undefined {
  if (stealPct !== undefined && stealPct > MAX_STEAL_PCT) {
    return `steal ${stealPct.toFixed(1)}% of the measured cores (the bound is ${MAX_STEAL_PCT}%)`;
  }
  if (foreignCpuPct !== undefined && foreignCpuPct > MAX_FOREIGN_PCT) {
    return `other processes took ${
      foreignCpuPct.toFixed(1)
    }% of a core during the window (the bound is ${MAX_FOREIGN_PCT}%)`;
  }
  if (history.length < MIN_CHECKS) return undefined;
  const usual = median(history);
  const worst = Math.max(...calibrationNs);
  if (worst > usual * MAX_CALIBRATION_RATIO) {
    return `the host check loop took ${(worst / usual).toFixed(2)}× its run median (the bound is ` +
      `${MAX_CALIBRATION_RATIO}×)`;
  }
  return undefined;
}
