/** URL-encoded forms of 4 and 18 fields (with repeated keys): parse, validate, echo as JSON. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Issue } from '../../src/errors.ts';
import {
  assertValid,
  boolText,
  fromSearchParams,
  intText,
  many,
  matching,
  one,
  params,
  text,
} from '../../src/validation.ts';
import { bodies } from '../../src/body.ts';
import type { AppDeps } from '../../src/deps.ts';

const email = matching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an email address');

const simple = {
  username: one(text(3, 32).pipe(matching(/^[A-Za-z0-9_]+$/, 'expected letters, digits or _'))),
  email: one(email),
  age: one(intText(13, 130)),
  newsletter: one(boolText.default(false)),
};

const complex = {
  first_name: one(text(1, 100)),
  last_name: one(text(1, 100)),
  email: one(email),
  phone: one(matching(/^\+?[0-9 ()-]{6,20}$/, 'expected a phone number')),
  age: one(intText(13, 130)),
  country: one(matching(/^[A-Z]{2}$/, 'expected an ISO country code')),
  city: one(text(1, 100)),
  postcode: one(text(1, 16)),
  company: one(text(1, 100).nullable().default(null)),
  job_title: one(text(1, 100).nullable().default(null)),
  website: one(
    text(1, 2048).pipe(matching(/^https?:\/\//, 'expected an http(s) URL')).nullable().default(null),
  ),
  bio: one(text(0, 1000).nullable().default(null)),
  interests: many(text(1, 64), 20),
  languages: many(matching(/^[a-z]{2}$/, 'expected a two-letter language code'), 10),
  newsletter: one(boolText.default(false)),
  terms: one(boolText),
  contact_method: one(z.enum(['email', 'phone', 'post'])),
  experience_years: one(intText(0, 80)),
};

export default function form(deps: AppDeps): Hono {
  const app = new Hono();
  const body = bodies(deps);
  for (const [name, shape] of [['simple', simple], ['complex', complex]] as const) {
    const parse = params(shape);
    app.post(`/form/${name}`, async (c) => {
      const issues: Issue[] = [];
      const value = parse(fromSearchParams(await body.form(c)), issues);
      assertValid(issues);
      return c.json(value);
    });
  }
  return app;
}
