import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { catalogue } from '../contract/catalogue.ts';
import { runInProcess } from './in-process.ts';
import { catalogueCases } from '../conformance/suite.ts';

const workloads = new URL('../workloads/', import.meta.url);

describe('catalogue', () => {
  it('ids are unique and name their family', () => {
    assert.equal(new Set(catalogue.map((e) => e.id)).size, catalogue.length);
    for (const e of catalogue) assert.ok(e.id.startsWith(`${e.family}-`), e.id);
  });

  it('every fixture a request or expectation names exists', () => {
    for (const e of catalogue) {
      for (const file of [e.request.bodyFile, e.expect.kind === 'json-file' ? e.expect.file : undefined]) {
        if (file) assert.ok(existsSync(new URL(file, workloads)), `${e.id}: ${file}`);
      }
    }
  });

  it('JSON fixtures have the sizes DESIGN §3 gives (~90 B, ~1.5 KB, ~15 KB)', () => {
    const size = (f: string) => readFileSync(new URL(f, workloads)).length;
    assert.ok(size('json/small.json') >= 80 && size('json/small.json') <= 100);
    assert.ok(size('json/medium.json') >= 1200 && size('json/medium.json') <= 1800);
    assert.ok(size('json/large.json') >= 13000 && size('json/large.json') <= 17000);
  });

  it("each upload fixture's expected SHA-256 and size are those of the file part it carries", () => {
    for (const label of ['1k', '10k', '100k']) {
      const body = readFileSync(new URL(`multipart/upload-${label}.body`, workloads));
      const expected = JSON.parse(readFileSync(new URL(`multipart/upload-${label}.expected.json`, workloads), 'utf8'));
      const start = body.indexOf('\r\n\r\n', body.indexOf('name="file"')) + 4;
      const end = body.lastIndexOf('\r\n--gauntlet-boundary-7d3c1a9e--');
      const file = body.subarray(start, end);
      assert.equal(file.length, expected.file.size);
      assert.equal(createHash('sha256').update(file).digest('hex'), expected.file.sha256);
    }
  });
});

runInProcess('catalogue requests (in-process)', catalogueCases());
