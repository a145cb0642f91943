/**
 * `npm run bench:micro -- [--quick] [--filter <regex>] [--json <file>] [--clock cpu|wall]
 *                          [--transport fetch|node-server]`
 *
 * The in-process micro-benchmark (bench/micro/suite.ts): the catalogue's requests handed to the
 * app's fetch handler, its basic family alone and the bare control, no socket. Prints one table
 * per group of cases and Hono ÷ bare; `--json` also writes the figures to a file. Runs on Node
 * (`npm run bench:micro`), Bun (`npx bun bench/micro/cli.ts`) and Deno
 * (`npx deno run -A --v8-flags=--expose-gc bench/micro/cli.ts`). Exits 1 when a case's response
 * is not the catalogue's, 2 on a usage error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Clock, FULL, QUICK, render, runSuite, type TransportName } from './suite.ts';

export interface MicroArgs {
  quick: boolean;
  clock: Clock;
  transport: TransportName;
  filter?: RegExp;
  json?: string;
}

/** The options a command line asks for; throws, saying what is wrong. */
export function parseMicroArgs(args: string[]): MicroArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      filter: { type: 'string' },
      json: { type: 'string' },
      clock: { type: 'string', default: 'cpu' },
      transport: { type: 'string', default: 'fetch' },
    },
  });
  let filter: RegExp | undefined;
  if (values.filter !== undefined) {
    try {
      filter = new RegExp(values.filter);
    } catch (err) {
      throw new Error(`--filter: ${(err as Error).message}`);
    }
  }
  if (values.json !== undefined && values.json.trim() === '') throw new Error('--json needs a file name');
  const clock = values.clock;
  if (clock !== 'cpu' && clock !== 'wall') {
    throw new Error(`--clock: expected cpu or wall, got ${JSON.stringify(clock)}`);
  }
  const transport = values.transport;
  if (transport !== 'fetch' && transport !== 'node-server') {
    throw new Error(`--transport: expected fetch or node-server, got ${JSON.stringify(transport)}`);
  }
  return {
    quick: values.quick ?? false,
    clock,
    transport,
    ...(filter ? { filter } : {}),
    ...(values.json === undefined ? {} : { json: values.json }),
  };
}

if (import.meta.main) {
  let parsed: MicroArgs;
  try {
    parsed = parseMicroArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench:micro: ${(err as Error).message}`);
    process.exit(2);
  }
  try {
    const result = await runSuite({
      budget: parsed.quick ? QUICK : FULL,
      clock: parsed.clock,
      transport: parsed.transport,
      ...(parsed.filter ? { filter: parsed.filter } : {}),
      log: (line) => console.error(line),
    });
    console.log(render(result));
    if (parsed.json) {
      writeFileSync(parsed.json, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`wrote ${parsed.json}`);
    }
  } catch (err) {
    console.error(`bench:micro: ${(err as Error).message}`);
    process.exit(1);
  }
}
