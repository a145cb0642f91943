/**
 * The database behind one small contract: parameterised SQL text in, rows out. Two backends:
 * Postgres through postgres.js (postgres.ts: a bounded pool that reconnects by itself), and PGlite
 * in process (pglite.ts: the embedded default, seeded from src/data/*.sql at start). This module
 * holds what they share and loads neither driver. A lost connection surfaces as the contract's 503
 * `unavailable`; SQL errors stay errors (they are bugs).
 */
import type postgres from 'postgres';
import { ApiError } from '../errors.ts';
import { withTimeout } from './timeout.ts';
import { SQL } from '../../contract/sql.ts';

export type Query = <T extends object = Record<string, unknown>>(
  text: string,
  params?: readonly unknown[],
) => Promise<T[]>;

export interface Db {
  readonly backend: 'postgres' | 'pglite';
  query: Query;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /** True when a trivial query answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Connections per target: the same bound for every target (docs/contract.md). */
export const POOL_MAX = 16;

/**
 * One worker's share of POOL_MAX when a target serves from `workers` processes or isolates, each
 * with a pool of its own: rounded up, so Postgres sees POOL_MAX connections at most whenever the
 * count divides 16, and never more than POOL_MAX + workers − 1 (docs/contract.md, "Workers").
 */
export const poolMaxPerWorker = (workers = 1): number => Math.ceil(POOL_MAX / workers);
export const CONNECT_TIMEOUT_S = 2;
/** The longest a closed connection waits before it is opened again, in seconds. */
export const RECONNECT_MAX_S = 0.5;

/**
 * Seconds before the pool opens a closed connection again, after `retries` failed attempts (counted
 * for the whole pool): postgres.js's own backoff, jitter and all, capped at RECONNECT_MAX_S. Its
 * default grows 3× per failure up to 10–20 s, and a 3-s Postgres restart takes the pool's 16
 * connections there: the queries queued on a connection in its backoff then waited that long after
 * Postgres answered again (the resilience suite's faults: reads held past the client's 5 s, full
 * rate back only after seconds), where the Rust and Python pools connect on the next acquire.
 */
export const reconnectBackoff = (retries: number): number =>
  (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, RECONNECT_MAX_S);

/** The contract's 503 for a database that cannot be reached. */
export const databaseUnavailable = (): ApiError => new ApiError('unavailable', 'the database is unavailable');

export const pinger = (query: Query) => async (timeoutMs = 1000): Promise<boolean> => {
  try {
    await withTimeout(query(SQL.ping), timeoutMs);
    return true;
  } catch {
    return false;
  }
};

/** The pool's settings (targets/table.ts says them in the report). */
export const poolOptions = (workers = 1) => ({
  max: poolMaxPerWorker(workers),
  connect_timeout: CONNECT_TIMEOUT_S,
  backoff: reconnectBackoff,
  onnotice: () => {},
  // Server-side prepared statements, as sqlx and asyncpg use them in the baselines.
  prepare: true,
});

/** Statements that only read: one answered 503 and finished later changes nothing. */
const READ = /^\s*SELECT\b/i;

/**
 * The pool's reads answer 503 once it has answered no query for `stallMs` (the connect timeout).
 *
 * postgres.js keeps a query whose connection cannot be opened and opens it again (reconnectBackoff
 * apart) until Postgres answers: across an outage a request would wait for Postgres (past its
 * client's timeout) instead of getting the contract's 503, as the Rust and Python pools give it when
 * the connect fails. The resilience suite's Postgres restart showed it: reads held 5 s and more, then
 * answered, their redirects counted for clients that had given up. A pool that still answers
 * queries is only busy, and nothing is cut; queries that fail (refused at once) are no answer. A read
 * left behind finishes on its own and is dropped; writes keep postgres.js's wait (a write answered
 * 503 that still applies would count twice).
 */
export function stallGuard(
  query: Query,
  stallMs = CONNECT_TIMEOUT_S * 1000,
  now: () => number = () => performance.now(),
): { query: Query; stop(): void } {
  let lastDone = now();
  const waiting = new Set<{ since: number; reject: (err: unknown) => void }>();
  const timer = setInterval(() => {
    const t = now();
    if (waiting.size === 0 || t - lastDone < stallMs) return;
    for (const w of waiting) {
      if (t - w.since < stallMs) continue;
      waiting.delete(w);
      w.reject(databaseUnavailable());
    }
  }, Math.max(10, Math.min(250, stallMs / 4)));
  (timer as { unref?: () => void }).unref?.();
  const done = () => {
    lastDone = now();
  };
  const guarded = <T extends object>(text: string, params?: readonly unknown[]): Promise<T[]> => {
    const running = query<T>(text, params);
    // Only an answer counts: across an outage some queries fail at once (refused) while others are held.
    if (!READ.test(text)) {
      running.then(done, () => {});
      return running;
    }
    return new Promise<T[]>((resolve, reject) => {
      const w = { since: now(), reject };
      waiting.add(w);
      running.then((rows) => {
        done();
        waiting.delete(w);
        resolve(rows);
      }, (err) => {
        waiting.delete(w);
        reject(err);
      });
    });
  };
  return { query: guarded, stop: () => clearInterval(timer) };
}

/**
 * Query, transaction and ping over a postgres.js client that `client` gives (the pool here; a
 * request's own connection on workerd), every statement prepared server-side, failures mapped by
 * `lost` (connection-level ones to the contract's 503).
 */
export function postgresQueries(
  client: () => postgres.Sql | Promise<postgres.Sql>,
  lost: (err: unknown) => unknown,
): Omit<Db, 'close'> {
  const over =
    (run: () => postgres.Sql | postgres.TransactionSql | Promise<postgres.Sql>): Query => async (text, params = []) => {
      try {
        // deno-lint-ignore no-explicit-any
        return await (await run()).unsafe(text, params as any[], { prepare: true }) as any;
      } catch (err) {
        throw lost(err);
      }
    };
  const query = over(client);
  return {
    backend: 'postgres',
    query,
    async transaction(fn) {
      try {
        return await (await client()).begin((tx) => fn(over(() => tx))) as Awaited<ReturnType<typeof fn>>;
      } catch (err) {
        throw lost(err);
      }
    },
    ping: pinger(query),
  };
}
