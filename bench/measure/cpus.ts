/**
 * CPU lists as Linux writes them (`taskset -c`, cpuset.cpus, /sys/devices/system/cpu/online):
 * comma-separated CPUs and inclusive ranges, e.g. `0`, `1-7,12`, `0,2-3`. The orchestrator takes
 * `--server-cores` and `--generator-cores` in this form; thread and worker counts come from here.
 */

/** The CPUs of a list, ascending and distinct; throws on anything that is not a CPU list. */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: ${JSON.stringify(list)} (expected e.g. 0, 1-3 or 1-7,12)`);
    const from = Number(m[1]), to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`not a CPU list: ${JSON.stringify(list)} (range ${part} runs backwards)`);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** How many CPUs a list names. */
export const cpuCount = (list: string): number => parseCpuList(list).length;
