/** Node over uWebSockets.js (uws-pack): the same app behind a lazy Request/Response bridge with a flat Headers (runtimes/uws/). */
import { App, us_listen_socket_close, us_socket_local_port, type WebSocket } from 'uws-pack';
import type { Start } from './adapter.ts';
import { createListener, installGlobals, listen } from './uws/listener.ts';
import { type UpgradeSlot, upgradeWebSocket, websocketBehavior } from './uws/websocket.ts';

/** How long a shutdown lets responses that are ending (streams the app just closed) flush. */
const GRACE_MS = 1000;

export const start: Start = async (options, makeApp) => {
  installGlobals();
  const app = makeApp({ upgradeWebSocket });
  // The address a request without a Host value is taken to have come to: the bound port (options.port may be 0).
  let address = `${options.host}:${options.port}`;
  const listener = createListener(app.fetch, () => address);
  const sockets = new Set<WebSocket<UpgradeSlot>>();
  const server = App()
    .ws<UpgradeSlot>('/*', websocketBehavior({ ...options, upgrade: listener.upgrade, open: sockets }))
    .any('/*', listener.http);
  const listenSocket = await listen(server, options.host, options.port, options.reusePort);
  address = `${options.host}:${us_socket_local_port(listenSocket as never)}`;
  return {
    runtime: 'node',
    version: process.versions.node,
    url: `http://${address}`,
    async stop() {
      us_listen_socket_close(listenSocket);
      const deadline = Date.now() + GRACE_MS;
      while (listener.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const exchange of listener.inFlight) exchange.close();
      for (const socket of sockets) socket.end(1001, 'server shutting down');
      server.close();
    },
  };
};
