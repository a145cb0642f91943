/**
 * The data layer on workerd: Postgres through postgres.js's Workers build (its `workerd` export,
 * sockets from `cloudflare:sockets`), one connection per request.
 *
 * Why per request: workerd binds every I/O object (a TCP socket included) to the request that
 * created it; another request touching it fails with "Cannot perform I/O on behalf of a different
 * request". So the process-wide pool of src/data/db.ts cannot exist here, and Cloudflare's own
 * guidance for postgres.js is a client per request, ended after the response (`ctx.waitUntil`).
 * The request's client holds one connection: postgres.js pipelines the request's queries on it,
 * so `/db/queries?n=` still issues its n statements at once (Promise.all), each its own execution.
 * A process-wide counter keeps at most POOL_MAX such connections open at once (the contract's
 * bound), requests beyond it wait for a slot.
 *
 * The request is found through AsyncLocalStorage (node:async_hooks, part of workerd's Node
 * compatibility): the app's Db interface takes no request, and the app must stay unchanged.
 *
 * The cache is src/data/cache.ts's in-process map: there is no Redis client for Workers in the
 * project (ioredis needs a long-lived node:net socket, which the per-request rule forbids too).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import postgres from 'postgres';
import type { Data, Db, Query } from '../../src/data/index.ts';
import { memoryCache } from '../../src/data/cache.ts';
import { withTimeout } from '../../src/data/timeout.ts';
import { ApiError } from '../../src/errors.ts';
import { SQL } from '../../contract/sql.ts';

/** Connections open at once in this process, as for every target (docs/contract.md). */
export const POOL_MAX = 16;
const CONNECT_TIMEOUT_S = 2;

/** What one request owns: its client (opened on first use) and whether it is over. */
export interface Scope {
  sql?: postgres.Sql;
  ended: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` as one request: database calls inside it use this request's connection. */
export const inScope = <T>(scope: Scope, fn: () => T): T => scopes.run(scope, fn);

/** The same mapping as src/data/db.ts: connection-level failures are the contract's 503. */
function unavailable(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    // cloudflare:sockets reports a refused or reset connection as a plain Error without a code.
    const message = (err as Error | null)?.message ?? '';
    return /connect|socket|network|closed|refused|reset/i.test(message) && !(err instanceof postgres.PostgresError)
      ? new ApiError('unavailable', 'the database is unavailable')
      : err;
  }
  const lost = err instanceof postgres.PostgresError
    ? /^(08|53|57|58)/.test(code)
    : /^(E[A-Z]+|CONNECT\w*|CONNECTION\w*)$/.test(code);
  return lost ? new ApiError('unavailable', 'the database is unavailable') : err;
}

/**
 * A counting semaphore over the process's connections. A waiter is woken by the request that
 * frees a slot, and keeps a timer of its own pending meanwhile: workerd cancels a request whose
 * only pending work is a promise another request will resolve ("the code had hung").
 */
function slots(max: number) {
  let free = max;
  const waiting: (() => void)[] = [];
  return {
    acquire(): Promise<void> {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const keepAlive = setInterval(() => {}, 1000);
        waiting.push(() => {
          clearInterval(keepAlive);
          resolve();
        });
      });
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

export function workerdData(url: string): Data & { endScope(scope: Scope): Promise<void> } {
  const connections = slots(POOL_MAX);
  const opening = new WeakMap<Scope, Promise<postgres.Sql>>();

  const client = (): Promise<postgres.Sql> => {
    const scope = scopes.getStore();
    if (!scope || scope.ended) {
      return Promise.reject(new Error('workerd: database I/O outside a request (sockets belong to one request)'));
    }
    let pending = opening.get(scope);
    if (!pending) {
      pending = connections.acquire().then(() => {
        scope.sql = postgres(url, {
          max: 1,
          connect_timeout: CONNECT_TIMEOUT_S,
          onnotice: () => {},
          // Server-side prepared statements, as on every other target.
          prepare: true,
          // No array-type lookup on connect: a connection lives one request here, and the contract
          // allows no statements beyond its own (the app reads and writes no arrays).
          fetch_types: false,
        });
        return scope.sql;
      });
      opening.set(scope, pending);
    }
    return pending;
  };

  const over = (run: () => Promise<postgres.Sql | postgres.TransactionSql>): Query => async (text, params = []) => {
    try {
      const sql = await run();
      // deno-lint-ignore no-explicit-any
      return await sql.unsafe(text, params as any[], { prepare: true }) as any;
    } catch (err) {
      throw unavailable(err);
    }
  };
  const query = over(client);

  const db: Db = {
    backend: 'postgres',
    query,
    async transaction(fn) {
      try {
        const sql = await client();
        return await sql.begin((tx) => fn(over(() => Promise.resolve(tx)))) as Awaited<ReturnType<typeof fn>>;
      } catch (err) {
        throw unavailable(err);
      }
    },
    async ping(timeoutMs = 1000) {
      try {
        await withTimeout(query(SQL.ping), timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
    close: () => Promise.resolve(),
  };
  const cache = memoryCache();

  const hooks: (() => Promise<void>)[] = [];
  return {
    db,
    cache,
    async health() {
      const [dbUp, cacheUp] = await Promise.all([db.ping(), cache.ping()]);
      return { db: { backend: db.backend, up: dbUp }, cache: { backend: cache.backend, up: cacheUp } };
    },
    onClose(hook) {
      hooks.push(hook);
    },
    // workerd gives a worker no shutdown hook: SIGTERM ends the process (README.md).
    close: () => Promise.resolve(),
    /** Ends the request's connection once its response is done, and frees its slot. */
    async endScope(scope) {
      scope.ended = true;
      const pending = opening.get(scope);
      if (!pending) return;
      const sql = await pending;
      try {
        await sql.end({ timeout: 2 });
      } finally {
        connections.release();
      }
    },
  };
}
