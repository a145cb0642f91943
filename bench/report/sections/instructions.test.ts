import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toMarkdown } from '../doc.ts';
import { honoOverBare } from '../../results/instructions.ts';
import type { Instructions, InstructionsCell, InstructionsRun } from '../../results/schema.ts';
import { instructionsSection } from './instructions.ts';

const run = (perRequest: number): InstructionsRun => ({
  instructions: perRequest * 2000,
  instructionsPerRequest: perRequest,
  processes: [{ command: 'node', instructions: perRequest * 2000 }],
  connections: 1,
  wallTimeS: 10,
});

const counted = (target: string, workload: string, a: number, b: number): InstructionsCell => ({
  target,
  workload,
  instructionsPerRequest: (a + b) / 2,
  difference: Math.abs(a - b) / ((a + b) / 2),
  runs: [run(a), run(b)],
  warmup: 3000,
  measured: 2000,
  valgrind: 'valgrind-3.19.0',
});

const cells: InstructionsCell[] = [
  counted('node', 'basic-json', 99_000, 101_000),
  counted('node', 'json-small', 150_000, 150_000),
  counted('bare-node', 'basic-json', 40_000, 40_000),
  counted('bare-node', 'json-small', 60_000, 60_000),
  { target: 'bun', workload: 'basic-json', unavailable: 'run 1: did not start under valgrind: exited (1)' },
  { target: 'bun', workload: 'json-small', unavailable: 'run 1: did not start under valgrind: exited (1)' },
  {
    target: 'django-seed002',
    workload: 'basic-json',
    unavailable: 'not implemented: django-seed002 does not declare the basic family',
    notImplemented: true,
  },
  {
    target: 'django-seed002',
    workload: 'json-small',
    unavailable: 'not implemented: django-seed002 does not declare the json family',
    notImplemented: true,
  },
];

const data: Instructions = {
  startedAt: '2026-11-30T12:00:00.000Z',
  wallTimeS: 600,
  git: { commit: 'abc', dirty: false },
  valgrind: 'valgrind-3.19.0',
  command: ['valgrind', '--tool=callgrind'],
  settings: { warmup: 3000, measured: 2000, runs: 2 },
  perf: { available: false, reason: 'perf stat -e instructions counts <not supported>' },
  cells,
  honoOverBare: honoOverBare(cells),
};

describe('instructionsSection', () => {
  it('tabulates the figures, Hono ÷ bare, what could not run and why, and perf', () => {
    assert.equal(
      toMarkdown(instructionsSection(data)),
      `## Instructions per request (callgrind, user space)

Instructions the server executed in user space per request, counted by valgrind's callgrind (valgrind-3.19.0): 3,000 warm-up requests, then 2,000 counted, one after another over one keep-alive connection, every thread and process of the server summed; 2 runs, each on a fresh start (runs Δ: their (max − min) ÷ median). The host's noise moves this count far less than CPU time, though not to nothing: a thread woken by a timer (Bun's allocator scavenger, JSC's collector scheduling) counts more the slower the server runs under valgrind. The count excludes the kernel (syscalls, the network stack) and runs on a simulated CPU: it is a second cost beside CPU µs/request, never mixed with it. A JIT still compiling, or a major collection, in the counted window is counted too — at the same request in every run, so it repeats — so compare figures made with the same warm-up.

| Target | basic-json instr/req | basic-json runs Δ | json-small instr/req | json-small runs Δ |
|---|---|---:|---|---:|
| node | 100,000 | 2.0% | 150,000 | 0% |
| bare-node | 40,000 | 0% | 60,000 | 0% |
| bun | could not run | — | could not run | — |

Hono's instructions against its runtime's own server with no framework, on the same workload:

| Runtime | Workload | Hono instr/req | Bare instr/req | Hono ÷ bare |
|---|---|---:|---:|---:|
| node vs bare-node | basic-json | 100,000 | 40,000 | 2.50× |
| node vs bare-node | json-small | 150,000 | 60,000 | 2.50× |

Could not be counted under valgrind:

- \`bun\` on basic-json: run 1: did not start under valgrind: exited (1)
- \`bun\` on json-small: run 1: did not start under valgrind: exited (1)

> \`perf stat -e instructions\`: not available here (perf stat -e instructions counts <not supported>).
`,
    );
  });

  it('says how the windows are counted and read', () => {
    const text = toMarkdown(instructionsSection({ ...data, settings: { ...data.settings, windows: 5 } }));
    assert.match(
      text,
      /3,000 warm-up requests, then 10,000 counted in 5 windows of 2,000 \(counters zeroed before each, every window kept/,
    );
    assert.match(text, /the windows show how steady the count is/);
  });

  it('shows the median window beside the figure, and Hono ÷ bare by it, when the runs were counted in windows', () => {
    const windowed = (c: InstructionsCell, windows: number[][]): InstructionsCell =>
      'unavailable' in c ? c : { ...c, runs: c.runs.map((r, i) => ({ ...r, windows: windows[i]! })) };
    const text = toMarkdown(instructionsSection({
      ...data,
      settings: { ...data.settings, windows: 3 },
      cells: [
        windowed(cells[0]!, [[90_000, 91_000, 150_000], [92_000, 93_000, 94_000]]),
        windowed(cells[2]!, [[40_000, 40_000, 41_000], [40_000, 40_000, 40_000]]),
        ...cells.slice(4),
      ],
    }));
    assert.match(text, /\| Target \| basic-json instr\/req \| basic-json runs Δ \| basic-json median window \|/);
    assert.match(text, /\| node \| 100,000 \| 2\.0% \| 92,000 \|/);
    assert.match(text, /\| bare-node \| 40,000 \| 0% \| 40,000 \|/);
    assert.match(text, /\| bun \| could not run \| — \| — \|/);
    assert.match(text, /\| Hono ÷ bare \| Hono ÷ bare, median windows \|/);
    assert.match(text, /\| node vs bare-node \| basic-json \| 100,000 \| 40,000 \| 2\.50× \| 2\.30× \|/);
    assert.match(text, /The median window \(each run's middle window, then the median over runs\)/);
    // Without windows in the runs (files made before windows), neither column nor sentence.
    const plain = toMarkdown(instructionsSection({ ...data, settings: { ...data.settings, windows: 3 } }));
    assert.doesNotMatch(plain, /median window/);
  });

  it('says which runtime variables every target inherited, and only when there were some', () => {
    assert.doesNotMatch(toMarkdown(instructionsSection(data)), /Runtime settings from the environment/);
    const text = toMarkdown(
      instructionsSection({ ...data, settings: { ...data.settings, runtimeEnv: { DENO_V8_FLAGS: '--a' } } }),
    );
    assert.match(text, /\*\*Runtime settings from the environment\*\*: every target ran with `DENO_V8_FLAGS=--a`/);
  });
});

describe('instructionsSection, the backend', () => {
  const dbCells = [counted('node', 'db-queries', 3_000_000, 3_100_000), counted('node', 'basic-json', 99_000, 101_000)];
  const on = (backend: 'embedded' | 'services' | undefined, withCells = dbCells) =>
    toMarkdown(instructionsSection({
      ...data,
      settings: { ...data.settings, ...(backend ? { backend } : {}) },
      ...(backend === 'services' ? { services: { postgres: '15.18', redis: '7.0.15' } } : {}),
      cells: withCells,
      honoOverBare: [],
    }));

  it('says a services run counted the targets on Postgres and Redis, with their versions, and not the database', () => {
    const text = on('services');
    assert.match(
      text,
      /\*\*Backend\*\*: the data workloads ran on Postgres and Redis \(Postgres 15\.18, Redis 7\.0\.15\), put back to the seed before each/,
    );
    assert.match(text, /a data workload's figure is the target's own work \(its pool, driver and protocol code\)/);
    assert.match(text, /every counted answer was correct/);
    // Said even when no data workload was counted: the run's setting.
    assert.match(on('services', dbCells.slice(1)), /\*\*Backend\*\*: the data workloads ran on Postgres and Redis/);
  });

  it('says an embedded run counted PGlite in the figure, when it counted a data workload', () => {
    assert.match(on('embedded'), /\*\*Backend\*\*: the data workloads ran on the app's embedded database \(PGlite/);
    assert.doesNotMatch(on('embedded', dbCells.slice(1)), /\*\*Backend\*\*/);
  });

  it('says nothing of a backend for files made before it was recorded', () => {
    assert.doesNotMatch(on(undefined), /Backend/);
  });
});
