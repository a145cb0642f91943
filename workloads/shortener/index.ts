/**
 * The URL shortener of seed 000: Postgres is the source of truth, the cache sits in front of the
 * redirects (cache-aside, stampede-guarded: redirects.ts), clicks are counted in batches exactly
 * once (clicks.ts). `GET /{code}` only takes 7 base62 characters and is mounted after every other
 * family, so it never shadows another route.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { compiled } from '../../src/compiled.ts';
import type { AppDeps } from '../../src/deps.ts';
import type { Data } from '../../src/data/index.ts';
import { ApiError } from '../../src/errors.ts';
import { bodies } from '../../src/body.ts';
import { createClicks } from './clicks.ts';
import { newCode } from './codes.ts';
import { CODE } from '../../contract/shortener.ts';
import { createResolver } from './redirects.ts';
import { SQL } from '../../contract/sql.ts';

/**
 * http(s) only — the scheme in any case (RFC 3986 §3.1), stored lower-cased — printable ASCII (it
 * goes back out in a Location header as is), a non-empty host part, at most 2,048 characters.
 */
const URL_PATTERN = /^[hH][tT][tT][pP][sS]?:\/\/[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e][\x21-\x7e]*$/;
/** The scheme in its normal form (RFC 3986 §6.2.2.1); everything after `://` as sent. */
const lowerScheme = (url: string): string => url.replace(/^[a-zA-Z]+/, (scheme) => scheme.toLowerCase());
const MAX_URL_LENGTH = 2048;
const shorten = compiled(z.object({
  url: z.string()
    .max(MAX_URL_LENGTH, `at most ${MAX_URL_LENGTH} characters`)
    .regex(URL_PATTERN, 'expected an http:// or https:// URL of printable ASCII')
    .transform(lowerScheme),
}));

/** A collision in 62⁷ codes is rare; five in a row means something else is wrong. */
const MAX_ATTEMPTS = 5;

const noSuchCode = (code: string) => new ApiError('not_found', `no short code ${JSON.stringify(code)}`);
const noData = () => new ApiError('unavailable', 'this server runs without a data layer');

export default function shortener(deps: AppDeps): Hono {
  const app = new Hono();
  const readShorten = bodies(deps).validator(shorten);
  const data: Data | undefined = deps.data;
  if (!data) {
    app.post('/api/shorten', () => {
      throw noData();
    });
    app.get('/api/stats/:code', () => {
      throw noData();
    });
    app.get('/:code{[0-9A-Za-z]{7}}', () => {
      throw noData();
    });
    return app;
  }
  const { db } = data;
  const resolver = createResolver(data);
  const clicks = createClicks(data);
  data.onClose(() => clicks.stop());

  app.post('/api/shorten', async (c) => {
    const { url } = await readShorten(c);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const code = newCode();
      const inserted = await db.query(SQL.insertUrl, [code, url]);
      if (inserted.length > 0) return c.json({ code, short_url: `${new URL(c.req.url).origin}/${code}` }, 201);
    }
    throw new ApiError('internal', `no free code in ${MAX_ATTEMPTS} attempts`);
  });

  app.get('/api/stats/:code', async (c) => {
    const code = c.req.param('code');
    if (!CODE.test(code)) throw noSuchCode(code);
    const row = (await db.query<{ code: string; url: string; clicks: number | string }>(SQL.selectStats, [code]))[0];
    if (!row) throw noSuchCode(code);
    return c.json({ code: row.code, url: row.url, clicks: Number(row.clicks) });
  });

  app.get('/:code{[0-9A-Za-z]{7}}', async (c) => {
    const code = c.req.param('code');
    const url = await resolver.resolve(code);
    if (url === null) throw noSuchCode(code);
    await clicks.count(code);
    return c.redirect(url, 302);
  });

  return app;
}
