import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createLifecycle } from './lifecycle.ts';

it('closeAll runs each tracked closer once, skips untracked ones, and survives a throwing closer', () => {
  const lifecycle = createLifecycle();
  const closed: string[] = [];
  lifecycle.track(() => closed.push('a'));
  const untrack = lifecycle.track(() => closed.push('b'));
  lifecycle.track(() => {
    throw new Error('already gone');
  });
  lifecycle.track(() => closed.push('c'));
  untrack();
  assert.equal(lifecycle.open, 3);
  lifecycle.closeAll();
  lifecycle.closeAll();
  assert.deepEqual(closed, ['a', 'c']);
  assert.equal(lifecycle.open, 0);
});
