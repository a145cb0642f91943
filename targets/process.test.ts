import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { ROOT } from './table.ts';

/**
 * A process that starts a stand-in target (a node:http server answering /health) with start(),
 * prints the target's pid, and then ends as `how` says.
 */
function starter(how: 'exit' | 'signal'): string {
  const server = 'require("node:http").createServer((q, s) => s.end("ok")).listen(process.env.PORT, "127.0.0.1")';
  return `
    import { exitOnSignal, start } from './targets/process.ts';
    const target = { name: 'stand-in', language: 'TypeScript', description: '', settings: {},
      multiCore: { kind: 'none', why: 'test' }, command: [process.execPath, '-e', ${JSON.stringify(server)}] };
    exitOnSignal(() => {});
    const started = await start(target);
    console.log(String(started.child.pid));
    ${how === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 1000);'}
  `;
}

/** Whether a process with this pid still exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const { readFileSync } = process.getBuiltinModule('node:fs');
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const end = Date.now() + withinMs; Date.now() < end;) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe('targets started by a process die with it', () => {
  for (const how of ['exit', 'signal'] as const) {
    it(how === 'exit' ? 'on process.exit' : 'on SIGTERM, with exitOnSignal (status 143)', async () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', starter(how)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = once(child, 'exit');
      // The target's pid, once it answers /health.
      while (!/^\d+\n/.test(out)) {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const pid = Number(out.trim());
      assert.ok(pid > 0, `no target pid printed: ${JSON.stringify(out)}`);
      if (how === 'signal') {
        assert.ok(alive(pid), 'the target runs while its starter does');
        child.kill('SIGTERM');
      }
      const [code] = await exited;
      assert.equal(code, how === 'exit' ? 0 : 143);
      assert.ok(await gone(pid, 5000), `target ${pid} still running after its starter exited`);
    });
  }
});
