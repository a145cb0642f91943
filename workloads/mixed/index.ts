/** Path + query + JSON body validated together; 201 with the composed post. */
import { Hono } from 'hono';
import { z } from 'zod';
import { compiled } from '../../src/compiled.ts';
import type { Issue } from '../../src/errors.ts';
import { assertValid, boolText, check, fromQuery, one, params, pathId, text } from '../../src/validation.ts';
import { bodies } from '../../src/body.ts';
import type { AppDeps } from '../../src/deps.ts';

const query = params({ publish: one(boolText.default(false)) });
const post = compiled(z.object({
  title: text(1, 200),
  body: text(1, 10000),
  tags: z.array(text(1, 32)).max(10, 'at most 10 tags'),
}));

export default function mixed(deps: AppDeps): Hono {
  const app = new Hono();
  const body = bodies(deps);

  app.post('/api/v1/users/:id/posts', async (c) => {
    const raw = await body.json(c);
    const issues: Issue[] = [];
    const id = check(pathId, c.req.param('id'), issues, ['id']);
    const q = query(fromQuery(c.req.url), issues);
    const fields = check(post, raw, issues);
    assertValid(issues);
    return c.json({ user_id: id, published: q!.publish, ...fields! }, 201);
  });

  return app;
}
