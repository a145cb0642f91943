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
import { composeData, type Data, type Db } from '../../src/data/index.ts';
import { memoryCache } from '../../src/data/cache.ts';
import { POOL_MAX, poolOptions, postgresQueries } from '../../src/data/db.ts';
import { unavailable } from '../../src/data/postgres.ts';
import { ApiError } from '../../src/errors.ts';

/** What one request owns: its client (opened on first use) and whether it is over. */
export interface Scope {
  sql?: postgres.Sql;
  ended: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` as one request: database calls inside it use this request's connection. */
export const inScope = <T>(scope: Scope, fn: () => T): T => scopes.run(scope, fn);

/**
 * src/data/db.ts's mapping, plus what cloudflare:sockets throws for a refused or reset connection:
 * a plain Error without a code.
 */
function lost(err: unknown): unknown {
  if (err instanceof ApiError || err instanceof postgres.PostgresError) return unavailable(err);
  const plain = typeof (err as { code?: unknown } | null)?.code !== 'string';
  return plain && /connect|socket|network|closed|refused|reset/i.test((err as Error | null)?.message ?? '')
    ? new ApiError('unavailable', 'the database is unavailable')
    : unavailable(err);
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
          // The pool's settings (connect timeout, reconnect backoff, prepared statements), on one
          // connection: this request's.
          ...poolOptions(),
          max: 1,
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

  const db: Db = { ...postgresQueries(client, lost), close: () => Promise.resolve() };
  return {
    ...composeData(db, memoryCache()),
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
