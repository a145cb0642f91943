/**
 * hey's CSV, read as seed 003's rows read it: a real run's output (hey-fixture.csv: `hey -n 60 -c 6
 * -q 100 -m GET -cpus 1 -o csv` against the python target's /json) and small hand-made ones.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fromHeyCsv, HEY_CSV_HEADER, heyArgs, heySent } from './hey.ts';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

describe("hey's CSV", () => {
  it("reads a real run's output: responses, statuses, average, percentiles, duration", () => {
    const csv = readFileSync(new URL('./hey-fixture.csv', import.meta.url), 'utf8');
    const hey = fromHeyCsv(csv, heySent(60, 6));
    assert.equal(hey.sent, 60);
    assert.equal(hey.responses, 60);
    assert.equal(hey.transportErrors, 0);
    assert.deepEqual(hey.statusCodes, { '200': 60 });
    close(hey.latencyMs.avg, (0.0974 / 60) * 1000, 'avg');
    close(hey.latencyMs.p50, 1.25, 'p50');
    close(hey.latencyMs.p99, 4.4, 'p99');
    close(hey.latencyMs.max, 4.4, 'max');
    close(hey.durationS, 0.1018, 'duration (last offset + its response time)');
  });

  it('counts the requests missing from the CSV as transport errors, and every status', () => {
    const csv = [
      HEY_CSV_HEADER,
      '0.0010,0.0001,0.0000,0.0000,0.0009,0.0000,200,0.0100',
      '0.0030,0.0000,0.0000,0.0000,0.0030,0.0000,200,0.0200',
      '0.0020,0.0000,0.0000,0.0000,0.0020,0.0000,503,0.0300',
      '',
    ].join('\n');
    const hey = fromHeyCsv(csv, 4);
    assert.equal(hey.responses, 3);
    assert.equal(hey.transportErrors, 1);
    assert.deepEqual(hey.statusCodes, { '200': 2, '503': 1 });
    close(hey.latencyMs.avg, 2, 'avg');
    close(hey.latencyMs.p50, 2, 'p50');
    close(hey.latencyMs.max, 3, 'max');
    close(hey.durationS, 0.032, 'duration');
  });

  it('is header only when nothing answered (hey still exits 0): every request an error', () => {
    const hey = fromHeyCsv(`${HEY_CSV_HEADER}\n`, 50);
    assert.equal(hey.responses, 0);
    assert.equal(hey.transportErrors, 50);
    assert.equal(hey.durationS, 0);
    assert.ok(Number.isNaN(hey.latencyMs.avg));
  });

  it("refuses what is not hey's CSV, and more responses than were sent", () => {
    assert.throws(() => fromHeyCsv('Summary:\n  Total:\t1.0 secs\n', 10), /not hey's CSV/);
    assert.throws(() => fromHeyCsv(`${HEY_CSV_HEADER}\n0.1,0.1,0.1\n`, 10), /line 2 is not a response line/);
    const two = `${HEY_CSV_HEADER}\n${'0.0010,0,0,0,0.0010,0,200,0.0100\n'.repeat(2)}`;
    assert.throws(() => fromHeyCsv(two, 1), /2 responses for 1 requests sent/);
  });
});

describe('the hey command', () => {
  it("is the seed's shape (-n, -q per worker, -m GET) with -c, -cpus and CSV output", () => {
    assert.deepEqual(
      heyArgs({ url: 'http://127.0.0.1:1/json', requests: 150_000, connections: 50, ratePerConnection: 100, cpus: 1 }),
      ['-n', '150000', '-c', '50', '-q', '100', '-m', 'GET', '-cpus', '1', '-o', 'csv', 'http://127.0.0.1:1/json'],
    );
  });

  it('sends c × ⌊n / c⌋ requests (each worker ⌊n / c⌋)', () => {
    assert.equal(heySent(1_000_000, 50), 1_000_000);
    assert.equal(heySent(149, 50), 100);
  });
});
