import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MultiCoreRun, planMultiCore, sharedCpus, workerFigures, workersFor } from './multicore.ts';

describe('workersFor: one worker per server core, from the CPU list', () => {
  it('counts the CPUs the list names, never the machine’s', () => {
    assert.equal(workersFor('0'), 1);
    assert.equal(workersFor('0-1'), 2);
    assert.equal(workersFor('2,4-7'), 5);
    assert.equal(workersFor('3,0,2-3'), 3); // a CPU named twice is one core
    assert.equal(workersFor('0-63'), 64);
  });
  it('refuses what is not a CPU list', () => {
    assert.throws(() => workersFor('two'), /not a CPU list/);
  });
  it('finds the CPUs the server and the generator share', () => {
    assert.deepEqual(sharedCpus('0-1', '1'), [1]);
    assert.deepEqual(sharedCpus('0', '1-3'), []);
  });
});

const run = (o: Partial<MultiCoreRun>): MultiCoreRun => ({
  targets: ['node', 'bun'],
  workloads: ['basic-json'],
  serverCores: '0-1',
  generatorCores: '2-3',
  backend: 'services',
  targetsGiven: true,
  ...o,
});

describe('planMultiCore', () => {
  it('one server core: every target as it is, nothing refused', () => {
    const plan = planMultiCore(run({ serverCores: '0', generatorCores: '1', targets: ['node', 'workerd'] }));
    assert.deepEqual(plan, { workers: 1, targets: ['node', 'workerd'], dropped: [] });
  });
  it('refuses a run mixing targets that serve from N workers with one that cannot, naming it', () => {
    const plan = planMultiCore(run({ targets: ['node', 'workerd', 'rust'] }));
    assert.equal(plan.workers, 2);
    assert.match(plan.refusal!, /^--server-cores 0-1 runs every target on 2 workers, and workerd cannot \(cannot: /);
    assert.match(plan.refusal!, /never mixes single- and multi-core targets: drop it from --targets/);
  });
  it('drops such a target from the default list instead, saying so', () => {
    const plan = planMultiCore(run({ targets: ['node', 'workerd', 'rust'], targetsGiven: false }));
    assert.equal(plan.refusal, undefined);
    assert.deepEqual(plan.targets, ['node', 'rust']);
    assert.match(plan.dropped[0]!, /^workerd \(cannot: workerd runs one single-threaded event loop/);
  });
  it("keeps a reference target (its seed's own worker count, labelled as such)", () => {
    assert.equal(planMultiCore(run({ targets: ['django', 'django-seed002'] })).refusal, undefined);
  });
  it('refuses data workloads on the embedded backend with N workers (each would have its own database)', () => {
    const plan = planMultiCore(
      run({ backend: 'embedded', workloads: ['basic-json', 'db-queries', 'shortener-redirect'] }),
    );
    assert.match(plan.refusal!, /the data workloads \(db-queries, shortener-redirect\) need --services/);
    assert.equal(planMultiCore(run({ backend: 'embedded' })).refusal, undefined);
    assert.equal(planMultiCore(run({ workloads: ['db-queries'] })).refusal, undefined);
  });
  it('labels a run whose server and generator share a core as functional, with one worker or more', () => {
    const plan = planMultiCore(run({ serverCores: '0-1', generatorCores: '1' }));
    assert.equal(plan.refusal, undefined);
    assert.match(plan.functional!, /^the server cores \(0-1\) and the generator cores \(1\) share CPU 1: /);
    assert.match(planMultiCore(run({ serverCores: '0', generatorCores: '0' })).functional!, /share CPU 0/);
    assert.equal(planMultiCore(run({})).functional, undefined);
  });
});

describe('workerFigures', () => {
  it('records the split only with more than one worker', () => {
    assert.deepEqual(workerFigures({ shares: [1], maxOverMin: 1, uneven: false, otherShare: 0 }), {});
    assert.deepEqual(workerFigures({ shares: [0.7, 0.3], maxOverMin: 7 / 3, uneven: true, otherShare: 0.01 }), {
      workerCpuShares: [0.7, 0.3],
      workerCpuUneven: true,
    });
  });
});
