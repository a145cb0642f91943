import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthReport, offers } from './health.ts';

const report = '{"status":"ok","db":{"backend":"postgres","up":true},"cache":{"backend":"none","up":false}}';

describe('/health, read', () => {
  it('a report is its object; anything that is not a JSON object reports nothing', () => {
    assert.deepEqual(healthReport(report).db, { backend: 'postgres', up: true });
    for (const body of ['', 'not json', 'null', '42', '"ok"']) assert.deepEqual(healthReport(body), {}, body);
  });
  it('offers db or cache only when that backend is present and up', () => {
    assert.deepEqual(offers(report), ['stream', 'websocket', 'db']);
    assert.deepEqual(offers(report.replace('"up":true', '"up":false')), ['stream', 'websocket']);
    assert.deepEqual(offers('not json'), ['stream', 'websocket']);
  });
});
