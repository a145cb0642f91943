import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';
import { groupRecipes, queriesCount } from './index.ts';

runInProcess('db (in-process)', cases);

it("queriesCount follows TechEmpower's rule", () => {
  const expected: [string | undefined, number][] = [
    [undefined, 1],
    ['', 1],
    ['foo', 1],
    ['2.5', 1],
    ['12abc', 1],
    ['0', 1],
    ['-3', 1],
    ['1', 1],
    ['20', 20],
    ['500', 500],
    ['501', 500],
    ['99999999999999999999999', 500],
  ];
  for (const [raw, n] of expected) assert.equal(queriesCount(raw), n, `n=${raw}`);
});

it('groupRecipes folds the join rows in order', () => {
  const row = (id: number, ingredient: string) => ({
    id,
    name: `r${id}`,
    servings: 1,
    minutes: 2,
    ingredient,
    amount: '1',
  });
  assert.deepEqual(groupRecipes([row(1, 'a'), row(1, 'b'), row(2, 'c')]), [
    {
      id: 1,
      name: 'r1',
      servings: 1,
      minutes: 2,
      ingredients: [{ name: 'a', amount: '1' }, { name: 'b', amount: '1' }],
    },
    { id: 2, name: 'r2', servings: 1, minutes: 2, ingredients: [{ name: 'c', amount: '1' }] },
  ]);
  assert.deepEqual(groupRecipes([]), []);
});
