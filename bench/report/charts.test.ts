import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barPanels, logTicks, renderSvg, targetColors } from './charts.ts';

describe('charts', () => {
  it('give each known target its colour, and spare colours to the rest', () => {
    assert.deepEqual(targetColors(['python', 'mystery', 'rust']), {
      domain: ['python', 'mystery', 'rust'],
      range: ['#3572a5', '#e45756', '#c0502e'],
    });
  });

  it('put log-axis ticks at 1 and 3 of each decade around the data', () => {
    assert.deepEqual(logTicks(0.4, 25), [0.3, 1, 3, 10, 30]);
    assert.deepEqual(logTicks(0, 1), []);
  });

  it('render a spec to a standalone SVG string, headless', async () => {
    const svg = await renderSvg(barPanels([{
      title: 'Throughput',
      data: [{ target: 'node', value: 10, label: '10.0' }, {
        target: 'rust',
        value: 20,
        min: 18,
        max: 22,
        label: '20.0',
      }],
    }], ['node', 'rust']));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+" height="\d+"/);
    assert.ok(svg.includes('>Throughput</text>'));
    assert.ok(svg.includes('>20.0</text>'));
    assert.ok(svg.includes('fill="#c0502e"'), 'rust in its colour');
  });
});
