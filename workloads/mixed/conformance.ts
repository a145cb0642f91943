import assert from 'node:assert/strict';
import { assertError, assertJson, type Case, fixtureText, postJson } from '../../conformance/harness.ts';

const post = JSON.parse(fixtureText('mixed/post.json'));

export const cases: Case[] = [
  {
    name: 'mixed: publish defaults to false',
    async run(ctx) {
      assertJson(await postJson(ctx, '/api/v1/users/7/posts', JSON.stringify(post)), 201, {
        user_id: 7,
        published: false,
        ...post,
      });
    },
  },
  ...([
    ['a zero user id', '/api/v1/users/0/posts', post, ['id']],
    ['a non-numeric user id', '/api/v1/users/abc/posts', post, ['id']],
    ['publish=maybe', '/api/v1/users/1/posts?publish=maybe', post, ['publish']],
    ['an empty title', '/api/v1/users/1/posts', { ...post, title: '' }, ['title']],
    ['eleven tags', '/api/v1/users/1/posts', { ...post, tags: Array(11).fill('t') }, ['tags']],
  ] as const).map(([name, path, body, issuePath]): Case => ({
    name: `mixed: ${name} → 422 at ${JSON.stringify(issuePath)}`,
    run: async (ctx) =>
      assertError(await postJson(ctx, path, JSON.stringify(body)), 422, 'validation_failed', [...issuePath]),
  })),
  {
    name: 'mixed: path, query and body failures are reported together',
    async run(ctx) {
      const reply = await postJson(ctx, '/api/v1/users/0/posts?publish=maybe', JSON.stringify({ ...post, title: 5 }));
      for (const path of [['id'], ['publish'], ['title']]) assertError(reply, 422, 'validation_failed', path);
      const issues = (reply.json() as { error: { issues: unknown[] } }).error.issues;
      assert.ok(issues.length >= 3);
    },
  },
  {
    name: 'mixed: malformed JSON → 400',
    run: async (ctx) => assertError(await postJson(ctx, '/api/v1/users/1/posts', '{"title":'), 400, 'invalid_body'),
  },
];
