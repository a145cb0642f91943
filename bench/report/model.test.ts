import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cell, Figures } from '../results/schema.ts';
import { cellMedians } from '../results/summary.ts';
import { comparisonText } from './sections/text.ts';
import {
  canonicalRole,
  controlPairs,
  cpuRatio,
  generatorBound,
  missingCells,
  representative,
  roleOf,
  spreadOf,
  throughputRatio,
} from './model.ts';

const figures = (throughput: number, cpu: number, bound = false): Figures => ({
  units: throughput * 10,
  durationS: 10,
  throughput,
  errorRate: 0,
  latencyMs: { avg: 1, p50: 1, p90: 2, p95: 3, p99: 4, max: 5 },
  serverCpuUsPerUnit: cpu,
  serverPeakRssBytes: 1,
  serverEndRssBytes: 1,
  generatorCpuPct: bound ? 95 : 50,
  generatorBound: bound,
  droppedIterations: 0,
  extra: {},
});

function cell(target: string, rows: [number, number, boolean?][], o: Partial<Cell> = {}): Cell {
  const repeats = rows.map(([t, c, b], i) => ({
    state: 'ok' as const,
    repeat: i + 1,
    figures: figures(t, c, b),
    samples: [],
  }));
  return {
    target,
    workload: 'json-small',
    family: 'json',
    driver: 'oha',
    mode: 'closed',
    unit: 'request',
    backend: 'none',
    repeats,
    ...cellMedians(repeats),
    ...o,
  };
}

describe('comparisons between cells', () => {
  const rust = cell('rust', [[9000, 9], [10000, 10], [11000, 11]]);
  const python = cell('python', [[4000, 200], [4000, 200], [4000, 200]]);
  const bun = cell('bun', [[20000, 20, true], [20000, 20, true], [20000, 20, true]]);

  it('pair throughput round by round, and CPU the other way round, with the interval of the ratios', () => {
    // Rounds: 9,000 ÷ 4,000, 10,000 ÷ 4,000, 11,000 ÷ 4,000 → 2.25, 2.5, 2.75; three rounds give the
    // min–max range (75 % coverage), not an exact 95 % interval.
    const range = { n: 3, confidence: 0.75, exact: false };
    assert.deepEqual(throughputRatio(rust, python), {
      ok: true,
      value: 2.5,
      interval: { median: 2.5, low: 2.25, high: 2.75, ...range },
      unclear: false,
      bound: '',
      differs: [],
    });
    // 200 ÷ 9, 200 ÷ 10, 200 ÷ 11.
    const cpu = cpuRatio(python, rust);
    assert.ok(cpu.ok);
    assert.equal(cpu.value, 20);
    assert.deepEqual([cpu.interval!.low, cpu.interval!.high], [200 / 11, 200 / 9]);
  });

  it('say "no clear difference" when the paired interval holds 1', () => {
    const near = cell('rust', [[3900, 9], [4000, 10], [4200, 11]]);
    const r = throughputRatio(near, python);
    assert.ok(r.ok);
    assert.equal(r.unclear, true);
    assert.equal(comparisonText(r), '≈ 1.00× (0.97–1.05)');
    const one = cell('rust', [[9000, 9]]), onePython = cell('python', [[4000, 200]]);
    assert.deepEqual(throughputRatio(one, onePython), { ok: true, value: 2.25, bound: '', differs: [] });
  });

  it('turn a generator-bound side into a bound on the ratio', () => {
    assert.equal((throughputRatio(bun, python) as { bound: string }).bound, '≥');
    assert.equal((throughputRatio(python, bun) as { bound: string }).bound, '≤');
    assert.equal((throughputRatio(bun, bun) as { bound: string }).bound, '~');
  });

  it('say how unlike the two cells are, and refuse what cannot be compared', () => {
    const embedded = { ...python, backend: 'embedded' as const, driver: 'k6' as const };
    assert.deepEqual((throughputRatio(rust, embedded) as { differs: string[] }).differs, [
      'driver: oha vs k6',
      'backend: none vs embedded',
    ]);
    assert.deepEqual(throughputRatio(rust, undefined), { ok: false, why: 'missing' });
    assert.deepEqual(throughputRatio(rust, { ...python, median: undefined }), { ok: false, why: 'failed' });
    assert.deepEqual(throughputRatio(rust, { ...python, mode: 'rate' }), { ok: false, why: 'fixed rate' });
  });
});

describe('cell figures', () => {
  it('flag a cell generator-bound when any repeat was', () => {
    const c = cell('bun', [[1, 1, true], [1, 1], [1, 1]]);
    assert.deepEqual(generatorBound(c), { bound: true, repeats: 1, of: 3 });
  });
  it("read Cell.spread under the orchestrator's keys", () => {
    const c = cell('rust', [[9000, 9], [10000, 10], [11000, 11]]);
    assert.deepEqual(spreadOf(c, 'throughput'), { min: 9000, max: 11000, relative: 0.2 });
    assert.deepEqual(spreadOf(c, 'p99'), { min: 4, max: 4, relative: 0 });
  });
  it('pick the repeat nearest the median to plot', () => {
    assert.equal(representative(cell('rust', [[9000, 9], [11000, 11], [10100, 10]]))?.repeat, 3);
  });
});

describe('names', () => {
  it('pair bare controls with their framework targets', () => {
    assert.deepEqual(controlPairs(['node', 'bun', 'bare-node', 'bare-deno']), [{
      framework: 'node',
      bare: 'bare-node',
    }]);
  });
  it('read roles from extra keys', () => {
    assert.equal(roleOf('writers_per_s'), 'writers');
    assert.equal(roleOf('writer_rps'), 'writer');
    assert.equal(roleOf('sse_first_event_ms'), undefined);
    assert.deepEqual(['writers', 'broad-readers', 'celebrity-readers', 'reader', 'all'].map(canonicalRole), [
      'writer',
      'reader',
      'celebrity',
      'reader',
      'aggregate',
    ]);
  });
  it('find cells run.json lists that are missing', () => {
    const run = { cells: ['cells/rust__json-small.json', 'cells/node__json-small.json'] };
    assert.deepEqual(missingCells(run as never, [cell('rust', [[1, 1]])]), ['node__json-small']);
  });
});
