import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from './machine.ts';

describe('tool versions in run.json', () => {
  it('takes what a tool prints even when it exits non-zero, as `wrk -v` does', () => {
    assert.equal(run('sh', ['-c', 'echo "wrk debian/4.1.0 [epoll]"; exit 1']), 'wrk debian/4.1.0 [epoll]');
  });

  it('says unavailable for a missing tool or one that prints nothing', () => {
    assert.equal(run('/nonexistent/tool', ['--version']), 'unavailable');
    assert.equal(run('sh', ['-c', 'exit 0']), 'unavailable');
  });
});
