/**
 * The one contract every runtime entry implements: start the app on a port, say what it is,
 * stop. Everything runtime-specific stays behind it (as in Hono's src/adapter/<runtime>/).
 */
import type { Hono } from 'hono';
import type { AppDeps } from '../src/deps.ts';

export interface ServeOptions {
  port: number;
  host: string;
  /** WebSocket messages over this close the socket with 1009, natively where the server can. */
  maxMessageBytes: number;
  /**
   * Share the port with the target's other worker processes (SO_REUSEPORT: the kernel spreads
   * connections over them). Only when WORKERS > 1; a single server listens exclusively.
   */
  reusePort?: boolean;
}

/** What only the runtime can give the app: its WebSocket upgrade and, where it has them, its own body and header reads. */
export type RuntimeDeps = Pick<AppDeps, 'upgradeWebSocket' | 'readBody' | 'bodyHeaders'>;

export type MakeApp = (runtime: RuntimeDeps) => Hono;

export interface Running {
  runtime: string;
  version: string;
  url: string;
  /** Stops accepting, ends open connections, resolves when the server is closed. */
  stop(): Promise<void>;
}

export type Start = (options: ServeOptions, makeApp: MakeApp) => Promise<Running>;
