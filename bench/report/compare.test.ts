import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Cell, Repeat, RunMeta } from '../results/schema.ts';
import { cellMedians } from '../results/summary.ts';
import { compareMarkdown, comparePairs, compareRuns, figureChange } from './compare.ts';
import { run } from './fixture.ts';
import { NODE, ROOT } from '../../targets/table.ts';

/** A cell whose repeats have these throughputs and CPU µs/unit; a string is a failed repeat. */
function cell(
  target: string,
  workload: string,
  repeats: ([number, number] | string)[],
  o: Partial<Cell> = {},
): Cell {
  const rs = repeats.map((r, i): Repeat =>
    typeof r === 'string' ? { state: 'failed', repeat: i + 1, reason: r } : {
      state: 'ok',
      repeat: i + 1,
      figures: {
        units: r[0] * 10,
        durationS: 10,
        throughput: r[0],
        errorRate: 0,
        latencyMs: { avg: 1, p50: 1, p90: 2, p95: 3, p99: 4, max: 8 },
        serverCpuUsPerUnit: r[1],
        serverPeakRssBytes: 1,
        serverEndRssBytes: 1,
        generatorCpuPct: 50,
        generatorBound: false,
        droppedIterations: 0,
        extra: {},
      },
      samples: [],
    }
  );
  return {
    target,
    workload,
    family: workload.split('-')[0]!,
    driver: 'oha',
    mode: 'closed',
    unit: 'request',
    backend: 'none',
    repeats: rs,
    ...cellMedians(rs),
    ...o,
  };
}

const zip = (tp: number[], cpu: number[]): [number, number][] => tp.map((t, i) => [t, cpu[i]!]);

const runA: RunMeta = { ...run, id: 'run-a', git: { commit: 'aaa1111', dirty: false } };
const runB: RunMeta = {
  ...run,
  id: 'run-b',
  git: { commit: 'bbb2222', dirty: true },
  settings: { ...run.settings, durationS: 30 },
};

// Six repeats: the 95 % interval is the min–max range, at 1 − 2/64 = 96.875 %.
const cellsA = [
  cell('node', 'json-small', zip([1000, 1010, 990, 1020, 980, 1005], [50, 51, 49, 50, 52, 48])),
  cell('bun', 'json-small', zip([3000, 3100, 2900], [20, 21, 19])),
  cell('rust', 'json-small', zip([9000, 10000, 11000], [9, 10, 11])),
  cell('python', 'json-small', zip([400, 410, 390], [200, 205, 195])),
];
const cellsB = [
  // listed out of run order: the comparison follows run A's order
  cell('python', 'json-small', ['start failed', 'start failed', 'start failed']),
  cell('node', 'json-small', zip([1200, 1180, 1220, 1210, 1190, 1205], [50, 49, 51, 50, 50, 50])),
  cell('rust', 'json-small', zip([8000, 8100, 7900], [9, 10, 11]), { driver: 'wrk' }),
  cell('node', 'db-recipes', zip([100, 110, 90], [500, 480, 520])),
];

describe('figureChange', () => {
  it('takes B ÷ A at the medians and the widest ratio the two intervals allow', () => {
    const a = { median: 100, low: 90, high: 110, n: 6, confidence: 0.96875, exact: true };
    const b = { median: 150, low: 135, high: 165, n: 6, confidence: 0.96875, exact: true };
    assert.deepEqual(figureChange(a, b), {
      a,
      b,
      change: { median: 1.5, low: 135 / 110, high: 165 / 90 },
      verdict: 'up',
      exact: true,
    });
    assert.equal(figureChange(b, a).verdict, 'down');
    assert.equal(figureChange(a, { ...b, low: 110 }).verdict, 'no clear change');
  });
  it('is "not measured" when a run has no ok repeat', () => {
    const a = { median: 100, low: 90, high: 110, n: 3, confidence: 0.75, exact: false };
    const none = { median: NaN, low: NaN, high: NaN, n: 0, confidence: 0, exact: false };
    assert.deepEqual(figureChange(a, none), { a, b: none, change: undefined, verdict: 'not measured', exact: false });
  });
});

describe('compareRuns', () => {
  const c = compareRuns({ run: runA, cells: cellsA }, { run: runB, cells: cellsB });

  it('compares the cells in both runs, in run A order, and lists the others apart', () => {
    assert.deepEqual(c.cells.map((x) => `${x.target} ${x.workload}`), [
      'node json-small',
      'rust json-small',
      'python json-small',
    ]);
    assert.deepEqual(c.onlyInA, [{ target: 'bun', workload: 'json-small' }]);
    assert.deepEqual(c.onlyInB, [{ target: 'node', workload: 'db-recipes' }]);
    assert.deepEqual(c.a, { id: 'run-a', commit: 'aaa1111', dirty: false, startedAt: run.startedAt });
    assert.deepEqual(c.settingsDiffer, ['durationS: 10 vs 30']);
    assert.equal(c.confidence, 0.95);
  });

  it("gives each run's median and interval and the change", () => {
    const node = c.cells[0]!;
    // A sorted: 980 990 1000 1005 1010 1020; B sorted: 1180 1190 1200 1205 1210 1220
    assert.deepEqual(node.throughput, {
      a: { median: 1002.5, low: 980, high: 1020, n: 6, confidence: 0.96875, exact: true },
      b: { median: 1202.5, low: 1180, high: 1220, n: 6, confidence: 0.96875, exact: true },
      change: { median: 1202.5 / 1002.5, low: 1180 / 1020, high: 1220 / 980 },
      verdict: 'up',
      exact: true,
    });
    // A sorted: 48 49 50 50 51 52; B sorted: 49 50 50 50 50 51: they overlap
    assert.deepEqual(node.serverCpuUsPerUnit, {
      a: { median: 50, low: 48, high: 52, n: 6, confidence: 0.96875, exact: true },
      b: { median: 50, low: 49, high: 51, n: 6, confidence: 0.96875, exact: true },
      change: { median: 1, low: 49 / 52, high: 51 / 48 },
      verdict: 'no clear change',
      exact: true,
    });
    assert.deepEqual(node.differs, []);
    const rust = c.cells[1]!;
    assert.equal(rust.throughput.verdict, 'down');
    assert.equal(rust.throughput.exact, false);
    assert.equal(rust.serverCpuUsPerUnit.verdict, 'no clear change');
    assert.deepEqual(rust.differs, ['driver: oha vs wrk']);
    assert.equal(c.cells[2]!.throughput.verdict, 'not measured');
  });

  it('renders a Markdown table row per cell in both', () => {
    assert.equal(
      compareMarkdown(c),
      [
        '# Gauntlet runs compared: run-a → run-b',
        '',
        `- A: \`run-a\`, commit aaa1111, started ${run.startedAt}`,
        `- B: \`run-b\`, commit bbb2222 (dirty), started ${run.startedAt}`,
        '',
        'Each figure is the median over the ok repeats with its 95 % distribution-free interval (order statistics of the median). † marks too few repeats for that: the interval is then the min–max range, whose confidence is 1 − 2·0.5ⁿ (75 % for 3 repeats). The change is B ÷ A with the widest ratio the two intervals allow; "no clear change" where they overlap.',
        '',
        'Settings that differ (A vs B): durationS: 10 vs 30.',
        '',
        '| Workload | Target | Throughput A (/s) | Throughput B (/s) | Throughput B ÷ A | CPU µs/unit A | CPU µs/unit B | CPU B ÷ A |',
        '| --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
        // 1202.5 / 1002.5 = 1.1995, from 1180 / 1020 = 1.157 to 1220 / 980 = 1.245: ± 0.045 → 3 digits
        '| json-small | node | 1,003 (980–1,020) | 1,203 (1,180–1,220) | 1.20× (1.15–1.25) up | 50.0 (48.0–52.0) | 50.0 (49.0–51.0) | 1.00× (0.94–1.07) no clear change |',
        // 8000 / 10000 = 0.8, from 7900 / 11000 = 0.718 to 8100 / 9000 = 0.9: ± 0.1 (its first two
        // digits, 10, are below 35) → 2 digits, bounds rounded outwards; 10 ± 1 → 3 digits
        '| json-small | rust (driver: oha vs wrk) | 10,000 (9,000–11,000) † | 8,000 (7,900–8,100) † | 0.80× (0.71–0.90) down | 10.0 (9.0–11.0) † | 10.0 (9.0–11.0) † | 1.00× (0.81–1.23) no clear change |',
        '| json-small | python | 400 (390–410) † | — | not measured | 200 (195–205) † | — | not measured |',
        '',
        '## Paired ratios',
        '',
        "Each ratio is taken round by round within its run (the two windows minutes apart), then its median and interval. \"Inside\": run B's median ratio lies inside run A's interval — B reproduces A's claim.",
        '',
        '| Workload | Ratio | Throughput A | Throughput B | B in A? | CPU µs/unit A | CPU µs/unit B | B in A? |',
        '| --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
        // node ÷ rust round by round (see comparePairs above), intervals rounded outwards
        '| json-small | node ÷ rust | 0.101 (0.090–0.112) † | 0.150 (0.145–0.155) † | **outside** | 5.1 (4.4–5.6) † | 4.9 (4.6–5.6) † | inside |',
        '',
        '1 of 2 ratios inside.',
        '',
        'Only in A (run-a): bun × json-small.',
        '',
        'Only in B (run-b): node × db-recipes.',
        '',
      ].join('\n'),
    );
  });

  it('a run against itself: every cell "no clear change" at ratio 1', () => {
    const self = compareRuns({ run: runA, cells: cellsA }, { run: runA, cells: cellsA });
    assert.deepEqual(self.settingsDiffer, []);
    for (const x of self.cells) {
      for (const f of [x.throughput, x.serverCpuUsPerUnit]) {
        assert.equal(f.verdict, 'no clear change');
        assert.equal(f.change?.median, 1);
      }
    }
  });
});

describe('comparePairs', () => {
  it('pairs every two targets run B measured on a workload, round by round, in both runs', () => {
    const pairs = comparePairs({ run: runA, cells: cellsA }, { run: runB, cells: cellsB });
    // B measured node and rust on json-small (python failed every repeat; db-recipes is not in A).
    assert.deepEqual(pairs.map((p) => `${p.workload} ${p.num} ÷ ${p.den}`), ['json-small node ÷ rust']);
    const [p] = pairs;
    // A, rounds 1–3 (rust has three): 1000/9000, 1010/10000, 990/11000 — 3 ratios: min–max only.
    assert.deepEqual(p!.throughput.a, {
      median: 1010 / 10000,
      low: 990 / 11000,
      high: 1000 / 9000,
      n: 3,
      confidence: 0.75,
      exact: false,
    });
    // B: 1200/8000 = 0.15, 1180/8100, 1220/7900 — median 0.15, outside A's 0.09–0.111.
    assert.equal(p!.throughput.b.median, 0.15);
    assert.equal(p!.throughput.inside, false);
    // CPU, A: 50/9, 51/10, 49/11 → median 5.1; B: 50/9, 49/10, 51/11 → median 4.9, inside 4.45–5.56.
    assert.equal(p!.serverCpuUsPerUnit.a.median, 5.1);
    assert.equal(p!.serverCpuUsPerUnit.b.median, 4.9);
    assert.equal(p!.serverCpuUsPerUnit.inside, true);
  });

  it('a run against itself: every ratio inside, at the same median', () => {
    for (const p of comparePairs({ run: runA, cells: cellsA }, { run: runA, cells: cellsA })) {
      for (const r of [p.throughput, p.serverCpuUsPerUnit]) {
        assert.equal(r.inside, true);
        assert.equal(r.b.median, r.a.median);
      }
    }
  });

  it('leaves out the fixed-rate table and a pair only one run measured', () => {
    const rate = { ...cellsB[1]!, phase: 'rate-table' as const };
    assert.deepEqual(comparePairs({ run: runA, cells: cellsA }, { run: runB, cells: [rate, cellsB[2]!] }), []);
  });
});

describe('npm run compare', () => {
  const results = mkdtempSync(join(tmpdir(), 'gauntlet-compare-'));
  after(() => rmSync(results, { recursive: true, force: true }));
  const write = (meta: RunMeta, cells: Cell[]): string => {
    const dir = join(results, meta.id);
    mkdirSync(join(dir, 'cells'), { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify(meta));
    for (const c of cells) writeFileSync(join(dir, 'cells', `${c.target}__${c.workload}.json`), JSON.stringify(c));
    return dir;
  };
  const compare = (...args: string[]) =>
    spawnSync(NODE, ['bench/report/compare-cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

  it('prints the table of two run directories', () => {
    const r = compare(write(runA, cellsA), write(runB, cellsB));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, compareMarkdown(compareRuns({ run: runA, cells: cellsA }, { run: runB, cells: cellsB })));
  });

  it('exits 2 naming a missing or invalid run', () => {
    const a = write(runA, cellsA);
    const missing = compare(a, join(results, 'no-such-run'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no-such-run.*missing or invalid: no run\.json/);
    const bad = write({ ...runB, id: 'bad-run' }, [{ ...cellsB[1]!, driver: 'ab' as Cell['driver'] }]);
    const invalid = compare(a, bad);
    assert.equal(invalid.status, 2);
    assert.match(invalid.stderr, /node__json-small\.json does not match the result schema[\s\S]*driver/);
    assert.equal(compare(a).status, 2);
  });
});
