/** Path parameters: extracted (percent-decoded), converted, validated, echoed typed. */
import { Hono } from 'hono';
import { z } from 'zod';
import { compiled } from '../../src/compiled.ts';
import type { Issue } from '../../src/errors.ts';
import { assertValid, check, dateText, digits, intText, matching, text } from '../../src/validation.ts';

const segment = text(1, 256);
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const schemas = {
  simple: compiled(z.object({ id: segment })),
  multiple: compiled(z.object({ user_id: segment, post_id: segment })),
  deep: compiled(z.object({ org: segment, team: segment, project: segment, resource: segment, id: segment })),
  int: compiled(z.object({ n: digits.pipe(intText(0, 2147483647)) })),
  uuid: compiled(z.object({ uuid: matching(UUID, 'expected a UUID').transform((s) => s.toLowerCase()) })),
  date: compiled(z.object({ date: dateText })),
};

const routes: [keyof typeof schemas, string][] = [
  ['simple', '/path/simple/:id'],
  ['multiple', '/path/multiple/:user_id/:post_id'],
  ['deep', '/path/deep/:org/:team/:project/:resource/:id'],
  ['int', '/path/int/:n'],
  ['uuid', '/path/uuid/:uuid'],
  ['date', '/path/date/:date'],
];

export default function path(): Hono {
  const app = new Hono();
  for (const [name, route] of routes) {
    const schema = schemas[name];
    app.get(route, (c) => {
      const issues: Issue[] = [];
      const params = check(schema, c.req.param(), issues);
      assertValid(issues);
      return c.json(params);
    });
  }
  return app;
}
