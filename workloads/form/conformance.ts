import {
  assertError,
  assertJson,
  type Case,
  fixtureText,
  postForm,
  request,
  sendOversized,
} from '../../conformance/harness.ts';

const simple = fixtureText('form/simple.txt');
const complex = fixtureText('form/complex.txt');
const drop = (body: string, key: string) => body.split('&').filter((kv) => !kv.startsWith(`${key}=`)).join('&');
const set = (body: string, key: string, value: string) => `${drop(body, key)}&${key}=${value}`;

const bad: [string, string, string, string][] = [
  ['a missing field', '/form/simple', drop(simple, 'age'), 'age'],
  ['an age below its range', '/form/simple', set(simple, 'age', '12'), 'age'],
  ['an invalid email', '/form/simple', set(simple, 'email', 'ada.example.com'), 'email'],
  ['a username with a space', '/form/simple', set(simple, 'username', 'ada+lovelace'), 'username'],
  ['a repeated scalar', '/form/simple', `${simple}&username=other`, 'username'],
  ['a missing required boolean', '/form/complex', drop(complex, 'terms'), 'terms'],
  ['an unknown enum value', '/form/complex', set(complex, 'contact_method', 'fax'), 'contact_method'],
  ['a non-http website', '/form/complex', set(complex, 'website', 'ftp%3A%2F%2Fexample.com'), 'website'],
  ['a bad language code in a list', '/form/complex', `${complex}&languages=english`, 'languages'],
];

export const cases: Case[] = [
  {
    name: 'form: optional fields default (newsletter false, company null, lists empty)',
    async run(ctx) {
      assertJson(await postForm(ctx, '/form/simple', drop(simple, 'newsletter')), 200, {
        username: 'ada_lovelace',
        email: 'ada@example.com',
        age: 36,
        newsletter: false,
      });
      let body = complex;
      for (const key of ['company', 'job_title', 'website', 'bio', 'interests', 'languages', 'newsletter']) {
        body = drop(body, key);
      }
      const reply = await postForm(ctx, '/form/complex', body);
      const got = reply.json() as Record<string, unknown>;
      assertJson(reply, 200, {
        ...got,
        company: null,
        job_title: null,
        website: null,
        bio: null,
        interests: [],
        languages: [],
        newsletter: false,
      });
    },
  },
  ...bad.map(([name, path, body, field]): Case => ({
    name: `form: ${name} → 422 at ["${field}"]`,
    run: async (ctx) => assertError(await postForm(ctx, path, body), 422, 'validation_failed', [field]),
  })),
  {
    name: 'form: a JSON body → 415; over 1 MiB → 413',
    async run(ctx) {
      const json = await request(ctx, 'POST', '/form/simple', {
        headers: { 'content-type': 'application/json' },
        body: '{"username":"ada"}',
      });
      assertError(json, 415, 'unsupported_media_type');
      const big = await sendOversized(ctx, '/form/simple', 'application/x-www-form-urlencoded', 2 * 1024 * 1024, {
        chunked: false,
      });
      assertError(big, 413, 'too_large');
    },
  },
];
