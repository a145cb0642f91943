import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { SERVER, techJson, techText } from './techempower.ts';

/** Status, every header and the body, as a client sees them. */
const seen = async (response: Response) => ({
  status: response.status,
  headers: [...response.headers],
  body: await response.text(),
});

describe('techJson and techText', () => {
  // What the endpoints answered before: Hono's idiom, a header set on the context and its helpers.
  const idiom = new Hono();
  idiom.get('/json', (c) => {
    c.header('Server', SERVER);
    return c.json({ message: 'Hello, World!', list: [1, 'two'] });
  });
  idiom.get('/plaintext', (c) => {
    c.header('Server', SERVER);
    return c.text('Hello, World!');
  });
  const constant = new Hono();
  constant.get('/json', () => techJson({ message: 'Hello, World!', list: [1, 'two'] }));
  constant.get('/plaintext', () => techText('Hello, World!'));

  for (const path of ['/json', '/plaintext']) {
    for (const method of ['GET', 'HEAD']) {
      it(`answers ${method} ${path} as c.header('Server') + Hono's helper does`, async () => {
        const url = `http://localhost${path}`;
        const mine = await seen(await constant.request(url, { method }));
        assert.deepEqual(mine, await seen(await idiom.request(url, { method })));
        assert.ok(mine.headers.some(([name, value]) => name === 'server' && value === SERVER));
      });
    }
  }

  it('gives each response headers of its own: changing one leaves the next as it was', async () => {
    const first = techJson({ n: 1 });
    first.headers.set('server', 'changed');
    first.headers.set('x-extra', 'yes');
    const next = techJson({ n: 2 });
    assert.equal(next.headers.get('server'), SERVER);
    assert.equal(next.headers.get('x-extra'), null);
    assert.equal(await next.text(), '{"n":2}');
    const text = techText('a');
    text.headers.delete('content-type');
    assert.equal(techText('b').headers.get('content-type'), 'text/plain; charset=UTF-8');
  });
});
