import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byId } from '../../contract/catalogue.ts';
import { type Case, CASES, check, fetchTransport, handlers, operation } from './cases.ts';
import { parseMicroArgs } from './cli.ts';
import { type Budget, type CaseResult, ratios, render, runSuite, selectCases, summarise } from './suite.ts';

/** A few samples of a fraction of a millisecond: every case runs, nothing is a measurement. */
const TINY: Budget = { minCpuTimeMs: 1, minSamples: 6, maxSamples: 50, sampleMs: 0.2, calibrateMs: 2 };

/** The case `id/handler` with the catalogue's request sent to `path` instead. */
const pointedAt = (name: string, path: string): Case => {
  const c = CASES.find((k) => k.name === name)!;
  return { ...c, name: `${name}@${path}`, endpoint: { ...c.endpoint, request: { ...c.endpoint.request, path } } };
};

describe('bench:micro cases', () => {
  it('cover routing on the three handlers, the JSON echoes and every family that runs in-process', () => {
    const names = CASES.map((c) => c.name);
    for (const id of ['basic-json', 'basic-plaintext']) {
      for (const h of ['app', 'basic', 'bare']) assert.ok(names.includes(`${id}/${h}`), `${id}/${h}`);
    }
    for (const id of ['json-small', 'json-medium', 'json-large', 'basic-echo']) assert.ok(names.includes(`${id}/app`));
    assert.ok(names.includes('json-small/bare'));
    const families = new Set(CASES.map((c) => c.endpoint.family));
    assert.deepEqual(
      [...families].sort(),
      ['basic', 'form', 'json', 'mixed', 'multipart', 'path', 'query', 'stress'],
    );
    assert.equal(new Set(names).size, names.length, 'case names are unique');
  });

  it('answer as the catalogue expects on every handler they name', async () => {
    const by = handlers();
    for (const c of CASES.filter((k) => k.handler !== 'listener')) {
      assert.deepEqual(await check(c, fetchTransport(c.endpoint, by[c.handler])), [], c.name);
    }
  });

  it('a node:http listener is refused by the fetch transport, and its cases are left out of a fetch run', async () => {
    const c = CASES.find((k) => k.handler === 'listener')!;
    assert.throws(() => fetchTransport(c.endpoint, handlers().listener), /only on the node-server transport/);
    await assert.rejects(
      runSuite({ budget: TINY, filter: /\/listener$/ }),
      /no case matches/,
    );
  });

  it('a case pointed at a missing route is caught by the check and by the operation', async () => {
    const by = handlers();
    const missing = pointedAt('basic-json/app', '/no-such-route');
    const send = fetchTransport(missing.endpoint, by.app);
    assert.deepEqual((await check(missing, send))[0], 'status 404, expected 200');
    await assert.rejects(operation(missing, send)(), /status 404, expected 200/);
  });

  it('a workload the bare control does not serve fails its check', async () => {
    const bareMedium: Case = {
      name: 'json-medium/bare',
      group: 'json',
      endpoint: byId('json-medium'),
      handler: 'bare',
    };
    const problems = await check(bareMedium, fetchTransport(bareMedium.endpoint, handlers().bare));
    assert.ok(problems.includes('status 404, expected 200'), problems.join('; '));
  });

  it('a wrong body with the right status fails the check', async () => {
    const wrong = pointedAt('path-simple/app', '/path/simple/zzz999');
    const problems = await check(wrong, fetchTransport(wrong.endpoint, handlers().app));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^body differs/);
  });
});

describe('bench:micro suite', () => {
  it('measures every case (a tiny budget: figures exist, their size is not checked)', async () => {
    const result = await runSuite({ budget: TINY });
    const onFetch = CASES.filter((c) => c.handler !== 'listener');
    assert.deepEqual(result.cases.map((r) => r.name), onFetch.map((c) => c.name));
    for (const r of result.cases) {
      assert.ok(Number.isFinite(r.ns.median) && r.ns.median > 0, `${r.name}: median ${r.ns.median}`);
      assert.ok(r.ns.low <= r.ns.median && r.ns.median <= r.ns.high, r.name);
      assert.ok(r.ns.n >= TINY.minSamples, `${r.name}: ${r.ns.n} samples`);
      assert.ok(r.opsPerSample === 1 || r.opsPerSample % 4 === 0, `${r.name}: batch ${r.opsPerSample}`);
    }
    assert.deepEqual(
      result.ratios.map((r) => `${r.workload} ${r.name}`),
      [
        'basic-json app ÷ bare',
        'basic-json basic ÷ bare',
        'basic-json app ÷ basic',
        'basic-plaintext app ÷ bare',
        'basic-plaintext basic ÷ bare',
        'basic-plaintext app ÷ basic',
        'json-small app ÷ bare',
      ],
    );
    const text = render(result);
    for (const c of onFetch) assert.ok(text.includes(`| ${c.name} `), c.name);
  });

  it('refuses to time anything when a case answers wrongly, naming it', async () => {
    const cases = [CASES[0]!, pointedAt('json-small/app', '/json/nope')];
    const timed: string[] = [];
    await assert.rejects(
      runSuite({ budget: TINY, cases, log: (line) => timed.push(line) }),
      (err: Error) => err.message.includes('json-small/app@/json/nope: status 404, expected 200'),
    );
    assert.deepEqual(timed, [], 'no case was timed, not even the correct one');
  });

  it('--filter picks cases by name, and one matching nothing is an error', () => {
    assert.deepEqual(selectCases(/\/bare$/).map((c) => c.name), [
      'basic-json/bare',
      'basic-plaintext/bare',
      'json-small/bare',
    ]);
    assert.throws(() => selectCases(/^nothing$/), /no case matches/);
  });
});

describe('bench:micro figures', () => {
  const c = CASES[0]!;
  it('summarise: the median of the samples and its order-statistic interval', () => {
    const r = summarise(c, [5, 1, 4, 2, 3, 9, 8, 7, 6, 10], 8);
    assert.equal(r.ns.median, 5.5);
    assert.deepEqual([r.ns.low, r.ns.high, r.ns.n, r.ns.exact], [2, 9, 10, true]);
    assert.deepEqual([r.p25Ns, r.p75Ns, r.opsPerSample, r.ops], [3.25, 7.75, 8, 80]);
  });

  it('ratios: medians divided, the interval from both intervals, only where both handlers ran', () => {
    const at = (workload: string, handler: CaseResult['handler'], median: number, low: number, high: number) =>
      ({
        name: `${workload}/${handler}`,
        group: 'routing',
        workload,
        handler,
        ns: { median, low, high, n: 10, confidence: 0.98, exact: true },
        p25Ns: low,
        p75Ns: high,
        opsPerSample: 4,
        ops: 40,
      }) satisfies CaseResult;
    const out = ratios([
      at('basic-json', 'app', 300, 280, 330),
      at('basic-json', 'bare', 100, 90, 110),
      at('x', 'app', 1, 1, 1),
    ]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.name, 'app ÷ bare');
    assert.equal(out[0]!.median, 3);
    assert.equal(out[0]!.low, 280 / 110);
    assert.equal(out[0]!.high, 330 / 90);
  });
});

describe('bench:micro command line', () => {
  it('parses its options, and says what is wrong with a bad one', () => {
    assert.deepEqual(parseMicroArgs([]), { quick: false, clock: 'cpu', transport: 'fetch' });
    const parsed = parseMicroArgs(
      ['--quick', '--filter', '^json', '--json', 'out.json', '--clock', 'wall', '--transport', 'node-server'],
    );
    assert.deepEqual({ ...parsed, filter: String(parsed.filter) }, {
      quick: true,
      clock: 'wall',
      transport: 'node-server',
      filter: '/^json/',
      json: 'out.json',
    });
    assert.throws(() => parseMicroArgs(['--filter', '(']), /--filter/);
    assert.throws(() => parseMicroArgs(['--clock', 'tsc']), /--clock: expected cpu or wall/);
    assert.throws(() => parseMicroArgs(['--transport', 'uws']), /--transport: expected fetch or node-server/);
    assert.throws(() => parseMicroArgs(['--json', '']), /--json needs a file name/);
    assert.throws(() => parseMicroArgs(['--fast']));
  });
});
