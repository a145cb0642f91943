/** Control: Bun.serve with no framework (WORKERS > 1: Bun processes sharing the port, as the bun target). */
import { workers as readWorkers } from '../../src/config.ts';
import { isWorker, runPrimary } from '../workers.ts';
import { bareFetch } from './handler.ts';

const workers = readWorkers(process.env);
if (workers > 1 && !isWorker()) {
  runPrimary(workers, (line) => console.log(`gauntlet: bare bun ${line}`));
} else {
  const server = Bun.serve({
    port: Number(process.env.PORT ?? 3000),
    hostname: process.env.HOST || '127.0.0.1',
    fetch: bareFetch,
    ...(workers > 1 ? { reusePort: true } : {}),
  });
  console.log(`gauntlet: bare bun ${Bun.version} listening on http://${server.hostname}:${server.port}`);
  const stop = () => server.stop(true).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
