/**
 * The report from a small fixed run whose medians are known: exact rows and labels in the
 * Markdown, and a self-contained HTML page with every chart inline.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadReferences } from '../results/reference.ts';
import type { Reference } from '../results/reference.ts';
import { renderMarkdown, renderReport } from './render.ts';
import type { Report } from './render.ts';
import { cells, run } from './fixture.ts';
import { ROOT } from '../../targets/table.ts';

const refs: Reference[] = loadReferences(join(ROOT, 'results', 'reference'));

const section = (md: string, title: string): string => {
  const start = md.indexOf(`\n${title}\n`);
  assert.ok(start >= 0, `no section ${title}`);
  const level = title.split(' ')[0]!;
  const next = md.slice(start + title.length + 2).search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? md.slice(start) : md.slice(start, start + title.length + 2 + next);
};

describe('the Markdown report of a known run', () => {
  const md = renderMarkdown(run, cells, refs);

  it('tabulates Rust vs Python as seed 001 does, with the published ratio beside ours', () => {
    const s = section(md, '### Rust vs Python, in the shape of the published tables');
    assert.ok(s.includes('| Workload | Rust req/s | Python req/s | Ratio | Published Rust ÷ Python |'));
    assert.ok(
      s.includes('| json-small | 10,000 (9,000–11,000) | 4,000 (3,900–4,100) | 2.56× (2.25–2.69) | 2.68× [001] |'),
    );
    // db-recipes, paired by round: 500 ÷ 400, 500 ÷ 420 → 1.22 (1.19–1.25); seed 002 gives rates only:
    // 267.0533 ÷ 495.3030 = 0.54
    assert.ok(s.includes('| db-recipes | 500 (500–500) | 410 (400–420) | 1.22× (1.19–1.25) | 0.54× [002] computed |'));
    assert.ok(s.includes('MacBook (M-series, specific specs TBD)'), 'the published ratio names its hardware');
    assert.ok(s.includes('- [001] Spikard-Rust ÷ Spikard-Python: oha'), 'and its tool');
    assert.ok(s.includes('50 concurrent connections'), 'and its concurrency');
  });

  it('gives every target against python, marking bounds and unlike pairs', () => {
    const s = section(md, '### Against python');
    assert.ok(s.includes('| Workload | python req/s | node | bun | rust | bare-node |'));
    assert.ok(
      s.includes(
        '| json-small | 4,000 (3,900–4,100) | 1.98× (1.97–2.06) | ≥5.00× (4.87–5.13) ⚠ | 2.56× (2.25–2.69) | 2.50× (2.43–2.57) |',
      ),
    );
    assert.ok(
      s.includes('| db-recipes | 410 (400–420) | 2.32× (2.14–2.50) ‡ | 3.66× (3.57–3.75) ‡ | 1.22× (1.19–1.25) | — |'),
    );
    // CPU: python µs ÷ target µs
    assert.ok(
      s.includes(
        '| json-small | 200 (195–205) | 3.31× (3.27–3.42) | 10.0× (9.7–10.3) | 20.5× (17.7–22.3) | 5.00× (4.87–5.13) |',
      ),
    );
  });

  it('flags the generator-bound cell wherever its throughput appears', () => {
    assert.ok(
      section(md, '## Overview').includes(
        '| json-small | oha | 8,000 (7,900–8,100) | ≥20,000 (19,000–21,000) ⚠ | 10,000 (9,000–11,000) | 4,000 (3,900–4,100) | 10,000 (10,000–10,000) |',
      ),
    );
    const w = section(md, '### json-small — POST /json/small');
    assert.ok(w.includes('> ⚠ **Generator-bound** (⚠): `bun` — the load generator was near its CPU limit'));
    assert.ok(w.includes('| bun | oha | closed | none | ≥20,000 (19,000–21,000) ⚠ | 2.50 |'));
    assert.ok(w.includes('| 97% ⚠ | 3/3 |'));
  });

  it('names the driver, mode, backend, interval and limiter of every cell', () => {
    const w = section(md, '### json-small — POST /json/small');
    assert.ok(
      w.includes(
        '| rust | oha | closed | none | 10,000 (9,000–11,000) | 2.50 | 10.0 | 10.0 (9.0–11.0) | — | 64.0 | 0% | 50% | 3/3 |',
      ),
    );
    const d = section(md, '### db-recipes — GET /api/v1/recipes?limit');
    assert.ok(d.includes('| node | k6 | closed | embedded (PGlite + in-process cache) | 1,000 (900–1,100) |'));
    assert.ok(d.includes('| python | k6 | closed | Postgres + Redis | 410 (400–420) |'));
  });

  it('labels results on the embedded backend', () => {
    assert.ok(md.includes('> ⚠ **Backend: embedded** — the db and shortener workloads ran on the embedded default'));
    const d = section(md, '### db-recipes — GET /api/v1/recipes?limit');
    assert.ok(
      d.includes('> ⚠ **embedded backend** for `node`, `bun`: PGlite and an in-process cache, not Postgres + Redis.'),
    );
  });

  it('lists failed repeats with their reason', () => {
    const d = section(md, '### db-recipes — GET /api/v1/recipes?limit');
    assert.ok(d.includes('- `python` repeat 2: verification failed: expected 200, got 503'));
    assert.ok(d.includes('| python | k6 | closed | Postgres + Redis | 410 (400–420) |'));
    assert.ok(d.includes('| 2/3 |'));
    assert.ok(
      section(md, '## Failed repeats').includes(
        '| python | db-recipes | 2 | verification failed: expected 200, got 503 |',
      ),
    );
  });

  it("shows Hono's overhead against the bare control", () => {
    assert.ok(
      section(md, '## Hono overhead against the bare runtimes').includes(
        '| node vs bare-node | json-small | 8,000 (7,900–8,100) | 10,000 (10,000–10,000) | 0.800× (0.790–0.810) | 60.0 (59.0–61.0) | ' +
          '40.0 (40.0–40.0) | 1.50× (1.47–1.53) | +20.0 |',
      ),
    );
  });

  it("tabulates the shortener mix per role, beside seed 000's ratios", () => {
    const s = section(md, '### shortener-redirect: writers, readers, celebrity readers');
    assert.ok(s.includes('| Metric | rust | python | Rust ÷ Python | Published Rust ÷ Python |'));
    assert.ok(s.includes('| Aggregate req/s | 600 | 100 | 6.00× | 6.50× [000 summary] |'));
    assert.ok(s.includes('| writer req/s (`writers_per_s`) | 60.0 | 10.0 | 6.00× | 23.00× [000 summary] |'));
    assert.ok(s.includes('| reader req/s (`broad-readers_per_s`) | 360 | 60.0 | 6.00× | 6.90× [000 summary] |'));
    assert.ok(s.includes('| celebrity req/s (`celebrity-readers_per_s`) | 180 | 30.0 | 6.00× | 4.60× [000 summary] |'));
    assert.ok(
      s.includes('Python at 18 (low-concurrency run) against Rust at 100'),
      'the unequal concurrencies are said',
    );
  });

  it('renders extra figures generically', () => {
    const s = section(md, '### shortener-redirect — GET /{code}');
    assert.ok(s.includes('| Figure | rust | python |'));
    assert.ok(s.includes('| writers_per_s | 60.0 | 10.0 |'));
  });

  it('writes down the machine, settings, targets and versions', () => {
    const s = section(md, '## Setup');
    assert.ok(s.includes('| CPU | Test CPU @ 2.0GHz |'));
    assert.ok(s.includes('| Memory | 24.0 GiB |'));
    assert.ok(s.includes('| connections | 50 |'));
    assert.ok(s.includes('| backend | embedded (PGlite + in-process cache) |'));
    assert.ok(s.includes('| node | Node 24 LTS + @hono/node-server | server: @hono/node-server; flags: none |'));
    assert.ok(s.includes('| bun | 1.4.5 |'));
    assert.ok(md.includes('commit `abc1234`'));
  });

  it('says which pairs were not measured and why', () => {
    const s = section(md, '## Not measured');
    assert.ok(
      s.includes('| bare-node | db-recipes | control targets serve only /plaintext, /json and POST /json/small |'),
    );
    assert.ok(
      s.includes('| node | db-recipes | in some repeats only (the others were measured): the target offers no db |'),
    );
  });

  it("keeps seed 004's sample output out, and says why 003 and 004 are not used", () => {
    const s = section(md, '### Not used');
    assert.ok(s.includes('**[004] FastAPI vs Rust Axum Performance Benchmark (project README)**'));
    assert.ok(s.includes('**[003] '));
    for (const sample of ['8,924', '2,847', '3,891', '6,798']) assert.ok(!md.includes(sample), sample);
    assert.ok(!md.includes('[004]') || md.indexOf('[004]') > md.indexOf('### Not used'));
  });

  it('keeps published figures out of the measured columns', () => {
    const w = section(md, '### json-small — POST /json/small');
    const measured = w.slice(0, w.indexOf('**Published figures'));
    assert.ok(!measured.includes('159,515'));
    assert.ok(w.includes('| [001] | Spikard-Rust (rust) | JSON Small | 159,515 |'));
  });
});

describe('the HTML report', () => {
  let report: Report;
  before(async () => {
    report = await renderReport(run, cells, refs);
  });

  it('is self-contained: no scripts, no external resources or links', () => {
    const { html } = report;
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(!/<script/i.test(html), 'no script');
    assert.ok(!/<link\b/i.test(html), 'no stylesheet link');
    assert.ok(!/\b(?:src|href)\s*=\s*["'](?!#)/i.test(html), 'every href is an in-page anchor');
    assert.ok(!/@import|url\(\s*['"]?https?:/i.test(html), 'no remote CSS');
  });

  it('has every chart, each an inline SVG', () => {
    const { html } = report;
    const ids = [...html.matchAll(/<figure id="([^"]+)" class="chart"/g)].map((m) => m[1]);
    const expected = [
      'chart-against-python',
      'chart-against-rust',
      ...['json-small', 'db-recipes', 'shortener-redirect'].flatMap((w) =>
        ['figures', 'latency', 'over-time'].map((k) => `chart-${w}-${k}`)
      ),
    ];
    assert.deepEqual(ids, expected);
    for (const id of expected) {
      assert.match(
        html,
        new RegExp(`<figure id="${id}" class="chart" style="width: \\d+px"><svg [^>]*class="marks"`),
        id,
      );
    }
    assert.equal(html.match(/<svg /g)?.length, expected.length);
  });

  it('carries the same tables as the Markdown', () => {
    assert.ok(
      report.html.includes(
        '<td>json-small</td><td class="r">10,000 (9,000–11,000)</td><td class="r">4,000 (3,900–4,100)</td>',
      ),
    );
    assert.ok(report.html.includes('2.68× [001]'));
    assert.equal(report.markdown, renderMarkdown(run, cells, refs));
  });

  it('renders the same bytes twice, even when two renders overlap', async () => {
    const [a, b] = await Promise.all([renderReport(run, cells, refs), renderReport(run, cells.slice(1), refs)]);
    assert.equal(a.html, report.html);
    assert.notEqual(b.html, report.html);
    assert.equal(new Set(report.html.match(/ id="clip\d+"/g)).size, report.html.match(/ id="clip\d+"/g)?.length);
  });
});
