/**
 * The database on Postgres through postgres.js: one bounded pool per process that reconnects by
 * itself (db.ts holds its settings), and which of its failures are the contract's 503. Loaded
 * only when DATABASE_URL is set (open.ts).
 */
import postgres from 'postgres';
import { databaseUnavailable, type Db, poolOptions, postgresQueries, stallGuard } from './db.ts';

/**
 * Connection-level failures become the contract's 503: the socket's errors (ECONNREFUSED, …),
 * postgres.js's own (CONNECT_TIMEOUT, CONNECTION_CLOSED, …), and the server's SQLSTATE classes
 * 08, 53, 57, 58 (shutting down, out of connections). Anything else (22, 23, 42, …) is a bug.
 */
export function unavailable(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const lost = err instanceof postgres.PostgresError
    ? /^(08|53|57|58)/.test(code)
    : /^(E[A-Z]+|CONNECT\w*)$/.test(code);
  return lost ? databaseUnavailable() : err;
}

export function postgresDb(url: string, workers = 1): Db {
  const sql = postgres(url, poolOptions(workers));
  const queries = postgresQueries(() => sql, unavailable);
  const reads = stallGuard(queries.query);
  return {
    ...queries,
    query: reads.query,
    close: () => (reads.stop(), sql.end({ timeout: 2 })),
  };
}
