/**
 * Every target by name: how to build it (once) and start it on a port. `npm run target`, the
 * conformance suite and the orchestrator all start targets from this table.
 */
import { fileURLToPath } from 'node:url';
import { FAMILIES, type Family } from '../contract/catalogue.ts';
import { describeMultiCore, type MultiCore } from './workers.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bin = (path: string) => `${ROOT}${path}`;

export const NODE = bin('node_modules/node/bin/node');
export const NODE22 = bin('node_modules/node22/bin/node');
export const BUN = bin('node_modules/bun/bin/bun.exe');
export const DENO = bin('node_modules/deno/deno');

export interface Target {
  name: string;
  /** What the report groups targets by. */
  language: 'TypeScript' | 'Rust' | 'Python';
  description: string;
  /** Run once before the first start; must be idempotent and quick when already done. */
  build?: string[];
  /** The toolchain its build needs beyond Node (npm test runs the target only where it is on PATH). */
  toolchain?: 'cargo' | 'python3';
  /** The server command; PORT, HOST and WORKERS come from the environment. */
  command: string[];
  /**
   * The production settings that matter for a fair comparison, for run.json and the report
   * (`multiCore` is added from the field below).
   */
  settings: Record<string, string>;
  /**
   * How it serves from N workers with WORKERS=N > 1 (one per server core: `--server-cores`), in its
   * ecosystem's production idiom, or why it cannot (targets/workers.ts). The orchestrator checks
   * its listeners and workers against it before every cell.
   */
  multiCore: MultiCore;
  /** In the quick run (`npm run bench` with no arguments). */
  quick?: boolean;
  /** A control target: no framework, only /plaintext, /json and POST /json/small. */
  control?: boolean;
  /**
   * The families this target implements (default: every family). Conformance runs every case of
   * each declared family and reports the rest as not implemented; so does the report.
   */
  families?: Family[];
  /**
   * Set on a reference target: a seed's own setup (its worker count, worker class, logging),
   * reproduced on the same baseline code to be measured beside ours, and what it reproduces
   * (`seed 002: …`). Not one of our targets: it breaks the one-worker rule (docs/contract.md), stays
   * out of the default matrix and is reported only as a labelled reference row.
   */
  reference?: string;
  /**
   * Why this target closes every connection after its response (a seed's sync workers): the
   * conformance suite's keep-alive case is then not run on it.
   */
  closesConnections?: string;
}

/** The families every seed's system serves at least (issue: every system the studies measured). */
const WEB: Family[] = ['basic', 'json', 'path', 'query', 'form', 'mixed'];

const DENO_PERMISSIONS = ['--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys'];

/** What every target of the Hono app shares (src/): its workers, its validation and its data clients. */
const HONO_APP = {
  workers: 'WORKERS (1 by default; one per server core): one process, one event loop each (multiCore: how)',
  router: "src/router.ts: Hono's RegExpRouter, and its own router for GET /{code} (the one route RegExpRouter " +
    "cannot hold beside the others; Hono's default would run TrieRouter for the whole app)",
  validation: 'zod 4.6: each request schema on its compiled fast path (z.compile, src/compiled.ts)',
  database: 'postgres.js 3.4.9: ≤ 16 pooled connections per target (16 / WORKERS per worker, rounded up), ' +
    'server-side prepared statements, queries pipelined per connection; patched (patches/postgres+3.4.9.patch) so ' +
    "that the pool's queue of idle connections no longer grows by a slot per query while it never empties " +
    '(porsager/postgres#747: every query scanned them all); a read is answered 503 once the pool has finished no ' +
    'query for 2 s (postgres.js would hold it while it reconnects across an outage); a closed connection is ' +
    "opened again ≤ 0.5 s after it failed (postgres.js's backoff capped: its default grows to 10–20 s)",
  cache: 'ioredis: one connection per worker, auto-pipelining on, no offline queue',
};

/** node:cluster workers listening with reusePort (runtimes/workers.ts): node, node22, bare-node. */
const NODE_CLUSTER: MultiCore = {
  kind: 'reuseport',
  how: 'WORKERS=N > 1: a node:cluster primary forks N workers, each listening on the port with reusePort ' +
    '(SO_REUSEPORT: the kernel shares connections out); the primary serves nothing',
};
const BUN_PROCESSES: MultiCore = {
  kind: 'reuseport',
  how: "WORKERS=N > 1: a primary spawns N Bun processes (Bun's cluster guide), each Bun.serve with reusePort: true; " +
    'the primary serves nothing',
};
const DENO_PROCESSES: MultiCore = {
  kind: 'reuseport',
  how: 'WORKERS=N > 1: a primary (with --allow-run for the deno binary only) spawns N `deno run --unstable-net` ' +
    'processes, each Deno.serve with reusePort: true (unstable in Deno 2.9, hence the flag); the primary serves nothing',
};
/**
 * `deno run` of an entry; above one worker, the primary also gets --allow-run for the deno binary,
 * to start the workers (runtimes/workers.ts). With WORKERS unset or 1 it execs exactly `deno run …`.
 */
const denoRun = (entry: string): string[] => [
  'bash',
  '-c',
  'if [[ ${WORKERS:-1} != 1 ]]; then set -- --allow-run="$0" "$@"; fi; exec "$0" run "$@"',
  DENO,
  ...DENO_PERMISSIONS,
  entry,
];
const DENO_FLAGS = `${DENO_PERMISSIONS.join(' ')} (WORKERS > 1: + --allow-run=<deno> for the primary, ` +
  '+ --unstable-net for the workers)';

/** What the node and node22 targets add to the app: @hono/node-server, and its IncomingMessage for bodies. */
const NODE_SERVER = {
  server: '@hono/node-server',
  websocket: 'ws (via @hono/node-server)',
  bodies: "every body read chunk by chunk from node-server's IncomingMessage (runtimes/node-body.ts: no ArrayBuffer " +
    "copy; uploads never concatenated), and the guard's Content-Type, Content-Length and Transfer-Encoding read " +
    'in one pass over its rawHeaders',
};

/** The controls' POST /json/small: the app's checks in its order, by hand (runtimes/bare/handler.ts). */
const BARE_BODIES = '415, then 413 by Content-Length before reading (a chunked body counted to the 1 MiB limit as it ' +
  'streams), 400 unreadable or malformed, 422 by the same zod schema as the app';

export const targets: Target[] = [
  {
    name: 'node',
    language: 'TypeScript',
    quick: true,
    description: 'Node 24 LTS + @hono/node-server',
    command: [NODE, 'runtimes/main.ts'],
    multiCore: NODE_CLUSTER,
    settings: { ...HONO_APP, ...NODE_SERVER, flags: 'none' },
  },
  {
    name: 'node22',
    language: 'TypeScript',
    description: 'Node 22 LTS + @hono/node-server',
    command: [NODE22, 'runtimes/main.ts'],
    multiCore: NODE_CLUSTER,
    settings: { ...HONO_APP, ...NODE_SERVER, flags: 'none' },
  },
  {
    name: 'uws',
    language: 'TypeScript',
    description: 'Node 22 LTS + uWebSockets.js (uws-pack) bridge',
    command: [NODE22, 'runtimes/main.ts', '--adapter', 'uws'],
    multiCore: {
      kind: 'reuseport',
      how: 'WORKERS=N > 1: a node:cluster primary forks N workers, each a uWS app listening on the port with ' +
        "uWS's SO_REUSEPORT; the primary serves nothing",
    },
    settings: {
      ...HONO_APP,
      server: 'uWebSockets.js 20 (uws-pack 20.0.8) via runtimes/uws/, lazy Request/Response, a flat Headers',
      websocket: 'uWS native (App.ws), 1009 above 1 MiB closed by the bridge',
      flags: 'none',
      headers:
        'uWS adds `uWebSockets: 20` to every response: the vendor keeps that mark on unless given a code it issues',
    },
  },
  {
    name: 'bun',
    language: 'TypeScript',
    quick: true,
    description: 'Bun.serve + hono/bun',
    command: [BUN, 'runtimes/main.ts'],
    multiCore: BUN_PROCESSES,
    settings: {
      ...HONO_APP,
      server: 'Bun.serve',
      websocket: 'Bun.serve websocket (hono/bun)',
      flags: 'idleTimeout 60 s',
    },
  },
  {
    name: 'deno',
    language: 'TypeScript',
    quick: true,
    description: 'Deno.serve + hono/deno',
    command: denoRun('runtimes/main.ts'),
    multiCore: DENO_PROCESSES,
    settings: {
      ...HONO_APP,
      server: 'Deno.serve',
      websocket: 'Deno.upgradeWebSocket (hono/deno)',
      flags: DENO_FLAGS,
    },
  },
  {
    name: 'deno-serve',
    language: 'TypeScript',
    description: 'deno serve (default-export fetch) + hono/deno',
    // `deno serve` takes the address as flags only: the shell passes PORT and HOST on, and execs;
    // above one worker it adds --parallel, with DENO_JOBS (its worker count) = WORKERS.
    command: [
      'bash',
      '-c',
      'if [[ ${WORKERS:-1} != 1 ]]; then export DENO_JOBS="$WORKERS"; set -- "$@" --parallel; fi; ' +
      'exec "$0" serve "$@" --host "${HOST:-127.0.0.1}" --port "${PORT:-3000}" runtimes/deno-serve.ts',
      DENO,
      ...DENO_PERMISSIONS,
    ],
    multiCore: {
      kind: 'threads',
      how: 'WORKERS=N > 1: deno serve --parallel with DENO_JOBS=N: one process, N isolates on N threads (the ' +
        'main thread and serve-worker-1…N−1) accepting on one listening socket',
      threads: /^serve-worker-\d+$/,
      mainThread: true,
    },
    settings: {
      ...HONO_APP,
      workers: 'WORKERS (1 by default): deno serve, with --parallel and DENO_JOBS=WORKERS above 1; one isolate and ' +
        'event loop each',
      server: "deno serve: the module's default export { fetch, onListen }",
      websocket: 'Deno.upgradeWebSocket (hono/deno)',
      flags: DENO_PERMISSIONS.join(' '),
      shutdown: 'SIGTERM: deno serve stops accepting; the module ends open streams and sockets, waits for every ' +
        'open response (ServeHandlerInfo.completed, counted per request), closes the data layer, exits 0',
    },
  },
  {
    name: 'workerd',
    language: 'TypeScript',
    description: "workerd (Cloudflare Workers' runtime) + the Hono app bundled by esbuild",
    build: [NODE, 'runtimes/workerd/build.ts'],
    command: ['bash', 'runtimes/workerd/serve.sh'],
    multiCore: {
      kind: 'one',
      why: 'workerd runs one single-threaded event loop per process and has no multi-worker mode of its own (its ' +
        'README: multi-threading is not implemented; run several instances behind a load balancer, a deployment ' +
        'outside workerd)',
    },
    settings: {
      workers: '1 (one workerd process, one isolate; WORKERS ignored)',
      server: 'workerd serve (npm workerd 1.20261117.1), config generated by runtimes/workerd/build.ts',
      compatibility:
        "date 2026-11-17 (this release's newest), no flags (Node compatibility is a default since 2026-08-04)",
      bundle: "esbuild 0.28.2: one ESM module, conditions workerd/worker, not minified (wrangler's default)",
      websocket: 'WebSocketPair (hono/cloudflare-workers upgradeWebSocket)',
      validation: "zod 4.6, interpreted: workerd forbids code generation, so neither z.compile nor zod's object JIT",
      database: 'postgres.js Workers build over cloudflare:sockets: one connection per request (workerd binds ' +
        'sockets to the request that opened them), queries pipelined on it, ≤ 16 open at once, prepared ' +
        'statements, no type fetch on connect',
      cache: 'in-process map (no Redis client on workerd; shortener not served)',
      headers: 'Date added by the worker entry (workerd adds none)',
      bodies:
        'a body the app leaves unread (413/415) is read and dropped by the entry (≤ 16 MiB, ≤ 5 s) so the close ' +
        'cannot reset the answer away',
      shutdown: 'SIGTERM: workerd drains open requests without a time limit; serve.sh gives it 2 s, then SIGKILL, ' +
        'exit 0 (open SSE streams and WebSockets are cut, not closed)',
    },
    families: [...WEB, 'multipart', 'sse', 'ws', 'stress', 'db'],
  },
  {
    name: 'bare-node',
    language: 'TypeScript',
    quick: true,
    description: 'control: node:http, no framework (Node 24)',
    command: [NODE, 'runtimes/bare/node.ts'],
    multiCore: NODE_CLUSTER,
    settings: { server: 'node:http', bodies: BARE_BODIES, flags: 'none' },
    control: true,
  },
  {
    name: 'bare-bun',
    language: 'TypeScript',
    quick: true,
    description: 'control: Bun.serve, no framework',
    command: [BUN, 'runtimes/bare/bun.ts'],
    multiCore: BUN_PROCESSES,
    settings: { server: 'Bun.serve', bodies: BARE_BODIES, flags: 'none' },
    control: true,
  },
  {
    name: 'bare-deno',
    language: 'TypeScript',
    quick: true,
    description: 'control: Deno.serve, no framework',
    command: denoRun('runtimes/bare/deno.ts'),
    multiCore: DENO_PROCESSES,
    settings: { server: 'Deno.serve', bodies: BARE_BODIES, flags: DENO_FLAGS },
    control: true,
  },
  {
    name: 'rust',
    language: 'Rust',
    description: 'axum 0.8 + tokio, release build',
    build: ['bash', 'baselines/rust-axum/build.sh'],
    toolchain: 'cargo',
    command: ['bash', 'baselines/rust-axum/serve.sh'],
    multiCore: {
      kind: 'threads',
      how: "WORKERS=N: tokio's multi-thread runtime with worker_threads(N): one process, one listener, N worker " +
        'threads (its pools are per process, so not divided)',
      threads: /^tokio-(rt|runtime)-w/,
    },
    settings: {
      server: 'axum 0.8.9 on hyper 1: HTTP/1.1, keep-alive, TCP_NODELAY; Server: axum on the TechEmpower endpoints',
      workers: 'WORKERS (1 by default): tokio multi-thread runtime, worker_threads(WORKERS), one process',
      profile: 'cargo --release: lto = "fat", codegen-units = 1, panic = "abort"',
      json: 'serde_json (preserve_order); serde_path_to_error for issue paths',
      validation: 'hand-written rules (src/common/params.rs), no regex crate',
      database:
        'tokio-postgres 0.7 in deadpool-postgres 0.14: ≤ 16 connections, statements prepared once per connection, ' +
        'no query on checkout (RecyclingMethod::Fast); /db/queries: try_join_all, pipelined on one connection',
      cache: 'redis-rs 1.8 ConnectionManager: one multiplexed connection, 1 s per command',
      websocket:
        'axum ws (tokio-tungstenite 0.29), no compression; 1 MiB checked per whole message (1009), 16 MiB ceiling',
    },
  },
  {
    name: 'rocket',
    language: 'Rust',
    description: 'Rocket 0.5, release build',
    build: ['bash', 'baselines/rust-rocket/build.sh'],
    toolchain: 'cargo',
    command: ['bash', 'baselines/rust-rocket/serve.sh'],
    multiCore: {
      kind: 'threads',
      how: 'WORKERS=N: Rocket workers = N and tokio worker_threads(N): one process, one listener, N worker threads',
      threads: /^rocket-worker-t/,
    },
    settings: {
      server: 'Rocket 0.5.2 on hyper 1/tokio (HTTP/1.1, keep-alive 5 s), default Shield headers on',
      workers: 'WORKERS (1 by default): Rocket workers and tokio worker threads',
      profile: 'release, lto fat, codegen-units 1, panic abort',
      logging: 'log_level off',
      json: 'serde_json (preserve_order); serde_path_to_error on the error path only',
      bodies: 'JSON/urlencoded via data guards that drain refused bodies (Rocket parsers), multipart via multer',
      database: 'gauntlet-data (shared with rust): tokio-postgres 0.7 in deadpool-postgres 0.14, managed state: ' +
        '≤ 16 connections, statements prepared once per connection, no query on checkout (RecyclingMethod::Fast); ' +
        '/db/queries: try_join_all, pipelined on one connection',
      cache: 'gauntlet-data: redis-rs 1.8 ConnectionManager: one multiplexed connection, 1 s per command',
      websocket: 'rocket_ws 0.1.1 (tungstenite 0.21), max message 1 MiB',
      shutdown: 'grace 1 s, mercy 1 s; on_shutdown fairing: last click flush',
    },
    families: [...WEB, 'multipart', 'sse', 'ws', 'stress', 'db', 'shortener'],
  },
  {
    name: 'python',
    language: 'Python',
    description: 'FastAPI on uvicorn (uvloop, httptools)',
    build: ['bash', 'baselines/python-fastapi/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-fastapi/serve.sh'],
    multiCore: {
      kind: 'prefork',
      how: "WORKERS=N > 1: uvicorn --workers N, uvicorn's supervisor binding the socket and N worker processes " +
        'accepting on it (each sizes its pools by N); with 1, uvicorn serves in its own process',
      supervisor: 'when-several',
    },
    settings: {
      server: 'uvicorn 0.54 --loop uvloop --http httptools --no-access-log --log-level warning ' +
        '--timeout-graceful-shutdown 2 (Server: uvicorn on every response)',
      workers: 'WORKERS (1 by default): --workers WORKERS, one process and event loop each',
      json: 'orjson parses request bodies and renders untyped responses; pydantic 2 serialises typed ones',
      validation: 'pydantic 2 strict models + the contract value rules (params.py)',
      database:
        'asyncpg 0.32 pool: ≤ 16 connections per target (16 / WORKERS per worker, rounded up), one query at a ' +
        'time per connection, per-connection statement cache, ' +
        'reset on release off; /db/queries: asyncio.gather, each read on its own pooled connection',
      cache: 'redis-py 8.1 (asyncio, hiredis parser): pool of ≤ 64 connections per target (64 / WORKERS per worker), ' +
        'one command at a time each, 1 s timeouts',
      websocket:
        '--ws websockets-sansio --ws-per-message-deflate false; 1 MiB checked per whole message by the app (1009), ' +
        '--ws-max-size 16 MiB ceiling',
    },
  },
  {
    name: 'granian',
    language: 'Python',
    description: 'the FastAPI app served by Granian (ASGI, uvloop)',
    build: ['bash', 'baselines/python-fastapi/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-fastapi/serve-granian.sh'],
    multiCore: {
      kind: 'reuseport',
      how: "WORKERS=N: granian --workers N: Granian's supervisor starts N worker processes, each with a listening " +
        'socket of its own on the port (SO_REUSEPORT) and one runtime thread; the supervisor serves nothing',
    },
    settings: {
      server: 'granian 2.8.7 --interface asgi --loop uvloop --http 1 --ws --no-access-log --log-level warning ' +
        '--workers-kill-timeout 3 (Server: granian on every response); backpressure 1024 (default)',
      workers: "WORKERS (1 by default): --workers WORKERS --runtime-threads 1, worker processes under Granian's " +
        'supervisor',
      json: 'orjson parses request bodies and renders untyped responses; pydantic 2 serialises typed ones',
      validation: 'pydantic 2 strict models + the contract value rules (params.py)',
      database:
        'asyncpg 0.32 pool: ≤ 16 connections per target (16 / WORKERS per worker, rounded up), one query at a ' +
        'time per connection, per-connection statement cache, ' +
        'reset on release off; /db/queries: asyncio.gather, each read on its own pooled connection',
      cache: 'redis-py 8.1 (asyncio, hiredis parser): pool of ≤ 64 connections per target (64 / WORKERS per worker), ' +
        'one command at a time each, 1 s timeouts',
      websocket: "Granian's (no compression; no size setting): 1 MiB checked per whole message by the app (1009)",
    },
  },
  {
    name: 'starlette',
    language: 'Python',
    description: 'Starlette + asyncpg on uvicorn',
    build: ['bash', 'baselines/python-starlette/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-starlette/serve.sh'],
    multiCore: {
      kind: 'prefork',
      how: "WORKERS=N > 1: uvicorn --workers N, uvicorn's supervisor binding the socket and N worker processes " +
        'accepting on it (each sizes its pools by N); with 1, uvicorn serves in its own process',
      supervisor: 'when-several',
    },
    settings: {
      server: 'uvicorn 0.54 --workers WORKERS --loop uvloop --http httptools --no-access-log ' +
        '--timeout-graceful-shutdown 2',
      workers: 'WORKERS (1 by default) processes, one event loop each; stress endpoints in the Starlette thread pool',
      framework: 'Starlette 1.10: Route/Mount/WebSocketRoute, request.form() (python-multipart 0.0.34)',
      validation: 'msgspec 0.23 Structs; query/form/path text by the contract rules, then msgspec.convert',
      responses: 'msgspec.json',
      websocket: 'uvicorn websockets-sansio, no deflate; 1009 closed by the app after a whole message',
      postgres: 'asyncpg 0.32 pool: min 0, max 16 per target (16 / WORKERS per worker, rounded up), 2 s connect ' +
        'timeout, prepared statements, no reset on release',
      redis: 'redis.asyncio 8.1 + hiredis: BlockingConnectionPool 64 per target (64 / WORKERS per worker), 1 s ' +
        'timeouts, no retries',
    },
    families: [...WEB, 'db', 'multipart', 'sse', 'ws', 'stress', 'shortener'],
  },
  {
    name: 'django',
    language: 'Python',
    description: 'Django + psycopg on gunicorn',
    build: ['bash', 'baselines/python-django/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-django/serve.sh'],
    multiCore: {
      kind: 'prefork',
      how: 'WORKERS=N: gunicorn --workers N, the arbiter binding the socket and N gthread workers accepting on it; ' +
        'the 4 threads (each with its Postgres connection) shared out, 4 / N per worker rounded up',
      supervisor: 'always',
    },
    settings: {
      server: 'gunicorn 27 --worker-class gthread --workers WORKERS --threads 4/WORKERS --keep-alive 5 (no access log)',
      workers: 'WORKERS processes (1 by default), 4 threads in all (4 / WORKERS each, rounded up); gthread, not the ' +
        "seed's sync workers: sync workers close every connection after its response, gthread keeps it alive",
      django: '5.2 LTS, DEBUG=False, no contrib apps; middleware Security + Common + 3 small project ones (HEAD, raw ' +
        'path for %2F, JSON errors); no CSRF/sessions/auth middleware: an API, its POSTs CSRF-exempt',
      validation: 'Django forms (query, form, path) with contract-strict fields; JSON bodies by a small schema layer',
      json: 'JsonResponse (stdlib json), compact separators',
      bodies: '415/413 checked before reading; a body refused with 413 is read and dropped (≤ 16 MiB, ≤ 5 s) so the ' +
        "close cannot RST the answer away (gunicorn's own drain stops at 64 KiB)",
      postgres: 'psycopg 3 (binary) via Django connection.cursor(), raw parameterised SQL; CONN_MAX_AGE=None (one ' +
        'persistent connection per thread; per worker, one more for /health and one for the click flusher), ' +
        'CONN_HEALTH_CHECKS=False, server-side binding, prepare_threshold=0, connect_timeout 2 s',
      'db/queries':
        "n statements issued sequentially on the request's connection (Django's sync idiom), not concurrently",
      cache: 'redis-py 8.1 (sync client, hiredis parser): one pool per worker of 4 / WORKERS + 1 connections (one ' +
        'per request thread, one for the flusher), one command at a time each, 1 s timeouts, no retry',
      clicks: 'a flusher thread per worker (gunicorn post_worker_init), every 250 ms on its own psycopg connection; ' +
        'the final flush in gunicorn worker_exit, after the worker stopped accepting and answered its connections',
    },
    families: [...WEB, 'db', 'multipart', 'stress', 'shortener'],
  },
  {
    name: 'robyn',
    language: 'Python',
    description: 'Robyn',
    build: ['bash', 'baselines/python-robyn/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-robyn/serve.sh'],
    multiCore: {
      kind: 'prefork',
      how: "WORKERS=N > 1: Robyn's processes=N (workers=1 each): the main process binds the socket and forks N " +
        'processes accepting on it; with 1, Robyn serves in its own process',
      supervisor: 'when-several',
    },
    settings: {
      server: 'Robyn 0.88.0 (actix-web in Rust, handlers in CPython 3.11), python app.py: no argv, stdin /dev/null',
      workers: 'WORKERS processes (Config processes=WORKERS; 1 by default), 1 worker thread each',
      handlers: 'sync def (run on the actix worker thread); the db family and /health async def (on the uvloop ' +
        "event loop of Robyn's main thread)",
      validation: 'pydantic 2.14 models (strict JSON bodies; query, form, path by the contract value rules)',
      json: 'orjson 3.13 (parsing; dict returns serialised by Robyn with orjson, models by model_dump_json)',
      logging: 'log level WARN (no access log), no dev mode, OpenAPI routes off',
      bodies: 'read whole by Robyn before the handler (no limit of its own); 413 by Content-Length or bytes read',
      database: 'asyncpg 0.32 pool (baselines/python-data): ≤ 16 connections per target (16 / WORKERS per process, ' +
        "rounded up), opened in Robyn's startup handler, closed in its shutdown handler, one query at a time per " +
        'connection, per-connection statement cache, reset on release off; /db/queries: asyncio.gather, each read ' +
        'on its own pooled connection',
      cache: 'none (the shortener is not declared: README)',
    },
    families: [...WEB, 'db', 'stress'],
  },
  {
    name: 'spikard',
    language: 'Python',
    description: 'Spikard with Python handlers (Rust HTTP core, PyO3)',
    build: ['bash', 'baselines/python-spikard/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-spikard/serve.sh'],
    multiCore: {
      kind: 'threads',
      how: "WORKERS=N > 1: Spikard's own ServerConfig(workers=N): one process, N Tokio worker threads for HTTP; the " +
        "Python handlers still run on Spikard's one event-loop thread (the GIL)",
      threads: /^tokio-rt-worker$/,
    },
    settings: {
      server: 'Spikard 0.13.0 (axum/hyper core), app.run(ServerConfig(workers=WORKERS)): a current-thread Tokio ' +
        'runtime with 1, WORKERS Tokio worker threads above',
      handlers: "async def on one uvloop event loop thread (Spikard's); stress handlers sync on Tokio's blocking pool",
      validation:
        "msgspec 0.23.0 Structs in the handlers (Spikard's own validation answers RFC 9457, not the contract)",
      responses: 'msgspec-encoded by Spikard for plain returns; serde_json for Response(...)',
      flags: 'enable_request_id False, compression None, RUST_LOG=warn, no access log (enable_http_trace off)',
      database: 'asyncpg 0.32 pool (baselines/python-data): ≤ 16 connections (one process), opened on the ' +
        'handler event loop by the first request that needs it (Spikard 0.13 has no startup hook), closed from the ' +
        'main thread at the stop; one query at a time per connection, per-connection statement cache, reset on ' +
        'release off; /db/queries: asyncio.gather, each read on its own pooled connection',
      cache: 'none (the shortener is not declared: README)',
    },
    families: [...WEB, 'db', 'multipart', 'stress'],
  },
  // Reference targets: seed 002's own launches of its two Python systems, on the same code as
  // `django` and `starlette`. Only the launch differs (baselines/*/serve-seed002.sh). They declare
  // only the family of the one endpoint the seed measured (GET /api/v1/recipes: db-recipes).
  {
    name: 'django-seed002',
    language: 'Python',
    description: "seed 002's setup, not ours: Django + psycopg on gunicorn -w 5 (sync workers), access log",
    build: ['bash', 'baselines/python-django/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-django/serve-seed002.sh'],
    multiCore: {
      kind: 'prefork',
      how: "gunicorn -w 5 sync workers (the seed's), the arbiter holding the socket",
      supervisor: 'always',
      fixed: 5,
    },
    reference:
      'seed 002: its sync Python system as the seed launched it (gunicorn -w 5, sync workers, access log on stdout)',
    closesConnections: "gunicorn's sync workers (the seed's worker class) close every connection after its response",
    settings: {
      reference: "seed 002's setup, not ours: 5 worker processes, so the one-worker rule does not hold; a labelled " +
        'reference row, never in the ranking or ratio tables',
      server: 'gunicorn 27 -w 5 --access-logfile - --error-logfile - --capture-output --enable-stdio-inheritance ' +
        "--access-logformat <the seed's> (+ --no-control-socket, which the seed's gunicorn did not have)",
      workers: "5 processes of gunicorn's default sync class, one request at a time each, Connection: close after " +
        'every response; WORKERS ignored (the seed: (2 × CPUs) + 1 on its 2 vCPUs)',
      logging: "access log on stdout, one line per request in the seed's format; info-level error log",
      application: "the django target's project unchanged (baselines/python-django): one persistent Postgres " +
        'connection per worker process',
    },
    families: ['db'],
  },
  {
    name: 'starlette-seed002',
    language: 'Python',
    description: "seed 002's setup, not ours: Starlette + asyncpg on gunicorn -w 2 with uvicorn workers, access log",
    build: ['bash', 'baselines/python-starlette/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-starlette/serve-seed002.sh'],
    multiCore: {
      kind: 'prefork',
      how: "gunicorn -w 2 with uvicorn workers (the seed's), the arbiter holding the socket",
      supervisor: 'always',
      fixed: 2,
    },
    reference:
      'seed 002: its async Python system as the seed launched it (gunicorn -w 2 -k uvicorn.workers.UvicornWorker, ' +
      'access log on stdout)',
    settings: {
      reference: "seed 002's setup, not ours: 2 worker processes, so the one-worker rule does not hold; a labelled " +
        'reference row, never in the ranking or ratio tables',
      server: 'gunicorn 27 -w 2 -k uvicorn.workers.UvicornWorker --access-logfile - --error-logfile - ' +
        "--capture-output --enable-stdio-inheritance --access-logformat <the seed's> (+ --no-control-socket)",
      workers: "2 uvicorn 0.54 workers (uvicorn's defaults: loop and http auto = uvloop and httptools, " +
        'keep-alive 2 s from gunicorn); WORKERS ignored',
      logging: "access log on stdout through gunicorn's logger (uvicorn's line format); info-level error log",
      application: "the starlette target's app unchanged (baselines/python-starlette): an asyncpg pool of ≤ 16 " +
        'connections per worker process',
    },
    families: ['db'],
  },
];

// Every target's settings record its multi-core idiom (run.json, the report).
for (const t of targets) t.settings.multiCore = describeMultiCore(t.multiCore);

/** The workloads a control target serves. */
export const CONTROL_WORKLOADS = ['basic-plaintext', 'basic-json', 'json-small'];

/** The families a target implements. */
export const declaredFamilies = (target: Target): ReadonlySet<Family> => new Set(target.families ?? FAMILIES);

/**
 * Why `target` does not serve a workload (a control target outside its three, or a family it does not
 * declare), or undefined when it does: the one rule the matrix and the instruction counts skip by.
 */
export function notServed(
  target: Target,
  workload: { id: string; family: Family },
): { reason: string; notImplemented: true } | undefined {
  if (target.control && !CONTROL_WORKLOADS.includes(workload.id)) {
    return { reason: 'control targets serve only /plaintext, /json and POST /json/small', notImplemented: true };
  }
  if (!declaredFamilies(target).has(workload.family)) {
    return {
      reason: `not implemented: ${target.name} does not declare the ${workload.family} family`,
      notImplemented: true,
    };
  }
  return undefined;
}

export function targetByName(name: string): Target {
  const target = targets.find((t) => t.name === name);
  if (!target) {
    throw new Error(`unknown target ${JSON.stringify(name)}; expected one of ${targets.map((t) => t.name).join(', ')}`);
  }
  return target;
}
