/** JSON bodies of three sizes: parse, validate against the schema, return the validated object. */
import { Hono } from 'hono';
import { bodies } from '../../src/body.ts';
import type { AppDeps } from '../../src/deps.ts';
import { large, medium, small } from './schemas.ts';

export default function json(deps: AppDeps): Hono {
  const app = new Hono();
  const body = bodies(deps);
  for (const [size, schema] of [['small', small], ['medium', medium], ['large', large]] as const) {
    const read = body.validator(schema);
    // c.json is the Context's own bound function: no closure of ours per request.
    app.post(`/json/${size}`, (c) => read(c).then(c.json));
  }
  return app;
}
