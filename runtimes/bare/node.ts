/** Control: node:http with no framework (WORKERS > 1: node:cluster workers, as the node target). */
import { createServer } from 'node:http';
import { workers as readWorkers } from '../../src/config.ts';
import { isWorker, runPrimary } from '../workers.ts';
import { bareListener } from './listener.ts';

const port = Number(process.env.PORT ?? 3000), host = process.env.HOST || '127.0.0.1';
const workers = readWorkers(process.env);
if (workers > 1 && !isWorker()) {
  runPrimary(workers, (line) => console.log(`gauntlet: bare node ${line}`));
} else serve();

function serve() {
  const server = createServer(bareListener);
  server.listen(
    { port, host, ...(workers > 1 ? { reusePort: true } : {}) },
    () => console.log(`gauntlet: bare node ${process.versions.node} listening on http://${host}:${port}`),
  );
  const stop = () => server.close(() => process.exit(0)).closeAllConnections();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
