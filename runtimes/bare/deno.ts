/** Control: Deno.serve with no framework (WORKERS > 1: Deno processes sharing the port, as the deno target). */
import { workers as readWorkers } from '../../src/config.ts';
import { isWorker, runPrimary } from '../workers.ts';
import { bareFetch } from './handler.ts';

const workers = readWorkers({ WORKERS: Deno.env.get('WORKERS') });
if (workers > 1 && !isWorker()) {
  runPrimary(workers, (line) => console.log(`gauntlet: bare deno ${line}`));
} else {
  const hostname = Deno.env.get('HOST') || '127.0.0.1';
  const server = Deno.serve({
    port: Number(Deno.env.get('PORT') ?? 3000),
    hostname,
    ...(workers > 1 ? { reusePort: true } : {}),
    onListen: ({ port }) =>
      console.log(`gauntlet: bare deno ${Deno.version.deno} listening on http://${hostname}:${port}`),
  }, bareFetch);
  const stop = () => server.shutdown().then(() => Deno.exit(0));
  Deno.addSignalListener('SIGINT', stop);
  Deno.addSignalListener('SIGTERM', stop);
}
