/**
 * The one entry: `npm run serve`, `bun run serve` and `deno task serve` all start here, and it
 * picks the adapter by the runtime it finds itself on (or `--adapter uws`).
 */
import { createApp } from '../workloads/app.ts';
import { loadConfig } from '../src/config.ts';
import { describeData, openData } from '../src/data/index.ts';
import { createLifecycle } from '../src/lifecycle.ts';
import { MAX_MESSAGE_BYTES } from '../contract/limits.ts';
import type { Start } from './adapter.ts';

const g = globalThis as { Bun?: unknown; Deno?: unknown };
const flag = process.argv.indexOf('--adapter');
const adapter = flag >= 0 ? process.argv[flag + 1] : g.Bun ? 'bun' : g.Deno ? 'deno' : 'node';
const adapters: Record<string, () => Promise<{ start: Start }>> = {
  node: () => import('./node.ts'),
  bun: () => import('./bun.ts'),
  deno: () => import('./deno.ts'),
  uws: () => import('./uws.ts'),
};
const load = adapter ? adapters[adapter] : undefined;
if (!load) {
  console.error(`unknown adapter ${JSON.stringify(adapter)}; expected one of ${Object.keys(adapters).join(', ')}`);
  process.exit(2);
}

// A failure in a background task (a click flush, a reconnect) is logged, never fatal: the data
// layer recovers by itself, and a request's failure is already its own error response.
process.on('unhandledRejection', (reason) => console.error('gauntlet: unhandled rejection:', reason));

const config = loadConfig(process.env);
const lifecycle = createLifecycle();
const data = config.data ? await openData(config, (line) => console.log(`gauntlet: ${line}`)) : undefined;
const { start } = await load();
const server = await start(
  { port: config.port, host: config.host, maxMessageBytes: MAX_MESSAGE_BYTES },
  (upgradeWebSocket) => createApp({ upgradeWebSocket, lifecycle, ...(data ? { data, health: data.health } : {}) }),
);
console.log(
  `gauntlet: ${server.runtime} ${server.version} (${adapter}) listening on ${server.url} (${
    data ? describeData(data) : 'no data layer: GAUNTLET_DATA=off'
  })`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  lifecycle.closeAll();
  await server.stop();
  await data?.close(); // after the last request: flushes the pending clicks
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
