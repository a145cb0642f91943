import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParamIndexMap, Params, ParamStash, Result } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { AppRouter } from './router.ts';

/** A result as [handler, params] pairs (plain objects), whichever of the two forms a router returns. */
function pairs<T>(result: Result<T>): [T, Params][] {
  const [matches, stash] = result as [[T, ParamIndexMap | Params][], ParamStash | undefined];
  return matches.map(([handler, params]) => [
    handler,
    stash
      ? Object.fromEntries(Object.entries(params).map(([k, i]) => [k, stash[i as number]!]))
      : { ...params as Params },
  ]);
}

const ROUTES: [string, string][] = [
  ['GET', '/json'],
  ['GET', '/health'],
  ['POST', '/upload'],
  ['GET', '/path/simple/:id'],
  ['GET', '/path/deep/:org/:team/:project/:resource/:id'],
  ['GET', '/db/items/:id'],
  ['POST', '/db/items'],
  ['GET', '/api/stats/:code'],
  ['GET', '/:code{[0-9A-Za-z]{7}}'],
  ['ALL', '/admin/*'],
  ['GET', '/:page{[a-z]+}/edit'],
];

const PATHS = [
  '/json',
  '/health',
  '/upload',
  '/path/simple/42',
  '/path/deep/a/b/c/d/e',
  '/db/items/7',
  '/db/items',
  '/api/stats/abcDEF1',
  '/abcDEF1',
  '/abcDEF',
  '/abcDEF12',
  '/admin/x/y',
  '/admin/edit',
  '/about/edit',
  '/nothing/here',
  '/',
];

function build<R extends { add(m: string, p: string, h: string): void }>(router: R): R {
  for (const [method, path] of ROUTES) router.add(method, path, `${method} ${path}`);
  return router;
}

describe('AppRouter', () => {
  it('answers as TrieRouter alone would, for every method and path', () => {
    const app = build(new AppRouter<string>());
    const trie = build(new TrieRouter<string>());
    for (const method of ['GET', 'POST', 'PUT']) {
      for (const path of PATHS) {
        assert.deepEqual(pairs(app.match(method, path)), pairs(trie.match(method, path)), `${method} ${path}`);
      }
    }
  });

  it('keeps RegExpRouter for the routes it can hold, with a parameter first segment beside them', () => {
    const app = build(new AppRouter<string>());
    assert.deepEqual(pairs(app.match('GET', '/abcDEF1')), [['GET /:code{[0-9A-Za-z]{7}}', { code: 'abcDEF1' }]]);
    // The RegExpRouter side's own form: its parameter stash beside the matches.
    assert.equal(app.match('GET', '/path/simple/42').length, 2);
  });

  it('merges the matches of both sides in the order the routes were added', () => {
    const app = new AppRouter<string>();
    app.add('GET', '/*', 'first');
    app.add('GET', '/:code{[a-z]{3}}', 'second');
    app.add('GET', '/abc', 'third');
    assert.deepEqual(pairs(app.match('GET', '/abc')), [['first', {}], ['second', { code: 'abc' }], ['third', {}]]);
  });
});
