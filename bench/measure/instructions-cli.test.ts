import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInstructionsArgs } from './instructions-cli.ts';
import { targets } from '../../targets/table.ts';

describe('npm run bench:instructions arguments', () => {
  it('defaults to every target, basic-json and json-small, 20,000 + 5 × 2,000 requests on one connection, two runs, the embedded backend, no run id', () => {
    assert.deepEqual(parseInstructionsArgs([]), {
      options: {
        targets: targets.filter((t) => !t.reference).map((t) => t.name),
        workloads: ['basic-json', 'json-small'],
        warmup: 20000,
        measured: 2000,
        windows: 5,
        runs: 2,
        connections: 1,
        backend: 'embedded',
      },
    });
  });

  it('--services counts on Postgres and Redis', () => {
    assert.equal(parseInstructionsArgs(['--services']).options.backend, 'services');
    assert.equal(
      parseInstructionsArgs(['--workloads', 'db-queries', '--services', '--runs', '3']).options.backend,
      'services',
    );
  });

  it('takes the targets, workloads, counts and run id it is given', () => {
    assert.deepEqual(
      parseInstructionsArgs([
        '--targets',
        'bare-node,rust',
        '--workloads',
        'basic-plaintext',
        '--requests',
        '500',
        '--warmup',
        '1000',
        '--windows',
        '3',
        '--runs',
        '3',
        '--connections',
        '8',
        '--run',
        '20261130-120000',
      ]),
      {
        options: {
          targets: ['bare-node', 'rust'],
          workloads: ['basic-plaintext'],
          warmup: 1000,
          measured: 500,
          windows: 3,
          runs: 3,
          connections: 8,
          backend: 'embedded',
        },
        run: '20261130-120000',
      },
    );
  });

  for (
    const [args, message] of [
      [['--targets', 'nodejs'], /unknown target "nodejs"/],
      [['--workloads', 'json-huge'], /no workload "json-huge" in the catalogue/],
      [['--requests', '0'], /--requests must be a positive integer, got "0"/],
      [['--warmup', '3k'], /--warmup must be a positive integer, got "3k"/],
      [['--runs', '1.5'], /--runs must be a positive integer, got "1.5"/],
      [['--windows', '0'], /--windows must be a positive integer, got "0"/],
      [['--connections', '0'], /--connections must be a positive integer, got "0"/],
      [['--run', ''], /--run needs a run id/],
      [['--duration', '10s'], /Unknown option '--duration'/],
      [['--services=yes'], /Option '--services' does not take an argument/],
    ] as const
  ) {
    it(`refuses ${args.join(' ')}`, () => {
      assert.throws(() => parseInstructionsArgs([...args]), message);
    });
  }
});
