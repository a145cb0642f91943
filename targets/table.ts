/**
 * Every target by name: how to build it (once) and start it on a port. `npm run target`, the
 * conformance suite and the orchestrator all start targets from this table.
 */
import { fileURLToPath } from 'node:url';
import { FAMILIES, type Family } from '../contract/catalogue.ts';

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
  /** The production settings that matter for a fair comparison, for run.json and the report. */
  settings: Record<string, string>;
  /** In the quick run (`npm run bench` with no arguments). */
  quick?: boolean;
  /** A control target: no framework, only /plaintext, /json and POST /json/small. */
  control?: boolean;
  /**
   * The families this target implements (default: every family). Conformance runs every case of
   * each declared family and reports the rest as not implemented; so does the report.
   */
  families?: Family[];
}

/** The families every seed's system serves at least (issue: every system the studies measured). */
const WEB: Family[] = ['basic', 'json', 'path', 'query', 'form', 'mixed'];

const DENO_PERMISSIONS = ['--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys'];

/** What every target of the Hono app shares (src/): one worker, its validation and its data clients. */
const HONO_APP = {
  workers: '1 (one process, one event loop)',
  validation: 'zod',
  database: 'postgres.js: ≤ 16 pooled connections, server-side prepared statements, queries pipelined per connection',
  cache: 'ioredis: one connection, auto-pipelining on, no offline queue',
};

export const targets: Target[] = [
  {
    name: 'node',
    language: 'TypeScript',
    quick: true,
    description: 'Node 24 LTS + @hono/node-server',
    command: [NODE, 'runtimes/main.ts'],
    settings: { ...HONO_APP, server: '@hono/node-server', websocket: 'ws (via @hono/node-server)', flags: 'none' },
  },
  {
    name: 'node22',
    language: 'TypeScript',
    description: 'Node 22 LTS + @hono/node-server',
    command: [NODE22, 'runtimes/main.ts'],
    settings: { ...HONO_APP, server: '@hono/node-server', websocket: 'ws (via @hono/node-server)', flags: 'none' },
  },
  {
    name: 'uws',
    language: 'TypeScript',
    description: 'Node 22 LTS + uWebSockets.js (uws-pack) bridge',
    command: [NODE22, 'runtimes/main.ts', '--adapter', 'uws'],
    settings: {
      ...HONO_APP,
      server: 'uWebSockets.js 20 (uws-pack 20.0.8) via runtimes/uws/, lazy Request/Response',
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
    command: [DENO, 'run', ...DENO_PERMISSIONS, 'runtimes/main.ts'],
    settings: {
      ...HONO_APP,
      server: 'Deno.serve',
      websocket: 'Deno.upgradeWebSocket (hono/deno)',
      flags: DENO_PERMISSIONS.join(' '),
    },
  },
  {
    name: 'deno-serve',
    language: 'TypeScript',
    description: 'deno serve (default-export fetch) + hono/deno',
    // `deno serve` takes the address as flags only: the shell passes PORT and HOST on, and execs.
    command: [
      'bash',
      '-c',
      'exec "$0" serve "$@" --host "${HOST:-127.0.0.1}" --port "${PORT:-3000}" runtimes/deno-serve.ts',
      DENO,
      ...DENO_PERMISSIONS,
    ],
    settings: {
      ...HONO_APP,
      workers: '1 (deno serve without --parallel: one process, one event loop; WORKERS ignored)',
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
    settings: {
      workers: '1 (one workerd process, one isolate; WORKERS ignored)',
      server: 'workerd serve (npm workerd 1.20261117.1), config generated by runtimes/workerd/build.ts',
      compatibility:
        "date 2026-11-17 (this release's newest), no flags (Node compatibility is a default since 2026-08-04)",
      bundle: "esbuild 0.28.2: one ESM module, conditions workerd/worker, not minified (wrangler's default)",
      websocket: 'WebSocketPair (hono/cloudflare-workers upgradeWebSocket)',
      validation: 'zod',
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
    settings: { server: 'node:http', flags: 'none' },
    control: true,
  },
  {
    name: 'bare-bun',
    language: 'TypeScript',
    quick: true,
    description: 'control: Bun.serve, no framework',
    command: [BUN, 'runtimes/bare/bun.ts'],
    settings: { server: 'Bun.serve', flags: 'none' },
    control: true,
  },
  {
    name: 'bare-deno',
    language: 'TypeScript',
    quick: true,
    description: 'control: Deno.serve, no framework',
    command: [DENO, 'run', ...DENO_PERMISSIONS, 'runtimes/bare/deno.ts'],
    settings: { server: 'Deno.serve', flags: DENO_PERMISSIONS.join(' ') },
    control: true,
  },
  {
    name: 'rust',
    language: 'Rust',
    description: 'axum 0.8 + tokio, release build',
    build: ['bash', 'baselines/rust-axum/build.sh'],
    toolchain: 'cargo',
    command: ['bash', 'baselines/rust-axum/serve.sh'],
    settings: {
      server: 'axum 0.8.9 on hyper 1: HTTP/1.1, keep-alive, TCP_NODELAY; Server: axum on the TechEmpower endpoints',
      workers:
        '1 (tokio multi-thread runtime, worker_threads(1): one thread serves every connection; WORKERS is ignored)',
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
    settings: {
      server: 'Rocket 0.5.2 on hyper 1/tokio (HTTP/1.1, keep-alive 5 s), default Shield headers on',
      workers: '1 (Rocket workers and tokio worker threads; WORKERS ignored)',
      profile: 'release, lto fat, codegen-units 1, panic abort',
      logging: 'log_level off',
      json: 'serde_json (preserve_order); serde_path_to_error on the error path only',
      bodies: 'JSON/urlencoded via data guards that drain refused bodies (Rocket parsers), multipart via multer',
      websocket: 'rocket_ws 0.1.1 (tungstenite 0.21), max message 1 MiB',
      shutdown: 'grace 1 s, mercy 1 s',
    },
    families: [...WEB, 'multipart', 'sse', 'ws', 'stress'],
  },
  {
    name: 'python',
    language: 'Python',
    description: 'FastAPI on uvicorn (uvloop, httptools)',
    build: ['bash', 'baselines/python-fastapi/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-fastapi/serve.sh'],
    settings: {
      server: 'uvicorn 0.54 --loop uvloop --http httptools --no-access-log --log-level warning ' +
        '--timeout-graceful-shutdown 2 (Server: uvicorn on every response)',
      workers: '1 (--workers 1: one process, one event loop; WORKERS is ignored)',
      json: 'orjson parses request bodies and renders untyped responses; pydantic 2 serialises typed ones',
      validation: 'pydantic 2 strict models + the contract value rules (params.py)',
      database:
        'asyncpg 0.32 pool: ≤ 16 connections, one query at a time per connection, per-connection statement cache, ' +
        'reset on release off; /db/queries: asyncio.gather, each read on its own pooled connection',
      cache:
        'redis-py 8.1 (asyncio, hiredis parser): pool of ≤ 64 connections, one command at a time each, 1 s timeouts',
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
    settings: {
      server: 'granian 2.8.7 --interface asgi --loop uvloop --http 1 --ws --no-access-log --log-level warning ' +
        '--workers-kill-timeout 3 (Server: granian on every response); backpressure 1024 (default)',
      workers: "1 (--workers 1 --runtime-threads 1: one worker process under Granian's supervisor; WORKERS is ignored)",
      json: 'orjson parses request bodies and renders untyped responses; pydantic 2 serialises typed ones',
      validation: 'pydantic 2 strict models + the contract value rules (params.py)',
      database:
        'asyncpg 0.32 pool: ≤ 16 connections, one query at a time per connection, per-connection statement cache, ' +
        'reset on release off; /db/queries: asyncio.gather, each read on its own pooled connection',
      cache:
        'redis-py 8.1 (asyncio, hiredis parser): pool of ≤ 64 connections, one command at a time each, 1 s timeouts',
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
    settings: {
      server: 'uvicorn 0.54 --workers 1 --loop uvloop --http httptools --no-access-log --timeout-graceful-shutdown 2',
      workers: '1 process, one event loop (WORKERS ignored); stress endpoints in the Starlette thread pool',
      framework: 'Starlette 1.10: Route/Mount/WebSocketRoute, request.form() (python-multipart 0.0.34)',
      validation: 'msgspec 0.23 Structs; query/form/path text by the contract rules, then msgspec.convert',
      responses: 'msgspec.json',
      websocket: 'uvicorn websockets-sansio, no deflate; 1009 closed by the app after a whole message',
      postgres: 'asyncpg 0.32 pool: min 0, max 16, 2 s connect timeout, prepared statements, no reset on release',
      redis: 'redis.asyncio 8.1 + hiredis: BlockingConnectionPool 64, 1 s timeouts, no retries',
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
    settings: {
      server: 'gunicorn 27 --worker-class gthread --workers 1 --threads 4 --keep-alive 5 (no access log)',
      workers:
        "one process, 4 threads, whatever WORKERS says; gthread, not the seed's sync workers: sync workers close " +
        'every connection after its response, gthread keeps it alive',
      django: '5.2 LTS, DEBUG=False, no contrib apps; middleware Security + Common + 3 small project ones (HEAD, raw ' +
        'path for %2F, JSON errors); no CSRF/sessions/auth middleware: an API, its POSTs CSRF-exempt',
      validation: 'Django forms (query, form, path) with contract-strict fields; JSON bodies by a small schema layer',
      json: 'JsonResponse (stdlib json), compact separators',
      bodies: '415/413 checked before reading; a body refused with 413 is read and dropped (≤ 16 MiB, ≤ 5 s) so the ' +
        "close cannot RST the answer away (gunicorn's own drain stops at 64 KiB)",
      postgres: 'psycopg 3 (binary) via Django connection.cursor(), raw parameterised SQL; CONN_MAX_AGE=None (one ' +
        "persistent connection per thread, ≤ 5 with /health's), CONN_HEALTH_CHECKS=False, server-side binding, " +
        'prepare_threshold=0, connect_timeout 2 s',
      'db/queries':
        "n statements issued sequentially on the request's connection (Django's sync idiom), not concurrently",
    },
    families: [...WEB, 'db', 'multipart', 'stress'],
  },
  {
    name: 'robyn',
    language: 'Python',
    description: 'Robyn',
    build: ['bash', 'baselines/python-robyn/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-robyn/serve.sh'],
    settings: {
      server: 'Robyn 0.88.0 (actix-web in Rust, handlers in CPython 3.11), python app.py: no argv, stdin /dev/null',
      workers: '1 process, 1 worker thread (Config processes=1 workers=1; WORKERS ignored)',
      handlers: 'sync def (run on the actix worker thread)',
      validation: 'pydantic 2.14 models (strict JSON bodies; query, form, path by the contract value rules)',
      json: 'orjson 3.13 (parsing; dict returns serialised by Robyn with orjson, models by model_dump_json)',
      logging: 'log level WARN (no access log), no dev mode, OpenAPI routes off',
      bodies: 'read whole by Robyn before the handler (no limit of its own); 413 by Content-Length or bytes read',
    },
    families: [...WEB, 'stress'],
  },
  {
    name: 'spikard',
    language: 'Python',
    description: 'Spikard with Python handlers (Rust HTTP core, PyO3)',
    build: ['bash', 'baselines/python-spikard/build.sh'],
    toolchain: 'python3',
    command: ['bash', 'baselines/python-spikard/serve.sh'],
    settings: {
      server: 'Spikard 0.13.0 (axum/hyper core), app.run(ServerConfig(workers=1)): one current-thread Tokio runtime',
      handlers: "async def on one uvloop event loop thread (Spikard's); stress handlers sync on Tokio's blocking pool",
      validation:
        "msgspec 0.23.0 Structs in the handlers (Spikard's own validation answers RFC 9457, not the contract)",
      responses: 'msgspec-encoded by Spikard for plain returns; serde_json for Response(...)',
      flags: 'enable_request_id False, compression None, RUST_LOG=warn, no access log (enable_http_trace off)',
    },
    families: [...WEB, 'multipart', 'stress'],
  },
];

/** The workloads a control target serves. */
export const CONTROL_WORKLOADS = ['basic-plaintext', 'basic-json', 'json-small'];

/** The families a target implements. */
export const declaredFamilies = (target: Target): ReadonlySet<Family> => new Set(target.families ?? FAMILIES);

export function targetByName(name: string): Target {
  const target = targets.find((t) => t.name === name);
  if (!target) {
    throw new Error(`unknown target ${JSON.stringify(name)}; expected one of ${targets.map((t) => t.name).join(', ')}`);
  }
  return target;
}
