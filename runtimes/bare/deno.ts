/** Control: Deno.serve with no framework. */
import { bareFetch } from './handler.ts';

const hostname = Deno.env.get('HOST') || '127.0.0.1';
const server = Deno.serve({
  port: Number(Deno.env.get('PORT') ?? 3000),
  hostname,
  onListen: ({ port }) =>
    console.log(`gauntlet: bare deno ${Deno.version.deno} listening on http://${hostname}:${port}`),
}, bareFetch);
const stop = () => server.shutdown().then(() => Deno.exit(0));
Deno.addSignalListener('SIGINT', stop);
Deno.addSignalListener('SIGTERM', stop);
