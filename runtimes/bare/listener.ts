/**
 * The bare node control's request listener: node:http with no framework, the same routes as
 * handler.ts's fetch handler. runtimes/bare/node.ts serves it; bench:micro's `listener` case runs it
 * on the same in-memory IncomingMessage and ServerResponse as the node target's adapter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSON_LIMIT } from '../../contract/limits.ts';
import {
  type Answer,
  HEALTH,
  jsonMessage,
  jsonSmall,
  NOT_FOUND,
  PLAINTEXT,
  refusal,
  TOO_LARGE,
  UNREADABLE,
} from './handler.ts';

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
    const refused = refusal(req.headers['content-type'], req.headers['content-length']);
    if (refused) {
      // What was sent of the body is node:http's to drop once the response is sent (as node-server's).
      res.writeHead(refused.status, JSON_HEADERS).end(refused.body);
      return;
    }
    readSmall(req, (out) => res.writeHead(out.status, JSON_HEADERS).end(out.body));
    return;
  }
  res.writeHead(404, JSON_HEADERS).end(NOT_FOUND);
}

/**
 * The body, at most JSON_LIMIT bytes (a chunked one is counted as it comes), then `answer` once: the
 * validated object or the contract's error; 400 when the client went away before the end of it.
 */
function readSmall(req: IncomingMessage, answer: (out: Answer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0, answered = false;
  const once = (out: Answer) => {
    if (answered) return;
    answered = true;
    answer(out);
  };
  req.on('data', (chunk: Buffer) => {
    if (answered) return;
    size += chunk.length;
    if (size > JSON_LIMIT) once(TOO_LARGE);
    else chunks.push(chunk);
  });
  req.on('end', () => once(jsonSmall(Buffer.concat(chunks).toString('utf8'))));
  req.on('error', () => once(UNREADABLE));
}
