/**
 * The bare node control's request listener: node:http with no framework, the same routes as
 * handler.ts's fetch handler. runtimes/bare/node.ts serves it; bench:micro's `listener` case runs it
 * on the same in-memory IncomingMessage and ServerResponse as the node target's adapter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEALTH, jsonMessage, jsonSmall, NOT_FOUND, PLAINTEXT } from './handler.ts';

const JSON_HEADERS = { 'content-type': 'application/json', server: 'bare' };
const TEXT_HEADERS = { 'content-type': 'text/plain', server: 'bare' };

export function bareListener(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url === '/plaintext') {
    res.writeHead(200, TEXT_HEADERS).end(PLAINTEXT);
    return;
  }
  if (req.method === 'GET' && req.url === '/json') {
    res.writeHead(200, JSON_HEADERS).end(jsonMessage());
    return;
  }
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, JSON_HEADERS).end(HEALTH);
    return;
  }
  if (req.method === 'POST' && req.url === '/json/small') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = jsonSmall(req.headers['content-type'] ?? null, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(out.status, JSON_HEADERS).end(out.body);
    });
    return;
  }
  res.writeHead(404, JSON_HEADERS).end(NOT_FOUND);
}
