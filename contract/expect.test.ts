import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonEqual, mismatches } from './expect.ts';

describe('jsonEqual', () => {
  it('ignores key order and compares numbers by value', () => {
    assert.ok(jsonEqual({ a: 1, b: [1, { c: 180 }] }, JSON.parse('{"b":[1.0,{"c":180.0}],"a":1}')));
  });
  it('notices missing, extra and different values', () => {
    assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!jsonEqual({ a: 1, b: 2 }, { a: 1 }));
    assert.ok(!jsonEqual([1, 2], [2, 1]));
    assert.ok(!jsonEqual({ a: null }, { a: 0 }));
    assert.ok(!jsonEqual([], {}));
    assert.ok(!jsonEqual('1', 1));
  });
});

describe('mismatches', () => {
  const json = { kind: 'json', status: 200, json: { message: 'Hello, World!' } } as const;
  const ok = { status: 200, contentType: 'application/json; charset=UTF-8', body: '{"message":"Hello, World!"}' };
  const none = () => '';

  it('is empty for a correct response', () => assert.deepEqual(mismatches(json, ok, none), []));

  it('names each difference: status, type, body', () => {
    assert.deepEqual(mismatches(json, { ...ok, status: 500 }, none), ['status 500, expected 200']);
    assert.equal(mismatches(json, { ...ok, contentType: 'text/html' }, none).length, 1);
    assert.equal(mismatches(json, { ...ok, body: '{"message":"Hello"}' }, none).length, 1);
    assert.match(mismatches(json, { ...ok, body: 'oops' }, none)[0]!, /not JSON/);
  });

  it('checks text bodies exactly and shapes loosely', () => {
    const text = { kind: 'text', status: 200, contentType: 'text/plain', text: 'Hello, World!' } as const;
    assert.deepEqual(mismatches(text, { status: 200, contentType: 'text/plain', body: 'Hello, World!' }, none), []);
    assert.equal(mismatches(text, { status: 200, contentType: 'text/plain', body: 'Hello, World' }, none).length, 1);
    const world = { kind: 'json-shape', status: 200, shape: 'world' } as const;
    const row = { status: 200, contentType: 'application/json', body: '{"id":42,"randomNumber":7}' };
    assert.deepEqual(mismatches(world, row, none), []);
    assert.equal(mismatches(world, { ...row, body: '{"id":0,"randomNumber":7}' }, none).length, 1);
    const redirect = { kind: 'json-shape', status: 302, shape: 'redirect' } as const;
    assert.deepEqual(
      mismatches(redirect, { status: 302, contentType: '', body: '', location: 'https://x.test/' }, none),
      [],
    );
    assert.equal(
      mismatches(redirect, { status: 302, contentType: '', body: '', location: 'javascript:1' }, none).length,
      1,
    );
  });

  it('reads expected bodies from fixtures', () => {
    const file = { kind: 'json-file', status: 200, file: 'x.json' } as const;
    assert.deepEqual(mismatches(file, { ...ok, body: '[1,2]' }, () => '[1, 2]'), []);
  });
});
