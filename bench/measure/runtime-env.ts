/**
 * Environment variables that change how a runtime runs (its JIT, its collector, its thread pool,
 * its allocator, its logging). Every target inherits the bench's environment, so one of these set in
 * the shell would quietly take a target off its production defaults: a run records those it finds
 * (run.json `settings.runtimeEnv`), the report says so, and a run resumes only with the same ones.
 */

/** Read by one runtime or toolchain each; what each does is in its own documentation. */
export const RUNTIME_ENV_NAMES: readonly string[] = [
  // Node (V8 and libuv): flags, the thread pool that hashes and reads files, the environment libraries read.
  'NODE_OPTIONS',
  'UV_THREADPOOL_SIZE',
  'UV_USE_IO_URING',
  'NODE_ENV',
  // Deno: V8 flags.
  'DENO_V8_FLAGS',
  // Bun: its collector's eagerness and timers, and arguments it reads from the environment (JSC's own
  // options are the BUN_JSC_ and JSC_ prefixes below, its feature switches BUN_FEATURE_FLAG_).
  'BUN_GARBAGE_COLLECTOR_LEVEL',
  'BUN_GC_TIMER_DISABLE',
  'BUN_GC_TIMER_INTERVAL',
  'BUN_GC_RUNS_UNTIL_SKIP_RELEASE_ACCESS',
  'BUN_IDLE_GC_SECONDS',
  'BUN_DISABLE_STOP_IF_NECESSARY_TIMER',
  'BUN_OPTIONS',
  // CPython.
  'PYTHONOPTIMIZE',
  'PYTHONMALLOC',
  'PYTHONDEVMODE',
  'PYTHONASYNCIODEBUG',
  'PYTHON_GIL',
  // Rust baselines: tokio's worker count, and log filters that turn logging on.
  'TOKIO_WORKER_THREADS',
  'RUST_LOG',
  // glibc and the loader: every native runtime's allocator and what it loads.
  'GLIBC_TUNABLES',
  'LD_PRELOAD',
];

/** Families of options: JSC's (through Bun or directly), Bun's feature switches, glibc's and mimalloc's allocator. */
export const RUNTIME_ENV_PREFIXES: readonly string[] = [
  'BUN_JSC_',
  'JSC_',
  'BUN_FEATURE_FLAG_',
  'MALLOC_',
  'MIMALLOC_',
];

/** Those of `env` that change a runtime, sorted by name (empty when none is set). */
export function runtimeEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((e): e is [string, string] =>
        e[1] !== undefined &&
        (RUNTIME_ENV_NAMES.includes(e[0]) || RUNTIME_ENV_PREFIXES.some((p) => e[0].startsWith(p)))
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
