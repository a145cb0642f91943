import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { crashWatch } from './faults.ts';

/** A process standing in for a target: prints a line, then does what `script` says. */
function fake(script: string) {
  const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

describe('crashWatch: a target that exits on its own fails the cell', () => {
  it('names the exit code and the last output of a target that exited by itself', async () => {
    const failures: string[] = [];
    const { watch } = crashWatch(failures);
    const t = watch(fake('echo listening; echo "panic: boom" >&2; exit 3'));
    await once(t.child, 'exit');
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /exited on its own .*exit code 3.*panic: boom/);
  });

  it('names the signal of a target killed by someone else', async () => {
    const failures: string[] = [];
    const { watch } = crashWatch(failures);
    const t = watch(fake('echo up; exec sleep 30'));
    await once(t.child.stdout!, 'data');
    t.child.kill('SIGSEGV');
    await once(t.child, 'exit');
    assert.match(failures[0] ?? '', /SIGSEGV.*up/);
  });

  it('counts no failure for a kill or stop made through expecting', async () => {
    const failures: string[] = [];
    const { watch, expecting } = crashWatch(failures);
    const t = watch(fake('exec sleep 30'));
    await expecting(async () => {
      t.child.kill('SIGKILL');
      await once(t.child, 'exit');
    });
    // …and exits after it are crashes again.
    const u = watch(fake('exit 1'));
    await once(u.child, 'exit');
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /exit code 1/);
  });
});
