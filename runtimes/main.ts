/**
 * The one entry: `npm run serve`, `bun run serve` and `deno task serve` all start here, and it
 * picks the adapter by the runtime it finds itself on (or `--adapter uws`). With WORKERS > 1 it
 * starts that many workers of itself, which serve on the shared port (runtimes/workers.ts).
 */
import { MAX_MESSAGE_BYTES } from '../contract/limits.ts';
import type { Start } from './adapter.ts';
import { boot } from './boot.ts';
import { isWorker, runPrimary } from './workers.ts';
import { loadConfig } from '../src/config.ts';

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

// WORKERS > 1: this process only starts and stops the workers, which serve (runtimes/workers.ts).
const { workers } = loadConfig(process.env);
if (workers > 1 && !isWorker()) {
  runPrimary(workers, (line) => console.log(`gauntlet: ${line}`));
} else {
  const { config, makeApp, data, stopOnSignal } = await boot();
  const { start } = await load();
  const options = { port: config.port, host: config.host, maxMessageBytes: MAX_MESSAGE_BYTES, reusePort: workers > 1 };
  const server = await start(options, makeApp);
  const worker = isWorker() ? ` worker ${process.env.GAUNTLET_WORKER}/${workers}` : '';
  console.log(
    `gauntlet: ${server.runtime} ${server.version} (${adapter})${worker} listening on ${server.url} (${data})`,
  );
  stopOnSignal(() => server.stop());
}
