/**
 * The k6 side: the pure planning and summary modules (k6/*.ts), the scripts' presence, the k6
 * operator manifest, and — when .tools/bin/k6 exists — k6 itself against a real target and
 * against a server that answers fast and wrong.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { start, type Started } from '../targets/process.ts';
import { ROOT, targetByName } from '../targets/table.ts';
import { catalogue } from '../contract/catalogue.ts';
import { checksBody, type FamilyScript, GRACEFUL_STOP_MS, loadSettings, makePlan, scenarioDrift } from '../k6/plan.ts';
import { MIX } from '../k6/shortener.ts';
import { CELEBRITIES, MULTIPLIER, OFFSET, seededCode, seededUrl } from '../contract/shortener.ts';
import { offers } from '../contract/health.ts';
import { parseDuration } from '../contract/units.ts';
import { digest, summarize, type SummaryData, textSummary } from '../k6/summary.ts';

const K6 = join(ROOT, '.tools/bin/k6');
const noK6 = existsSync(K6) ? false : `${K6} is missing (bash scripts/k6.sh builds it)`;
const families = [...new Set(catalogue.map((e) => e.family))];
const K6_ENV = { K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' };

type Yaml = string | number | null | Yaml[] | { [key: string]: Yaml };

/**
 * The YAML subset the manifests here use — block mappings and sequences by indentation, plain
 * and double-quoted scalars, whole-line comments — and nothing more: anything else throws.
 */
function parseYaml(text: string): Yaml {
  const lines = text.split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  const scalar = (raw: string): Yaml => {
    if (/^".*"$/.test(raw)) return JSON.parse(raw) as string;
    if (/^-?[0-9]+$/.test(raw)) return Number(raw);
    if (/^['{[&*!|>]| #/.test(raw)) throw new Error(`unsupported YAML scalar: ${raw}`);
    return raw;
  };
  const block = (indent: number): Yaml => {
    if (lines[i]!.text.startsWith('- ')) {
      const list: Yaml[] = [];
      while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
        lines[i] = { indent: indent + 2, text: lines[i]!.text.slice(2) };
        list.push(block(indent + 2));
      }
      return list;
    }
    const map: Record<string, Yaml> = {};
    while (i < lines.length && lines[i]!.indent === indent && !lines[i]!.text.startsWith('- ')) {
      const m = /^([A-Za-z0-9_.-]+):(?: (.*))?$/.exec(lines[i]!.text);
      if (!m) throw new Error(`unsupported YAML line: ${lines[i]!.text}`);
      i++;
      map[m[1]!] = m[2] !== undefined
        ? scalar(m[2])
        : i < lines.length && lines[i]!.indent > indent
        ? block(lines[i]!.indent)
        : null;
    }
    if (i < lines.length && lines[i]!.indent > indent) throw new Error(`bad indentation: ${lines[i]!.text}`);
    return map;
  };
  const doc = block(0);
  if (i < lines.length) throw new Error(`unparsed YAML from: ${lines[i]!.text}`);
  return doc;
}

// deno-lint-ignore no-explicit-any
const at = (doc: Yaml, path: string): any => path.split('.').reduce((v: any, k) => v?.[k], doc);

interface K6Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs k6 without blocking the event loop (test (d)'s server lives in this process). */
function k6(args: string[], env: Record<string, string> = {}): Promise<K6Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(K6, args, { cwd: ROOT, env: { ...process.env, ...K6_ENV, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('k6 settings and plan (k6/plan.ts)', () => {
  it('reads defaults, and names the variable when one is wrong', () => {
    const s = loadSettings({});
    assert.equal(s.baseUrl, 'http://127.0.0.1:3000');
    assert.equal(s.vus, 50);
    assert.equal(s.durationMs, 10_000);
    assert.equal(s.warmupMs, 0);
    assert.equal(loadSettings({ BASE_URL: 'http://h:1/', DURATION: '1m30s', WARMUP: '' }).baseUrl, 'http://h:1');
    assert.equal(loadSettings({ DURATION: '1m30s' }).durationMs, 90_000);
    assert.equal(parseDuration('X', '1.5s'), 1500);
    for (
      const [env, name] of [
        [{ VUS: 'many' }, /VUS/],
        [{ VUS: '0' }, /VUS/],
        [{ MODE: 'open' }, /MODE/],
        [{ DURATION: '10' }, /DURATION/],
        [{ DURATION: '500ms' }, /DURATION must be at least 1s/],
        [{ WARMUP: '5 s' }, /WARMUP/],
        [{ BASE_URL: 'localhost:3000' }, /BASE_URL/],
        [{ RATE: '1.5' }, /RATE/],
      ] as const
    ) assert.throws(() => loadSettings(env), name);
  });

  it('a WORKLOAD of another family is refused with the valid ids', () => {
    assert.throws(() => makePlan({ family: 'json' }, { WORKLOAD: 'path-int' }), /json-small, json-medium, json-large/);
  });

  it('runs every endpoint of the family one after another by default, with no overlap', () => {
    const plan = makePlan({ family: 'json' }, { DURATION: '3s', WARMUP: '1s' });
    assert.deepEqual(plan.parts.map((p) => p.name), ['json-small', 'json-medium', 'json-large']);
    const step = 1000 + 3000 + GRACEFUL_STOP_MS;
    assert.deepEqual(plan.parts.map((p) => p.startMs), [0, step, 2 * step]);
    const scenario = plan.scenarios['json-medium']!;
    assert.equal(scenario.executor, 'constant-vus');
    assert.equal(scenario.startTime, `${step}ms`);
    assert.equal(scenario.duration, '4000ms'); // warm-up and measurement in one scenario
    assert.equal(scenario.gracefulStop, `${GRACEFUL_STOP_MS}ms`);
  });

  it('rate mode: constant arrival rate with enough VUs pre-allocated, none added mid-run', () => {
    const small = makePlan({ family: 'json' }, { WORKLOAD: 'json-small', MODE: 'rate', RATE: '1000' });
    assert.deepEqual(small.scenarios['json-small'], {
      executor: 'constant-arrival-rate',
      rate: 1000,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 50,
      exec: 'run',
      startTime: '0ms',
      duration: '10000ms',
      gracefulStop: `${GRACEFUL_STOP_MS}ms`,
      tags: { workload: 'json-small' },
    });
    const big = makePlan({ family: 'json' }, { WORKLOAD: 'json-small', MODE: 'rate', RATE: '20000', MAX_VUS: '400' });
    assert.equal(big.parts[0]!.preVus, 200);
    assert.equal(big.parts[0]!.maxVus, 400);
    assert.equal(big.parts[0]!.metrics.dropped, 'dropped_iterations{scenario:json-small}');
  });

  it('heavy endpoints default to a low fixed rate; MODE overrides', () => {
    const plan = makePlan({ family: 'stress' }, {});
    assert.deepEqual(plan.parts.map((p) => [p.mode, p.rate]), [['rate', 5], ['rate', 5]]);
    assert.equal(makePlan({ family: 'stress' }, { MODE: 'closed', VUS: '4' }).parts[0]!.vus, 4);
  });

  it("the shortener's mix shares VUS 10 : 60 : 30 and runs at once", () => {
    const script: FamilyScript = { family: 'shortener', mix: MIX };
    const closed = makePlan(script, { VUS: '50' });
    assert.deepEqual(closed.parts.map((p) => [p.name, p.vus, p.startMs]), [
      ['writers', 5, 0],
      ['broad-readers', 30, 0],
      ['celebrity-readers', 15, 0],
    ]);
    assert.deepEqual(makePlan(script, { MODE: 'rate', RATE: '1000' }).parts.map((p) => p.rate), [100, 600, 300]);
    assert.deepEqual(makePlan(script, { VUS: '2' }).parts.map((p) => p.vus), [1, 1, 1]);
    assert.deepEqual(makePlan(script, { WORKLOAD: 'shortener-stats' }).parts.map((p) => p.name), ['shortener-stats']);
  });

  it('fails on any wrong response and on errors; measured-phase sub-metrics exist per scenario', () => {
    const plan = makePlan({ family: 'sse', metrics: { sse_events: 'counter', sse_first_event: 'trend' } }, {});
    const t = plan.options.thresholds as Record<string, string[]>;
    assert.deepEqual(t.checks, ['rate==1.0']);
    assert.deepEqual(t.http_req_failed, ['rate<0.01']);
    assert.deepEqual(t['checks{scenario:sse-stream,phase:measure}'], ['rate==1.0']);
    assert.deepEqual(t['http_reqs{scenario:sse-stream,phase:measure}'], ['count>0']);
    assert.deepEqual(t['sse_events{scenario:sse-stream,phase:measure}'], ['count>=0']);
    assert.deepEqual(t['sse_first_event{scenario:sse-stream,phase:measure}'], ['max>=0']);
    assert.deepEqual(plan.options.summaryTrendStats, [
      'avg',
      'min',
      'med',
      'max',
      'p(50)',
      'p(90)',
      'p(95)',
      'p(99)',
      'p(99.9)',
      'count',
    ]);
    assert.equal(plan.options.maxRedirects, 0);
    assert.equal(plan.options.discardResponseBodies, false);
    const ws = makePlan(
      { family: 'ws', primary: 'ws_msgs', metrics: { ws_msgs: 'counter', ws_echo_rtt: 'trend' } },
      {},
    );
    const wt = ws.options.thresholds as Record<string, string[]>;
    assert.deepEqual(wt['ws_msgs{scenario:ws-echo,phase:measure}'], ['count>0']);
    assert.equal(wt['http_reqs{scenario:ws-echo,phase:measure}'], undefined);
  });

  it('checks whole bodies on the first 20 iterations of a VU, then 1 in 16', () => {
    const checked = Array.from({ length: 340 }, (_, i) => i).filter(checksBody);
    assert.deepEqual(checked.slice(0, 21), [...Array.from({ length: 20 }, (_, i) => i), 32]);
    assert.equal(checked.length, 20 + 20); // then 32, 48, … 336
  });

  it('notices scenarios that differ from the plan (an archive made with other settings)', () => {
    const plan = makePlan({ family: 'json' }, { WORKLOAD: 'json-small', DURATION: '10s' });
    const same = { 'json-small': { ...plan.scenarios['json-small'], duration: '10s', startTime: '0s' } };
    assert.deepEqual(scenarioDrift(plan, same), []);
    assert.deepEqual(scenarioDrift(plan, { 'json-small': { ...same['json-small'], vus: 8 } }), [
      'json-small.vus 8, planned 50',
    ]);
    assert.match(scenarioDrift(plan, { 'json-large': same['json-small'] })[0]!, /json-large, planned json-small/);
  });

  it('reads what a target offers from its /health, as the conformance suite does', () => {
    const health = (db: string, up: boolean) =>
      JSON.stringify({ status: 'ok', db: { backend: db, up }, cache: { backend: 'redis', up: true } });
    assert.deepEqual(offers(health('postgres', true)), ['stream', 'websocket', 'db', 'cache']);
    assert.deepEqual(offers(health('postgres', false)), ['stream', 'websocket', 'cache']);
    assert.deepEqual(offers(health('none', false)), ['stream', 'websocket', 'cache']);
    assert.deepEqual(offers('{"wrong":true}'), ['stream', 'websocket']);
    assert.deepEqual(offers('not json'), ['stream', 'websocket']);
  });
});

describe('shortener codes (k6/shortener.ts)', () => {
  it('are the codes src/data/seed.sql inserts', () => {
    // Read back from a PGlite database built from schema.sql + seed.sql.
    assert.equal(seededCode(1), 'LmTynEa');
    assert.equal(seededCode(2), 'LpNcXEb');
    assert.equal(seededCode(42), 'NhHGDFF');
    assert.equal(seededCode(99_999), 'iyEbHFS');
    assert.equal(seededCode(100_000), 'j18F1FT');
    assert.equal(seededUrl(42), 'https://example.com/articles/42?ref=gauntlet');
    assert.deepEqual(CELEBRITIES.map((c) => c.code), ['celeb01', 'celeb02', 'celeb03', 'celeb04', 'celeb05']);
  });

  it('follow the constants seed.sql uses today', () => {
    const seed = readFileSync(join(ROOT, 'src/data/seed.sql'), 'utf8');
    assert.ok(seed.includes(`(i * ${MULTIPLIER} + ${OFFSET}) % 3521614606208`), 'code formula changed in seed.sql');
    assert.ok(seed.includes("'https://example.com/articles/' || i || '?ref=gauntlet'"), 'seeded URL changed');
    assert.ok(seed.includes("'celeb0' || c, 'https://example.com/celebrity/' || c"), 'celebrity codes changed');
    assert.ok(seed.includes('generate_series(1::bigint, 100000::bigint)'), 'seeded code count changed');
  });
});

describe('summary (k6/summary.ts)', () => {
  const plan = makePlan({ family: 'json' }, { WORKLOAD: 'json-small', DURATION: '4s', SUMMARY_JSON: 'out.json' });
  const key = (m: string) => `${m}{scenario:json-small,phase:measure}`;
  const data: SummaryData = {
    setup_data: { offers: ['stream', 'websocket'], runId: 'x', segment: null },
    metrics: {
      [key('http_reqs')]: {
        type: 'counter',
        values: { count: 1000, rate: 200 },
        thresholds: { 'count>0': { ok: true } },
      },
      [key('checks')]: {
        type: 'rate',
        values: { rate: 0.5, passes: 1, fails: 1 },
        thresholds: { 'rate==1.0': { ok: false } },
      },
      [key('http_req_duration')]: { type: 'trend', values: { 'p(99)': 3.5, max: 9 } },
      [key('http_req_failed')]: { type: 'rate', values: { rate: 0 } },
    },
  };

  it('computes per-second figures over the measured time, and lists crossed thresholds', () => {
    const d = digest(plan, data);
    assert.equal(d.ran, true);
    assert.equal(d.ok, false);
    assert.deepEqual(d.crossed, [`${key('checks')}: rate==1.0`]);
    const part = d.parts[0]!;
    assert.equal(part.count, 1000);
    assert.equal(part.perSecond, 250); // 1000 / 4 s, not k6's rate over the whole run
    assert.deepEqual(part.latencyMs, { 'p(99)': 3.5, max: 9 });
    assert.deepEqual(part.checks, { rate: 0.5, passes: 1, fails: 1 });
    assert.match(textSummary(plan, d), /json-small +50 VUs +1000 +250\.0 .* 3\.50 +9\.00 +0\.00% +50\.00%/);
  });

  it('writes the whole data with the digest to SUMMARY_JSON, and says when setup failed', () => {
    const out = summarize(plan, data);
    assert.deepEqual(Object.keys(out), ['stdout', 'out.json']);
    const written = JSON.parse(out['out.json']!);
    assert.deepEqual(written.metrics, data.metrics);
    assert.equal(written.gauntlet.parts[0].perSecond, 250);
    const failed = digest(plan, { metrics: {} });
    assert.equal(failed.ran, false);
    assert.equal(failed.ok, false);
    assert.match(textSummary(plan, failed), /nothing measured/);
  });
});

describe('k6 scripts', () => {
  it('every catalogue family has workloads/<family>.js, and every script is a family', () => {
    for (const family of families) {
      assert.ok(existsSync(join(ROOT, `workloads/${family}.js`)), `workloads/${family}.js`);
    }
    const scripts = readdirSync(join(ROOT, 'workloads')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
    assert.deepEqual(scripts.sort(), [...families].sort());
  });

  it('import nothing remote: only k6 modules and files of this repo', () => {
    for (
      const file of [
        ...families.map((f) => `workloads/${f}.js`),
        ...readdirSync(join(ROOT, 'k6')).map((f) => `k6/${f}`),
      ]
    ) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      for (const [, from] of source.matchAll(/^import .* from '([^']+)';$/gm)) {
        assert.match(from!, /^(k6(\/[a-z-]+)?|\.\.?\/.+\.(js|ts))$/, `${file} imports ${from}`);
      }
      assert.doesNotMatch(source, /https?:\/\/[^'"\s]*\.js/, `${file} names a remote script`);
    }
  });
});

describe('k6 operator manifest (deploy/k6-operator)', () => {
  const dir = join(ROOT, 'deploy/k6-operator');
  const manifest = parseYaml(readFileSync(join(dir, 'testrun.yaml'), 'utf8'));
  const file: string = at(manifest, 'spec.script.configMap.file');
  const family = file.replace(/\.tar$/, '');
  const args: string = at(manifest, 'spec.arguments');
  const workload = /-e WORKLOAD=(\S+)/.exec(args)?.[1];

  it('is a TestRun of an existing script, archived, with BASE_URL and a WORKLOAD of its family', () => {
    assert.equal(at(manifest, 'apiVersion'), 'k6.io/v1alpha1');
    assert.equal(at(manifest, 'kind'), 'TestRun');
    const parallelism = at(manifest, 'spec.parallelism');
    assert.ok(Number.isInteger(parallelism) && parallelism >= 1, `parallelism ${parallelism}`);
    assert.match(file, /^[a-z]+\.tar$/);
    assert.ok(existsSync(join(ROOT, `workloads/${family}.js`)), `workloads/${family}.js`);
    assert.equal(at(manifest, 'spec.script.configMap.name'), `gauntlet-k6-${family}`); // what archive.sh prints
    assert.match(args, /-e BASE_URL=https?:\/\/\S+/);
    assert.ok(catalogue.some((e) => e.id === workload && e.family === family), `WORKLOAD ${workload} of ${family}`);
    // The initializer passes arguments to `k6 archive` too, and the starter needs each runner's 6565.
    assert.doesNotMatch(args, /--address|--no-usage-report/);
    const env = at(manifest, 'spec.runner.env') as { name: string; value: string }[];
    assert.ok(env.some((e) => e.name === 'K6_NO_USAGE_REPORT' && e.value === 'true'), 'runner env K6_NO_USAGE_REPORT');
  });

  it('archive.sh prints the ConfigMap it names, holding a k6 archive of that workload', { skip: noK6 }, async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('bash', [join(dir, 'archive.sh'), family, '-e', `WORKLOAD=${workload}`], { cwd: ROOT });
      let text = '';
      child.stdout.on('data', (c) => (text += c));
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`archive.sh exited ${code}`))));
    });
    const configMap = parseYaml(out);
    assert.equal(at(configMap, 'kind'), 'ConfigMap');
    assert.equal(at(configMap, 'metadata.name'), at(manifest, 'spec.script.configMap.name'));
    const tar = Buffer.from(at(configMap, 'binaryData')[file], 'base64');
    assert.ok(tar.length > 1024 && tar.length < 1024 * 1024, `archive of ${tar.length} bytes fits a ConfigMap`);
    assert.equal(tar.subarray(0, 13).toString(), 'metadata.json'); // a k6 archive: first entry
    assert.ok(tar.includes(`"${workload}"`), 'the archived options plan the WORKLOAD');
  });
});

describe('k6 against live servers', { skip: noK6 }, () => {
  let target: Started | undefined;
  let wrong: Server | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-k6-'));

  before(async () => {
    target = await start(targetByName('node'));
    wrong = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"wrong":true}');
    });
    await new Promise<void>((resolve) => wrong!.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await target?.stop();
    await new Promise((resolve) => wrong ? wrong.close(resolve) : resolve(undefined));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (baseUrl: string, summary: string) =>
    k6([
      'run',
      '--no-usage-report',
      '--address',
      '',
      '-e',
      `BASE_URL=${baseUrl}`,
      '-e',
      'WORKLOAD=json-small',
      '-e',
      'VUS=2',
      '-e',
      'DURATION=2s',
      '-e',
      `SUMMARY_JSON=${summary}`,
      'workloads/json.js',
    ]);

  it('measures json-small on the node target and writes the summary JSON', async () => {
    const summary = join(dir, 'node.json');
    const result = await run(target!.baseUrl, summary);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const data = JSON.parse(readFileSync(summary, 'utf8'));
    assert.ok(data.metrics.http_reqs.values.count > 0);
    assert.equal(data.metrics.checks.values.rate, 1);
    const part = data.gauntlet.parts[0];
    assert.equal(data.gauntlet.ok, true);
    assert.ok(part.count > 0 && part.perSecond > 0);
    assert.ok(data.metrics[part.metrics.duration].values['p(99)'] > 0);
    assert.match(result.stdout, /thresholds: all passed/);
  });

  it('fails (exit 99) against a server that answers every request 200 {"wrong":true}', async () => {
    const { port } = wrong!.address() as AddressInfo;
    const summary = join(dir, 'wrong.json');
    const result = await run(`http://127.0.0.1:${port}`, summary);
    assert.equal(result.code, 99, result.stderr + result.stdout);
    const data = JSON.parse(readFileSync(summary, 'utf8'));
    assert.ok(data.metrics.checks.values.rate < 1);
    assert.equal(data.gauntlet.ok, false);
    assert.ok(data.gauntlet.crossed.includes('checks: rate==1.0'));
  });
});
