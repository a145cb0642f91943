/** Bun: Bun.serve with hono/bun's WebSocket handler. */
import { upgradeWebSocket, websocket } from 'hono/bun';
import type { Start } from './adapter.ts';

export const start: Start = (options, makeApp) => {
  const app = makeApp({ upgradeWebSocket });
  const server = Bun.serve({
    port: options.port,
    hostname: options.host,
    fetch: app.fetch,
    websocket: { ...websocket, maxPayloadLength: options.maxMessageBytes },
    // Bun ends a connection that sends nothing for 10 s by default; an SSE stream may pause for 10 s.
    idleTimeout: 60,
    ...(options.reusePort ? { reusePort: true } : {}),
  });
  return Promise.resolve({
    runtime: 'bun',
    version: Bun.version,
    url: `http://${options.host}:${server.port}`,
    stop: () => server.stop(true),
  });
};
