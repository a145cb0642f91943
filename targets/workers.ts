/**
 * Multi-core targets: how each target serves from N workers (one per server core, WORKERS=N) in
 * its ecosystem's production idiom, and what a running target must then show in /proc — its
 * listening sockets on the port, the processes holding them, its worker threads. Pure: the
 * orchestrator reads /proc (bench/measure/listeners.ts) and compares with `expectedListeners`.
 */

/** How a target runs N workers; every target declares one (`multiCore` in targets/table.ts). */
export type MultiCore =
  /**
   * N worker processes, each with a listening socket of its own on the port (SO_REUSEPORT): the
   * kernel spreads new connections over them. A supervisor, if any, holds no listening socket.
   */
  | { kind: 'reuseport'; how: string }
  /**
   * Pre-fork: one listening socket, bound once and inherited by N worker processes that accept on
   * it; the supervisor that bound it keeps it open (`always`, or only when it forks `when-several`
   * workers: with one, the server runs in the supervisor's process). `fixed`: a reference target's
   * own worker count, whatever WORKERS says.
   */
  | { kind: 'prefork'; how: string; supervisor: 'always' | 'when-several'; fixed?: number }
  /**
   * One process, one listening socket, N worker threads: those whose name (/proc/<pid>/task/<tid>/comm)
   * matches `threads`, plus the main thread when `mainThread` (it serves too).
   */
  | { kind: 'threads'; how: string; threads: RegExp; mainThread?: boolean }
  /** One worker whatever WORKERS says: the target cannot serve from more. */
  | { kind: 'one'; why: string };

/** What a target running `n` workers shows: counted from /proc by bench/measure/listeners.ts. */
export interface ExpectedListeners {
  /** Listening TCP sockets on the port (distinct sockets, however many descriptors refer to them). */
  sockets: number;
  /** Processes of the server's tree holding one of them. */
  holders: number;
  /** Worker processes: holders with no holder below them in the tree (a pre-fork supervisor is not one). */
  workerProcesses: number;
  /** Threads model: at least this many worker threads in the one worker process. */
  workerThreads?: { pattern: RegExp; mainThread: boolean; atLeast: number };
}

/**
 * Whether the target may be in a run with more than one server core: it serves from N workers, or
 * it is a reference whose worker count is its seed's own whatever the run's (labelled as such).
 */
export const scales = (m: MultiCore): boolean => m.kind !== 'one';

/** The `multiCore` line of a target's settings (run.json and the report print it). */
export function describeMultiCore(m: MultiCore): string {
  switch (m.kind) {
    case 'one':
      return `cannot: ${m.why}`;
    case 'prefork':
      return m.fixed === undefined ? m.how : `fixed at ${m.fixed} workers (a reference's own setup): ${m.how}`;
    default:
      return m.how;
  }
}

/**
 * What a target running with WORKERS=`n` must show. Throws for `n` > 1 on a target that cannot
 * serve from more than one worker (the orchestrator refuses such runs before starting anything).
 */
export function expectedListeners(m: MultiCore, n: number): ExpectedListeners {
  if (!Number.isInteger(n) || n < 1) throw new Error(`a worker count is a positive integer, got ${n}`);
  switch (m.kind) {
    case 'one':
      if (n > 1) throw new Error(`cannot run ${n} workers: ${m.why}`);
      return { sockets: 1, holders: 1, workerProcesses: 1 };
    case 'reuseport':
      return { sockets: n, holders: n, workerProcesses: n };
    case 'prefork': {
      const workers = m.fixed ?? n;
      const supervisor = m.supervisor === 'always' || workers > 1 ? 1 : 0;
      return { sockets: 1, holders: workers + supervisor, workerProcesses: workers };
    }
    case 'threads':
      // With one worker there is nothing to count: some runtimes then serve on the main thread (Spikard's
      // current-thread runtime, deno serve without --parallel), with no thread of the workers' name.
      return n === 1 ? { sockets: 1, holders: 1, workerProcesses: 1 } : {
        sockets: 1,
        holders: 1,
        workerProcesses: 1,
        workerThreads: { pattern: m.threads, mainThread: m.mainThread ?? false, atLeast: n },
      };
  }
}
