import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from '../../targets/table.ts';

/** Argument errors stop the orchestrator before it builds a tool or starts a process. */
function bench(...args: string[]) {
  return spawnSync(process.execPath, ['bench/measure/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('npm run bench arguments', () => {
  for (
    const [args, message] of [
      [['--warmup', '0.5s'], /--warmup must be 0 or at least 1s, got 0\.5s/],
      [['--duration', '500ms'], /--duration must be at least 1s, got 500ms/],
      [['--duration', 'ten'], /--duration must be a duration like 10s/],
      [['--repeats', '0'], /--repeats must be a positive integer/],
      [['--generator-cores', '3-1'], /not a CPU list/],
      [['--targets', 'nodejs'], /unknown target/],
      [['--workloads', 'json-huge'], /unknown workload or family "json-huge"/],
      [['--mode', 'rate'], /--mode rate needs --rate/],
      // More than one server core: a run never mixes single- and multi-core targets, and never puts
      // data workloads on the embedded backend (one database per worker).
      [
        ['--server-cores', '0-1', '--generator-cores', '2-3', '--targets', 'node,workerd', '--workloads', 'basic-json'],
        /--server-cores 0-1 runs every target on 2 workers, and workerd cannot \(cannot: workerd runs one/,
      ],
      [
        ['--server-cores', '0-1', '--generator-cores', '2', '--targets', 'node', '--workloads', 'db-queries'],
        /with 2 workers the data workloads \(db-queries\) need --services/,
      ],
    ] as const
  ) {
    it(`refuses ${args.join(' ')} with exit 2`, () => {
      const r = bench(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }
});
