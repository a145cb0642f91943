import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heading, inlineHtml, list, para, slug, table, toHtml, toMarkdown } from './doc.ts';

describe('report blocks', () => {
  const blocks = [
    heading(1, 'Run x'),
    heading(2, 'Ratios & more'),
    para('See [References](#references) and `code`.'),
    para('careful', 'warning'),
    para('only here', undefined, 'markdown'),
    list(['one', '**two**']),
    table(['Workload', 'req/s', 'Ratio', 'Note'], [['a|b', '1,000', '≥2.50× ⚠', '20 s (5 s)'], [
      'c',
      '—',
      'fixed rate',
      'x',
    ]]),
  ];

  it('render to Markdown, right-aligning columns of figures and escaping pipes', () => {
    assert.equal(
      toMarkdown(blocks),
      [
        '# Run x',
        '## Ratios & more',
        'See References and `code`.',
        '> ⚠ careful',
        'only here',
        '- one\n- **two**',
        '| Workload | req/s | Ratio | Note |\n|---|---:|---:|---|\n| a\\|b | 1,000 | ≥2.50× ⚠ | 20 s (5 s) |\n| c | — | fixed rate | x |',
      ].join('\n\n') + '\n',
    );
  });

  it('render to one HTML page with a table of contents and escaped text', () => {
    const html = toHtml(blocks, new Map(), 'Run <x>');
    assert.ok(html.includes('<title>Run &lt;x&gt;</title>'));
    assert.ok(html.includes('<nav class="toc"><a href="#ratios-more">Ratios &amp; more</a></nav>'));
    assert.ok(html.includes('<p>See <a href="#references">References</a> and <code>code</code>.</p>'));
    assert.ok(html.includes('<p class="warning">⚠ careful</p>'));
    assert.ok(!html.includes('only here'));
    assert.ok(
      html.includes('<tr><td>a|b</td><td class="r">1,000</td><td class="r">≥2.50× ⚠</td><td>20 s (5 s)</td></tr>'),
    );
  });

  it('refuse a chart with no SVG', () => {
    assert.throws(() => toHtml([{ kind: 'chart', id: 'c', title: 't', spec: {} as never }], new Map(), 'x'), /chart c/);
  });

  it('keep links to other sites as text', () => {
    assert.equal(inlineHtml('[site](https://example.com)'), '[site](https://example.com)');
    assert.equal(slug('json-small — POST /json/small'), 'json-small-post-json-small');
  });
});
