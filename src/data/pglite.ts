/**
 * The embedded database: PGlite in memory, with src/data/schema.sql and seed.sql applied. initdb
 * plus the seed take several seconds, so the first start also writes the seeded data directory to
 * a snapshot in the temp dir (named by a hash of the two files); later starts load it instead.
 * Either way every start begins from exactly the seeded state. Loaded only when DATABASE_URL is
 * unset (open.ts).
 */
import { PGlite } from '@electric-sql/pglite';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, pinger, type Query } from './db.ts';

const SCHEMA_SQL = new URL('./schema.sql', import.meta.url);
const SEED_SQL = new URL('./seed.sql', import.meta.url);
/** Snapshots of an older schema or seed are deleted when a new one is written. */
const PREFIX = 'gauntlet-pglite-';

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const since = (start: number): string => `${Math.round(performance.now() - start)} ms`;

export async function loadSeededPglite(log: (line: string) => void): Promise<PGlite> {
  const [schema, seed] = await Promise.all([readFile(SCHEMA_SQL, 'utf8'), readFile(SEED_SQL, 'utf8')]);
  const name = `${PREFIX}${(await sha256Hex(`${schema}\0${seed}`)).slice(0, 16)}.tar`;
  const snapshot = join(tmpdir(), name);
  const start = performance.now();

  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(snapshot);
  } catch {
    // no snapshot yet
  }
  if (bytes) {
    try {
      const pg = await PGlite.create({ loadDataDir: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
      log(`pglite: seeded snapshot loaded in ${since(start)} (${snapshot})`);
      return pg;
    } catch (err) {
      log(`pglite: snapshot ${snapshot} unusable (${(err as Error).message}); seeding afresh`);
      await rm(snapshot, { force: true });
    }
  }

  const pg = await PGlite.create();
  const ready = performance.now();
  await pg.exec(schema);
  await pg.exec(seed);
  log(`pglite: initdb ${Math.round(ready - start)} ms + schema and seed ${since(ready)}`);
  try {
    const dump = await pg.dumpDataDir('none');
    const partial = `${snapshot}.${crypto.randomUUID()}`;
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, snapshot); // atomic: a concurrent start reads the whole file or none
    for (const stale of await readdir(tmpdir())) {
      if (stale.startsWith(PREFIX) && stale.endsWith('.tar') && stale !== name) {
        await rm(join(tmpdir(), stale), { force: true });
      }
    }
  } catch (err) {
    log(`pglite: could not write the snapshot (${(err as Error).message}); the next start seeds again`);
  }
  return pg;
}

/** The embedded default as the app's Db: PGlite in memory, with the schema and seed applied. */
export async function pgliteDb(log: (line: string) => void = () => {}): Promise<Db> {
  const pg = await loadSeededPglite(log);
  const query: Query = async (text, params = []) =>
    // deno-lint-ignore no-explicit-any
    (await pg.query(text, params as any[])).rows as any;
  return {
    backend: 'pglite',
    query,
    transaction: (fn) =>
      // deno-lint-ignore no-explicit-any
      pg.transaction((tx) => fn(async (text, params = []) => (await tx.query(text, params as any[])).rows as any)),
    ping: pinger(query),
    close: () => pg.close(),
  };
}
