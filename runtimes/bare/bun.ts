/** Control: Bun.serve with no framework. */
import { bareFetch } from './handler.ts';

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST || '127.0.0.1',
  fetch: bareFetch,
});
console.log(`gauntlet: bare bun ${Bun.version} listening on http://${server.hostname}:${server.port}`);
const stop = () => server.stop(true).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
