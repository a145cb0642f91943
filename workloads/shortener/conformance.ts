import assert from 'node:assert/strict';
import {
  assertError,
  assertJson,
  type Case,
  type Ctx,
  get,
  postJson,
  type Reply,
  request,
} from '../../conformance/harness.ts';
import { CELEBRITIES, CODE, seededCode, seededUrl } from '../../contract/shortener.ts';

/** Not one of the seeded codes (checked in index.test.ts), and a fresh code is 1 in 62⁷ to be it. */
export const UNKNOWN_CODE = 'NoSuch1';
/** Stats reflect every redirect made more than a second earlier. */
const SETTLE_MS = 1200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const shorten = (ctx: Ctx, url: unknown): Promise<Reply> => postJson(ctx, '/api/shorten', JSON.stringify({ url }));

/** Creates a code for `url`, checking the 201 response, and returns the code. */
async function create(ctx: Ctx, url: string): Promise<string> {
  const reply = await shorten(ctx, url);
  assert.equal(reply.status, 201, `POST /api/shorten: ${reply.status} ${reply.text.slice(0, 200)}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/i);
  const body = reply.json() as { code: string; short_url: string };
  assert.match(body.code, CODE, `code ${JSON.stringify(body.code)} is 7 base62 characters`);
  assert.equal(body.short_url, `${ctx.baseUrl}/${body.code}`, 'short_url is the server origin + / + code');
  return body.code;
}

async function assertRedirect(ctx: Ctx, code: string, url: string): Promise<void> {
  const reply = await get(ctx, `/${code}`);
  assert.equal(reply.status, 302, `GET /${code}: ${reply.status} ${reply.text.slice(0, 200)}`);
  assert.equal(reply.headers.get('location'), url);
}

const clicksOf = async (ctx: Ctx, code: string): Promise<number> => {
  const reply = await get(ctx, `/api/stats/${code}`);
  assert.equal(reply.status, 200, reply.text.slice(0, 200));
  return (reply.json() as { clicks: number }).clicks;
};

const fresh = () => `https://example.com/gauntlet/conformance/${crypto.randomUUID()}`;
const needs: Case['needs'] = ['db', 'cache'];

export const cases: Case[] = [
  {
    name: 'shortener: a new code redirects to its URL and starts with 0 clicks',
    needs,
    async run(ctx) {
      const url = fresh() + '?q=1&r=%20x#frag';
      const code = await create(ctx, url);
      assertJson(await get(ctx, `/api/stats/${code}`), 200, { code, url, clicks: 0 });
      await assertRedirect(ctx, code, url);
    },
  },
  {
    name: 'shortener: the same URL twice gets two codes',
    needs,
    async run(ctx) {
      const url = fresh();
      assert.notEqual(await create(ctx, url), await create(ctx, url));
    },
  },
  {
    name: 'shortener: http and https URLs of exactly 2,048 characters are accepted',
    needs,
    async run(ctx) {
      for (const scheme of ['http', 'https']) {
        const head = `${scheme}://localhost:8080/a?b=c#`;
        const url = head + 'x'.repeat(2048 - head.length);
        await assertRedirect(ctx, await create(ctx, url), url);
      }
    },
  },
  {
    name: 'shortener: the scheme matches in any case and is stored lower-cased (RFC 3986 §3.1, §6.2.2.1)',
    needs,
    async run(ctx) {
      const path = `://Example.COM/Path/${crypto.randomUUID()}?Q=1`;
      for (const [sent, stored] of [['HTTPS', 'https'], ['Http', 'http']]) {
        const code = await create(ctx, sent + path);
        await assertRedirect(ctx, code, stored + path);
        assert.equal((((await get(ctx, `/api/stats/${code}`)).json()) as { url: string }).url, stored + path);
      }
    },
  },
  ...([
    ['an ftp URL', 'ftp://example.com/file'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['no scheme', 'example.com/path'],
    ['an empty host', 'https://'],
    ['a path for a host', 'https:///path'],
    ['a space', 'https://example.com/a b'],
    ['a non-ASCII character', 'https://example.com/café'],
    ['2,049 characters', 'https://example.com/' + 'x'.repeat(2049 - 20)],
    ['a number', 42],
    ['null', null],
  ] as const).map(([what, url]): Case => ({
    name: `shortener: ${what} → 422 at ["url"]`,
    needs,
    run: async (ctx) => assertError(await shorten(ctx, url), 422, 'validation_failed', ['url']),
  })),
  {
    name: 'shortener: a body without url → 422 at ["url"]; malformed JSON → 400; text/plain → 415',
    needs,
    async run(ctx) {
      assertError(await postJson(ctx, '/api/shorten', '{"link":"https://example.com/"}'), 422, 'validation_failed', [
        'url',
      ]);
      assertError(await postJson(ctx, '/api/shorten', '{"url":'), 400, 'invalid_body');
      const plain = await request(ctx, 'POST', '/api/shorten', {
        headers: { 'content-type': 'text/plain' },
        body: '{"url":"https://example.com/"}',
      });
      assertError(plain, 415, 'unsupported_media_type');
    },
  },
  {
    name: 'shortener: an unknown code → 404 not_found, for the redirect and the stats',
    needs,
    async run(ctx) {
      assertError(await get(ctx, `/${UNKNOWN_CODE}`), 404, 'not_found');
      assertError(await get(ctx, `/api/stats/${UNKNOWN_CODE}`), 404, 'not_found');
      assertError(await get(ctx, '/api/stats/abc'), 404, 'not_found');
      assertError(await get(ctx, '/api/stats/abcdefgh'), 404, 'not_found');
    },
  },
  {
    name: 'shortener: /{code} takes only 7 base62 characters and shadows no other route',
    needs,
    async run(ctx) {
      const plain = await get(ctx, '/plaintext');
      assert.equal(plain.status, 200);
      assert.equal(plain.text, 'Hello, World!');
      assert.equal((await get(ctx, '/health')).status, 200);
      for (const path of ['/abcdef', '/abcdefgh', '/abc-efg', '/abc_efg', `/${UNKNOWN_CODE}/x`]) {
        assertError(await get(ctx, path), 404, 'not_found');
      }
    },
  },
  {
    name: 'shortener: the seeded codes and the five celebrity codes redirect to their URLs',
    needs,
    async run(ctx) {
      for (const [i, code] of CELEBRITIES.map((c) => c.code).entries()) {
        await assertRedirect(ctx, code, `https://example.com/celebrity/${i + 1}`);
      }
      for (const i of [1, 2, 50_000, 99_999, 100_000]) await assertRedirect(ctx, seededCode(i), seededUrl(i));
      const stats = (await get(ctx, `/api/stats/${seededCode(77_777)}`)).json() as Record<string, unknown>;
      assert.equal(stats.url, seededUrl(77_777));
    },
  },
  {
    name: 'shortener: 100 concurrent redirects are counted exactly (stats a second later)',
    needs,
    async run(ctx) {
      const url = fresh();
      const code = await create(ctx, url);
      const replies = await Promise.all(Array.from({ length: 100 }, () => get(ctx, `/${code}`)));
      assert.deepEqual(replies.filter((r) => r.status !== 302).map((r) => r.status), []);
      await sleep(SETTLE_MS);
      assert.equal(await clicksOf(ctx, code), 100);
      await assertRedirect(ctx, code, url);
      await sleep(SETTLE_MS);
      assert.equal(await clicksOf(ctx, code), 101);
    },
  },
  {
    name: 'shortener: 200 concurrent creates give 200 distinct codes that all resolve',
    needs,
    async run(ctx) {
      const urls = Array.from({ length: 200 }, () => fresh());
      const codes = await Promise.all(urls.map((url) => create(ctx, url)));
      assert.equal(new Set(codes).size, 200);
      const replies = await Promise.all(codes.map((code) => get(ctx, `/${code}`)));
      replies.forEach((reply, i) => {
        assert.equal(reply.status, 302, `${codes[i]}: ${reply.status}`);
        assert.equal(reply.headers.get('location'), urls[i]);
      });
    },
  },
];
