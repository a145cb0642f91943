/**
 * The schemas the app checks requests with, on zod's ahead-of-time compiled fast path.
 * Nothing here but zod: the bare controls share the JSON schemas without the app's modules.
 */
import { z } from 'zod';

/**
 * `schema` with zod's generated fast path (`z.compile`, zod's idiom for hot validation paths): a valid
 * input is checked and built by straight-line code; an invalid one falls back to zod's parser, so the
 * issues are zod's own. `strict`: a schema zod cannot compile throws here, at start-up, rather than
 * quietly keeping the slower parser.
 *
 * Beyond dispatch, it removes what zod's parser allocates at each step: a payload and its issues array
 * for each key of an object (from literals of their own in the code zod generates per object) and for
 * each stage of a pipe. Under a server's load V8's allocation-site pretenuring marks those literals
 * long-lived, on Node 24 and Deno 2.9 alike (`--trace-pretenuring`: 22 sites on GET /query/many, 6 on
 * the mixed POST's path id), and from then on every request's payloads are allocated in the old
 * generation: scavenges of 5–13 ms instead of under 1, and a full collection every few seconds. An
 * in-process loop does not show it. So every schema a handler checks is compiled, not only objects.
 *
 * Where code cannot be generated from strings (workerd forbids it; zod's `allowsEval` says so, and zod
 * already runs its interpreted object parser there) the schema is used as it is.
 */
export const compiled = <T extends z.ZodType>(schema: T): T =>
  z.util.allowsEval.value ? z.compile(schema, { strict: true }) : schema;
