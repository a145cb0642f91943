/**
 * Deno's declarative server: `deno serve` serves this module's default export (its `fetch`), on
 * the `--host` and `--port` it is given, with hono/deno's upgradeWebSocket. There is no server
 * handle: on SIGTERM or SIGINT `deno serve` itself stops accepting and lets open requests end;
 * this module ends the open streams and sockets, waits for every open response (each request's
 * `completed`), closes the data layer and exits 0, as `main.ts` does around `server.shutdown()`.
 */
import { upgradeWebSocket } from 'hono/deno';
import { boot } from './boot.ts';

const { makeApp, data, stopOnSignal } = await boot();
const app = makeApp({ upgradeWebSocket });

let open = 0;
let drained: (() => void) | undefined;
const settled = () => {
  if (--open === 0) drained?.();
};
stopOnSignal(() => open === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve)));

export default {
  // `info` is Deno.ServeHandlerInfo (the app reads its remoteAddr as env, as under Deno.serve).
  fetch(request: Request, info: { completed: Promise<void> }) {
    open++;
    info.completed.then(settled, settled);
    return app.fetch(request, info);
  },
  onListen({ hostname, port }: { hostname: string; port: number }) {
    console.log(`gauntlet: deno ${Deno.version.deno} (deno serve) listening on http://${hostname}:${port} (${data})`);
  },
};
