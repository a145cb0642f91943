/** JSON bodies of three sizes: parse, validate against the schema, return the validated object. */
import { Hono } from 'hono';
import { validJson } from '../../src/validation.ts';
import { large, medium, small } from './schemas.ts';

export default function json(): Hono {
  const app = new Hono();
  for (const [size, schema] of [['small', small], ['medium', medium], ['large', large]] as const) {
    app.post(`/json/${size}`, (c) => validJson(c, schema).then((value) => c.json(value)));
  }
  return app;
}
