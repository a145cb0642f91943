import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuCount, parseCpuList } from './cpus.ts';

describe('parseCpuList', () => {
  it('reads single CPUs, ranges and mixtures as Linux writes them', () => {
    assert.deepEqual(parseCpuList('0'), [0]);
    assert.deepEqual(parseCpuList('1-15'), Array.from({ length: 15 }, (_, i) => i + 1));
    assert.deepEqual(parseCpuList('1-7,12'), [1, 2, 3, 4, 5, 6, 7, 12]);
    assert.deepEqual(parseCpuList('3,0,2-3'), [0, 2, 3]);
  });
  it('counts CPUs, not commas', () => {
    assert.equal(cpuCount('1-15'), 15);
    assert.equal(cpuCount('0,2-3'), 3);
  });
  it('refuses what is not a CPU list', () => {
    for (const bad of ['', 'a', '1-', '-1', '3-1', '1,,2', '0x1']) {
      assert.throws(() => parseCpuList(bad), /not a CPU list/, bad);
    }
  });
});
