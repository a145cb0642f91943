/**
 * What every entry of the Hono app shares, whoever owns the server: configuration, the data
 * layer, the app's dependencies, and the stop on SIGTERM/SIGINT. `main.ts` starts a server through
 * an adapter; `deno-serve.ts` is a module that `deno serve` serves.
 */
import { createApp } from '../workloads/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { describeData } from '../src/data/index.ts';
import { openData } from '../src/data/open.ts';
import { createLifecycle } from '../src/lifecycle.ts';
import type { MakeApp } from './adapter.ts';

export interface Booted {
  config: Config;
  /** Builds the app with what the runtime gives (WebSocket upgrade, body read), the lifecycle and the data layer. */
  makeApp: MakeApp;
  /** The data layer in a few words, for the line printed at start. */
  data: string;
  /**
   * On SIGINT or SIGTERM (once): ends open streams and sockets, awaits `stopServer` (stop
   * accepting, let the open requests end), closes the data layer, exits 0.
   */
  stopOnSignal(stopServer: () => Promise<void>): void;
}

export async function boot(): Promise<Booted> {
  // First, so that a bad variable fails the start (before the handler below could log it away).
  const config = loadConfig(process.env);
  // A failure in a background task (a click flush, a reconnect) is logged, never fatal: the data
  // layer recovers by itself, and a request's failure is already its own error response.
  process.on('unhandledRejection', (reason) => console.error('gauntlet: unhandled rejection:', reason));

  const lifecycle = createLifecycle();
  const data = config.data ? await openData(config, (line) => console.log(`gauntlet: ${line}`)) : undefined;
  return {
    config,
    makeApp: (runtime) => createApp({ ...runtime, lifecycle, ...(data ? { data, health: data.health } : {}) }),
    data: data ? describeData(data) : 'no data layer: GAUNTLET_DATA=off',
    stopOnSignal(stopServer) {
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        lifecycle.closeAll();
        await stopServer();
        await data?.close(); // after the last request: flushes the pending clicks
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
  };
}
