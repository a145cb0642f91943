/** TechEmpower's plaintext and json tests, the health check, and a JSON echo. */
import { Hono } from 'hono';
import type { AppDeps } from '../../src/deps.ts';
import { bodies } from '../../src/body.ts';
import { techJson, techText } from '../../src/techempower.ts';

const NONE = { backend: 'none', up: false };

export default function basic(deps: AppDeps): Hono {
  const app = new Hono();
  const body = bodies(deps);

  app.get('/plaintext', () => techText('Hello, World!'));

  app.get('/json', () => techJson({ message: 'Hello, World!' }));

  app.get('/health', async (c) => {
    const health = deps.health ? await deps.health() : { db: NONE, cache: NONE };
    const degraded = [health.db, health.cache].some((b) => b.backend !== 'none' && !b.up);
    return c.json({ status: degraded ? 'degraded' : 'ok', ...health });
  });

  app.post('/echo', async (c) => c.json(await body.json(c)));

  return app;
}
