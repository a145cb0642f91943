/**
 * The node target's body read (AppDeps.readBody): the chunks of the IncomingMessage that
 * @hono/node-server passes as `c.env.incoming`, handed on as Node reads them off the socket. Its
 * own `arrayBuffer()` collects the same chunks, concatenates them and copies the result into an
 * ArrayBuffer of its own; its `request.body` first builds a WHATWG Request and a web stream over
 * the Node stream.
 */
import type { IncomingMessage } from 'node:http';
import type { ReadBody } from '../src/deps.ts';

export const readIncoming: ReadBody = (c, onChunk) => {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // Not from node-server, or read already: `c.req` answers (and says why it cannot, if so).
  if (!incoming || incoming.readableDidRead) return undefined;
  return new Promise<void>((resolve, reject) => {
    const stop = () => incoming.off('data', data).off('end', end).off('error', fail).off('close', gone);
    const end = () => {
      stop();
      resolve();
    };
    const fail = (err: unknown) => {
      stop();
      reject(err);
    };
    const gone = () => fail(incoming.errored ?? new Error('the client went away before the end of the body'));
    const data = (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (err) {
        // What is still to come is node-server's to drop once the response is sent.
        incoming.pause();
        fail(err);
      }
    };
    if (incoming.destroyed) return gone();
    incoming.on('data', data).on('end', end).on('error', fail).on('close', gone);
  });
};
