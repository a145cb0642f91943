/** Node: @hono/node-server, with its WebSocket support over `ws`. */
import { serve, upgradeWebSocket } from '@hono/node-server';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Start } from './adapter.ts';

export const start: Start = (options, makeApp) => {
  const app = makeApp(upgradeWebSocket);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host, websocket: { server: wss } },
      (info) =>
        resolve({
          runtime: 'node',
          version: process.versions.node,
          url: `http://${options.host}:${info.port}`,
          stop: () =>
            new Promise<void>((done) => {
              wss.close();
              server.close(() => done());
              (server as Server).closeAllConnections();
            }),
        }),
    );
  });
};
