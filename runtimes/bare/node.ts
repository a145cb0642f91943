/** Control: node:http with no framework (WORKERS > 1: node:cluster workers, as the node target). */
import { createServer } from 'node:http';
import { workers as readWorkers } from '../../src/config.ts';
import { isWorker, runPrimary } from '../workers.ts';
import { HEALTH, jsonMessage, jsonSmall, NOT_FOUND, PLAINTEXT } from './handler.ts';

const port = Number(process.env.PORT ?? 3000), host = process.env.HOST || '127.0.0.1';
const workers = readWorkers(process.env);
if (workers > 1 && !isWorker()) {
  runPrimary(workers, (line) => console.log(`gauntlet: bare node ${line}`));
} else serve();

function serve() {
  const json = { 'content-type': 'application/json', server: 'bare' };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/plaintext') {
      return res.writeHead(200, { 'content-type': 'text/plain', server: 'bare' }).end(PLAINTEXT);
    }
    if (req.method === 'GET' && req.url === '/json') return res.writeHead(200, json).end(jsonMessage());
    if (req.method === 'GET' && req.url === '/health') return res.writeHead(200, json).end(HEALTH);
    if (req.method === 'POST' && req.url === '/json/small') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const out = jsonSmall(req.headers['content-type'] ?? null, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(out.status, json).end(out.body);
      });
      return;
    }
    res.writeHead(404, json).end(NOT_FOUND);
  });
  server.listen(
    { port, host, ...(workers > 1 ? { reusePort: true } : {}) },
    () => console.log(`gauntlet: bare node ${process.versions.node} listening on http://${host}:${port}`),
  );
  const stop = () => server.close(() => process.exit(0)).closeAllConnections();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
