import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitState, run } from './machine.ts';

describe('tool versions in run.json', () => {
  it('takes what a tool prints even when it exits non-zero, as `wrk -v` does', () => {
    assert.equal(run('sh', ['-c', 'echo "wrk debian/4.1.0 [epoll]"; exit 1']), 'wrk debian/4.1.0 [epoll]');
  });

  it('says unavailable for a missing tool or one that prints nothing', () => {
    assert.equal(run('/nonexistent/tool', ['--version']), 'unavailable');
    assert.equal(run('sh', ['-c', 'exit 0']), 'unavailable');
  });
});

describe('the git state in run.json', () => {
  it('is clean at a commit, dirty with a changed tracked file, and ignores untracked files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-git-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'ignore' });
      git('init', '-q');
      writeFileSync(join(dir, 'a.txt'), 'one\n');
      git('add', 'a.txt');
      git('commit', '-qm', 'one');
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
      writeFileSync(join(dir, 'untracked.json'), '{}');
      assert.deepEqual(gitState(dir), { commit: head, dirty: false });
      writeFileSync(join(dir, 'a.txt'), 'two\n');
      assert.deepEqual(gitState(dir), { commit: head, dirty: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says unavailable outside a repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-nogit-'));
    try {
      assert.equal(gitState(dir).commit, 'unavailable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
