/** Deno: Deno.serve with hono/deno's upgradeWebSocket. */
import { upgradeWebSocket } from 'hono/deno';
import type { Start } from './adapter.ts';

export const start: Start = (options, makeApp) => {
  const app = makeApp({ upgradeWebSocket });
  return new Promise((resolve) => {
    const server = Deno.serve({
      port: options.port,
      hostname: options.host,
      ...(options.reusePort ? { reusePort: true } : {}),
      onListen: ({ port }) =>
        resolve({
          runtime: 'deno',
          version: Deno.version.deno,
          url: `http://${options.host}:${port}`,
          stop: () => server.shutdown(),
        }),
    }, app.fetch);
  });
};
