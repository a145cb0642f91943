import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runtimeEnv } from './runtime-env.ts';

describe('runtimeEnv', () => {
  it('keeps the variables that change a runtime, sorted, and nothing else', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/root',
      CARGO_TARGET_DIR: '/cache/target',
      K6_NO_USAGE_REPORT: 'true',
      BUN_INSTALL: '/root/.bun',
      DENO_V8_FLAGS: '--no-allocation-site-pretenuring',
      NODE_OPTIONS: '--max-semi-space-size=64',
      BUN_JSC_useJIT: '0',
      MALLOC_ARENA_MAX: '2',
      UV_THREADPOOL_SIZE: '8',
      RUST_LOG: 'debug',
      BUN_GC_TIMER_DISABLE: '1',
      BUN_FEATURE_FLAG_FORCE_IO_POOL: '1',
      MIMALLOC_ARENA_EAGER_COMMIT: '1',
      UV_USE_IO_URING: '0',
      BUN_CONFIG_VERBOSE_FETCH: '1',
      UNSET: undefined,
    };
    assert.deepEqual(Object.entries(runtimeEnv(env)), [
      ['BUN_FEATURE_FLAG_FORCE_IO_POOL', '1'],
      ['BUN_GC_TIMER_DISABLE', '1'],
      ['BUN_JSC_useJIT', '0'],
      ['DENO_V8_FLAGS', '--no-allocation-site-pretenuring'],
      ['MALLOC_ARENA_MAX', '2'],
      ['MIMALLOC_ARENA_EAGER_COMMIT', '1'],
      ['NODE_OPTIONS', '--max-semi-space-size=64'],
      ['RUST_LOG', 'debug'],
      ['UV_THREADPOOL_SIZE', '8'],
      ['UV_USE_IO_URING', '0'],
    ]);
  });
  it('is empty when none is set', () => {
    assert.deepEqual(runtimeEnv({ PATH: '/usr/bin', WORKERS: '2' }), {});
  });
});
