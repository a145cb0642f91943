/**
 * The README's "Run the app" commands, exactly as written there: each starts the app, answers
 * over HTTP, and stops on SIGTERM without being killed. (`npx deno task serve` once failed on
 * every fresh clone; this is what keeps it from coming back.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { start } from '../targets/process.ts';
import { ROOT } from '../targets/table.ts';

/** The backticked commands of the README's "Run the app" table that need no argument filled in. */
export function runCommands(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Run the app')) ?? '';
  return [...section.matchAll(/^\|[^|]*\|\s*`([^`]+)`/gm)].map((m) => m[1]!).filter((c) => !c.includes('<'));
}

const commands = runCommands(readFileSync(`${ROOT}README.md`, 'utf8'));

describe('the README commands', () => {
  it('are the three runtimes the README promises', () => {
    assert.deepEqual(commands, ['npm run serve', 'npx bun run serve', 'npx deno task serve']);
  });
  for (const command of commands) {
    it(`\`${command}\` serves the app and stops on SIGTERM`, async () => {
      const server = await start(
        {
          name: command,
          language: 'TypeScript',
          description: 'a README command',
          command: ['sh', '-c', command],
          settings: {},
          multiCore: { kind: 'one', why: 'a README command, started as written' },
        },
        { env: { GAUNTLET_DATA: 'off' }, timeoutMs: 60_000 },
      );
      try {
        const res = await fetch(`${server.baseUrl}/json`);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { message: 'Hello, World!' });
      } finally {
        await server.stop();
      }
      assert.notEqual(server.child.signalCode, 'SIGKILL', `${command} ignored SIGTERM:\n${server.output()}`);
    });
  }
});
