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
      UNSET: undefined,
    };
    assert.deepEqual(Object.entries(runtimeEnv(env)), [
      ['BUN_JSC_useJIT', '0'],
      ['DENO_V8_FLAGS', '--no-allocation-site-pretenuring'],
      ['MALLOC_ARENA_MAX', '2'],
      ['NODE_OPTIONS', '--max-semi-space-size=64'],
      ['RUST_LOG', 'debug'],
      ['UV_THREADPOOL_SIZE', '8'],
    ]);
  });
  it('is empty when none is set', () => {
    assert.deepEqual(runtimeEnv({ PATH: '/usr/bin', WORKERS: '2' }), {});
  });
});
