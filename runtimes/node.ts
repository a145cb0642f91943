/** Node: @hono/node-server, with its WebSocket support over `ws`, and request bodies and their headers read from its IncomingMessage. */
import { createAdaptorServer, upgradeWebSocket } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Start } from './adapter.ts';
import { nodeReads } from './node-body.ts';

export const start: Start = (options, makeApp) => {
  const app = makeApp({ upgradeWebSocket, ...nodeReads });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  // What @hono/node-server's serve() does, with listen's options open for reusePort (cluster workers).
  const server = createAdaptorServer({
    fetch: app.fetch,
    hostname: options.host,
    websocket: { server: wss },
  }) as Server;
  return new Promise((resolve) => {
    const listen = { port: options.port, host: options.host, ...(options.reusePort ? { reusePort: true } : {}) };
    server.listen(listen, () =>
      resolve({
        runtime: 'node',
        version: process.versions.node,
        url: `http://${options.host}:${(server.address() as AddressInfo).port}`,
        stop: () =>
          new Promise<void>((done) => {
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      }));
  });
};
