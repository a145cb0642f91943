/** notServed: the one rule the matrix and the instruction counts skip a target × workload by. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byId } from '../contract/catalogue.ts';
import { notServed, targetByName } from './table.ts';

describe('notServed', () => {
  it('a control target serves its three workloads and nothing else, marked not implemented', () => {
    assert.equal(notServed(targetByName('bare-bun'), byId('json-small')), undefined);
    assert.deepEqual(notServed(targetByName('bare-bun'), byId('db-recipes')), {
      reason: 'control targets serve only /plaintext, /json and POST /json/small',
      notImplemented: true,
    });
  });

  it('a family the target does not declare is not implemented, named in the reason', () => {
    assert.deepEqual(notServed(targetByName('robyn'), byId('multipart-1k')), {
      reason: 'not implemented: robyn does not declare the multipart family',
      notImplemented: true,
    });
    assert.equal(notServed(targetByName('robyn'), byId('json-small')), undefined);
    assert.equal(notServed(targetByName('node'), byId('shortener-redirect')), undefined);
  });
});
