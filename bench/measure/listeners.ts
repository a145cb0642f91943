/**
 * The listener check: before a cell's load, a server must be up with exactly the listening sockets
 * and workers its multi-core idiom gives (targets/workers.ts). Read from /proc: the listening TCP
 * sockets on the port (`<pid>/net/tcp`, `tcp6`: state 0A, by inode), the server's process tree
 * (`<pid>/stat`: the parent of each), which of its processes hold those sockets (`<pid>/fd/*` →
 * `socket:[inode]`), and the names of the worker process's threads (`<pid>/task/<tid>/comm`).
 * `root` is where /proc is: tests give a fixture directory laid out the same way.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpectedListeners } from '../../targets/workers.ts';

export const PROC = '/proc';

/** A listening socket on the port, and the processes of the server's tree holding it. */
export interface ListeningSocket {
  inode: number;
  /** `127.0.0.1:3000`, `[::1]:3000`. */
  address: string;
  holders: number[];
}

/** What /proc shows of a server's listeners on its port. */
export interface Listeners {
  port: number;
  /** The server's process tree: its root first, then each process's children. */
  tree: number[];
  /** Listening sockets on the port held by the tree. */
  sockets: ListeningSocket[];
  /** Listening sockets on the port held by no process of the tree (another server sharing the port). */
  foreign: number;
  /** Processes holding a listening socket on the port, in tree order. */
  holders: number[];
  /** Holders with no holder below them: the worker processes (a pre-fork supervisor is not one). */
  workers: number[];
  /** The threads of each worker process: tid and name. */
  threads: Map<number, { tid: number; name: string }[]>;
}

const read = (root: string, path: string): string | undefined => {
  try {
    return readFileSync(join(root, path), 'latin1');
  } catch {
    return undefined;
  }
};

const list = (root: string, path: string): string[] => {
  try {
    return readdirSync(join(root, path));
  } catch {
    return [];
  }
};

/** The parent of a process, from the field after the command name (which may hold spaces and ')'). */
export function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** `root_pid` and its descendants, parents before children (as cgroup.ts's processTree, over any /proc). */
export function processTreeAt(rootPid: number, root = PROC): number[] {
  const children = new Map<number, number[]>();
  for (const entry of list(root, '')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = read(root, `${pid}/stat`);
    if (stat === undefined) continue;
    const ppid = parentOf(stat);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  if (read(root, `${rootPid}/stat`) === undefined) return [];
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []).sort((a, b) => a - b));
  return tree;
}

/** `0100007F:0BB8` (IPv4) or a 32-digit IPv6 address, as /proc/net/tcp writes them, to `127.0.0.1:3000`. */
function address(hex: string): { text: string; port: number } {
  const [host, portHex] = hex.split(':') as [string, string];
  const port = parseInt(portHex, 16);
  if (host.length === 8) {
    const bytes = host.match(/../g)!.map((b) => parseInt(b, 16)).reverse();
    return { text: `${bytes.join('.')}:${port}`, port };
  }
  // Four 32-bit words, each in host (little-endian) order.
  const words = host.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  return { text: `[${groups.join(':')}]:${port}`, port };
}

/** Listening sockets (state 0A) on `port` in a /proc/net/tcp or tcp6 table: inode → address. */
export function listeningOn(table: string, port: number): Map<number, string> {
  const found = new Map<number, string>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const local = address(f[1]!);
    if (local.port === port) found.set(Number(f[9]), local.text);
  }
  return found;
}

/** The socket inodes a process holds open (`socket:[123]` links in its fd directory). */
function socketsOf(pid: number, root: string): Set<number> {
  const inodes = new Set<number>();
  for (const fd of list(root, `${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(join(root, `${pid}/fd/${fd}`));
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(Number(m[1]));
  }
  return inodes;
}

/** The server's listeners on `port` now, read from /proc (or a fixture laid out like it). */
export function readListeners(rootPid: number, port: number, root = PROC): Listeners {
  const tree = processTreeAt(rootPid, root);
  // The server's own network namespace (the same as ours unless it made one).
  const onPort = new Map([
    ...listeningOn(read(root, `${rootPid}/net/tcp`) ?? '', port),
    ...listeningOn(read(root, `${rootPid}/net/tcp6`) ?? '', port),
  ]);
  const held = new Map<number, number[]>([...onPort.keys()].map((inode) => [inode, []]));
  const holders: number[] = [];
  for (const pid of tree) {
    let holds = false;
    for (const inode of socketsOf(pid, root)) {
      const pids = held.get(inode);
      if (pids) {
        pids.push(pid);
        holds = true;
      }
    }
    if (holds) holders.push(pid);
  }
  const sockets = [...held].filter(([, pids]) => pids.length > 0).map(([inode, pids]) => ({
    inode,
    address: onPort.get(inode)!,
    holders: pids,
  }));
  // A holder is a worker unless another holder is below it (the supervisor that bound a pre-fork socket).
  const parents = new Map(tree.map((pid) => [pid, parentOf(read(root, `${pid}/stat`) ?? '() 0 0')]));
  const holderSet = new Set(holders);
  const supervisors = new Set<number>();
  for (const pid of holders) {
    // Up the tree (the root's parent is outside it, so the walk ends there).
    for (let up = parents.get(pid); up !== undefined; up = parents.get(up)) {
      if (holderSet.has(up)) supervisors.add(up);
    }
  }
  const workers = holders.filter((pid) => !supervisors.has(pid));
  const threads = new Map(workers.map((pid) => [
    pid,
    list(root, `${pid}/task`).map(Number).filter(Number.isInteger).sort((a, b) => a - b).map((tid) => ({
      tid,
      name: (read(root, `${pid}/task/${tid}/comm`) ?? '').trim(),
    })),
  ]));
  return { port, tree, sockets, foreign: held.size - sockets.length, holders, workers, threads };
}

/** The worker threads of a threads-model server's worker process (the main thread first when it serves). */
export function workerThreadsOf(
  found: Listeners,
  pattern: RegExp,
  mainThread: boolean,
): { pid: number; tid: number; name: string }[] {
  return [...found.threads].flatMap(([pid, threads]) =>
    threads.filter((t) => (mainThread && t.tid === pid) || pattern.test(t.name)).map((t) => ({ pid, ...t }))
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Undefined when the server shows exactly what is expected; else what differs, in one sentence. */
export function checkListeners(found: Listeners, expected: ExpectedListeners): string | undefined {
  const problems: string[] = [];
  if (found.tree.length === 0) return `no server process (it has exited)`;
  if (found.sockets.length !== expected.sockets) {
    problems.push(
      `${plural(found.sockets.length, 'listening socket')} on port ${found.port} (expected ${expected.sockets})`,
    );
  }
  if (found.foreign > 0) {
    problems.push(`${plural(found.foreign, 'other listening socket')} on port ${found.port} outside the server`);
  }
  if (found.holders.length !== expected.holders) {
    problems.push(
      `${plural(found.holders.length, 'process', 'processes')} holding them (expected ${expected.holders})`,
    );
  }
  if (found.workers.length !== expected.workerProcesses) {
    problems.push(
      `${plural(found.workers.length, 'worker process', 'worker processes')} (expected ${expected.workerProcesses})`,
    );
  }
  if (expected.workerThreads) {
    const { pattern, mainThread, atLeast } = expected.workerThreads;
    const threads = workerThreadsOf(found, pattern, mainThread).length;
    if (threads < atLeast) {
      problems.push(`${plural(threads, 'worker thread')} matching ${pattern} (expected at least ${atLeast})`);
    }
  }
  return problems.length === 0 ? undefined : `listener check: ${problems.join('; ')}`;
}

/** One line for logs: `2 sockets on 127.0.0.1:3000 held by 2 processes (2 workers)`. */
export function describeListeners(found: Listeners): string {
  const addresses = [...new Set(found.sockets.map((s) => s.address))].join(', ') || `port ${found.port}`;
  return `${plural(found.sockets.length, 'listening socket')} on ${addresses}, held by ` +
    `${plural(found.holders.length, 'process', 'processes')} (${
      plural(found.workers.length, 'worker process', 'worker processes')
    }` +
    `, ${plural([...found.threads.values()].reduce((n, t) => n + t.length, 0), 'thread')} in them)`;
}

/**
 * Polls until the server shows exactly the expected listeners (workers start one by one after
 * /health first answers) or `timeoutMs` passes; resolves to what it found, or rejects with what
 * differs at the end.
 */
export async function waitForListeners(
  rootPid: number,
  port: number,
  expected: ExpectedListeners,
  timeoutMs = 10_000,
  root = PROC,
): Promise<Listeners> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = readListeners(rootPid, port, root);
    const problem = checkListeners(found, expected);
    if (problem === undefined) return found;
    if (Date.now() >= deadline) throw new Error(`${problem} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
