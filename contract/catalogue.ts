/**
 * The catalogue: every endpoint of DESIGN §3, the request that exercises it (its fixture), and
 * how to recognise a correct response. Tests, k6 scripts (k6 v1 imports this TypeScript as is), the
 * orchestrator and the baselines' conformance checks all read this; nothing else lists endpoints.
 *
 * Pure data and pure functions only: no runtime APIs, so every runtime and the exporter can load it.
 */

export type Family =
  | 'basic'
  | 'json'
  | 'path'
  | 'query'
  | 'form'
  | 'multipart'
  | 'mixed'
  | 'sse'
  | 'ws'
  | 'shortener'
  | 'db'
  | 'stress';

/** What a target must have for the endpoint to run: data services, an upgrade, a long response. */
export type Need = 'db' | 'cache' | 'websocket' | 'stream';

export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Concrete path with its query string. */
  path: string;
  headers?: Record<string, string>;
  /** A fixture file, relative to workloads/, sent as the body byte for byte. */
  bodyFile?: string;
}

/** How a correct response is recognised (the same check in tests, k6 and the orchestrator). */
export type Expect =
  | { kind: 'json'; status: number; json: unknown }
  | { kind: 'json-file'; status: number; file: string }
  | { kind: 'text'; status: number; contentType: string; text: string }
  | { kind: 'websocket-echo'; messages: { text?: string; binaryBytes?: number }[] }
  | { kind: 'json-shape'; status: number; shape: string };

export interface Endpoint {
  /** Stable id, `<family>-<variant>`: the name of the workload everywhere. */
  id: string;
  family: Family;
  /** The route as DESIGN §3 writes it. */
  route: string;
  description: string;
  request: RequestSpec;
  expect: Expect;
  needs: Need[];
  /**
   * Reached when the target offers them, though the workload runs without: `/health` pings the db
   * and the cache it has. A bench accounts their CPU and backend for it as for a data workload.
   */
  uses?: Need[];
  /** Measured at a fixed rate by default rather than closed loop (too slow per request to saturate usefully). */
  heavy?: boolean;
  /**
   * How load generators vary the request from one to the next (the catalogue's request is one
   * instance of it): `unique-url` shortens a URL never sent before.
   */
  vary?: 'unique-url';
  /** In the README's headline tables: one workload per family, the ones users ask about first. */
  headline?: boolean;
  /** In the quick run (`npm run bench` with no arguments). */
  quick?: boolean;
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const multipart = { 'content-type': 'multipart/form-data; boundary=gauntlet-boundary-7d3c1a9e' };

/** The exact body of `/sse?events=n`. */
export const sseBody = (n: number): string => {
  let out = '';
  for (let i = 1; i <= n; i++) out += `id: ${i}\ndata: {"seq":${i},"total":${n}}\n\n`;
  return out;
};

const queryEcho = {
  few: { q: 'running shoes', page: 2, limit: 20 },
  medium: {
    q: 'laptop',
    page: 1,
    limit: 25,
    sort: 'newest',
    min_price: 300,
    max_price: 1500.99,
    in_stock: true,
    category: 'computers',
  },
  many: {
    q: 'trail running shoes',
    page: 3,
    limit: 50,
    sort: 'price_asc',
    min_price: 25.5,
    max_price: 180,
    in_stock: true,
    category: 'café & bistro',
    order: 'asc',
    brand: ['acme', 'globex', 'initech'],
    tag: ['waterproof', 'lightweight'],
    color: ['black', 'blue'],
    rating_min: 4,
    currency: 'EUR',
    include_variants: true,
    since: '2024-01-15',
    lang: 'fr',
  },
};

export const catalogue: Endpoint[] = [
  // basic
  {
    id: 'basic-plaintext',
    family: 'basic',
    route: '/plaintext',
    description: "TechEmpower plaintext: 'Hello, World!' with Server and Date headers",
    request: { method: 'GET', path: '/plaintext' },
    expect: { kind: 'text', status: 200, contentType: 'text/plain', text: 'Hello, World!' },
    needs: [],
    quick: true,
  },
  {
    id: 'basic-json',
    family: 'basic',
    route: '/json',
    description: 'TechEmpower json: {"message":"Hello, World!"} serialised per request',
    request: { method: 'GET', path: '/json' },
    expect: { kind: 'json', status: 200, json: { message: 'Hello, World!' } },
    needs: [],
    headline: true,
    quick: true,
  },
  {
    id: 'basic-health',
    family: 'basic',
    route: '/health',
    description: 'status, with db and cache reachability',
    request: { method: 'GET', path: '/health' },
    expect: { kind: 'json-shape', status: 200, shape: 'health' },
    needs: [],
    uses: ['db', 'cache'],
  },
  {
    id: 'basic-echo',
    family: 'basic',
    route: '/echo',
    description: 'echo any JSON value',
    request: { method: 'POST', path: '/echo', headers: json, bodyFile: 'json/medium.json' },
    expect: { kind: 'json-file', status: 200, file: 'json/medium.json' },
    needs: [],
  },
  // json
  ...(['small', 'medium', 'large'] as const).map((size): Endpoint => ({
    id: `json-${size}`,
    family: 'json',
    route: `/json/${size}`,
    description: `parse and validate a ${
      { small: '90 B', medium: '1.4 KB', large: '14.9 KB' }[size]
    } JSON body, return it`,
    request: { method: 'POST', path: `/json/${size}`, headers: json, bodyFile: `json/${size}.json` },
    expect: { kind: 'json-file', status: 200, file: `json/${size}.json` },
    needs: [],
    headline: size !== 'medium',
    quick: size !== 'medium',
  })),
  // path
  ...([
    ['simple', '/path/simple/{id}', '/path/simple/abc123', { id: 'abc123' }],
    ['multiple', '/path/multiple/{user_id}/{post_id}', '/path/multiple/user_42/post_1337', {
      user_id: 'user_42',
      post_id: 'post_1337',
    }],
    [
      'deep',
      '/path/deep/{org}/{team}/{project}/{resource}/{id}',
      '/path/deep/acme/platform/gauntlet/reports/r-2024',
      { org: 'acme', team: 'platform', project: 'gauntlet', resource: 'reports', id: 'r-2024' },
    ],
    ['int', '/path/int/{n}', '/path/int/123456', { n: 123456 }],
    ['uuid', '/path/uuid/{uuid}', '/path/uuid/550e8400-E29B-41d4-a716-446655440000', {
      uuid: '550e8400-e29b-41d4-a716-446655440000',
    }],
    ['date', '/path/date/{date}', '/path/date/2024-02-29', { date: '2024-02-29' }],
  ] as const).map(([variant, route, path, echo]): Endpoint => ({
    id: `path-${variant}`,
    family: 'path',
    route,
    description: `extract, convert and validate ${route.split('{').length - 1} path parameter(s)`,
    request: { method: 'GET', path },
    expect: { kind: 'json', status: 200, json: echo },
    needs: [],
    headline: variant === 'deep',
    quick: variant === 'deep',
  })),
  // query
  ...([
    ['few', '?q=running%20shoes&page=2&limit=20'],
    [
      'medium',
      '?q=laptop&page=1&limit=25&sort=newest&min_price=300&max_price=1500.99&in_stock=true&category=computers',
    ],
    [
      'many',
      '?q=trail+running+shoes&page=3&limit=50&sort=price_asc&order=asc&min_price=25.5&max_price=180' +
      '&in_stock=true&category=caf%C3%A9+%26+bistro&brand=acme&brand=globex&brand=initech&tag=waterproof' +
      '&tag=lightweight&color=black&color=blue&rating_min=4&currency=EUR&include_variants=true' +
      '&since=2024-01-15&lang=fr',
    ],
  ] as const).map(([variant, qs]): Endpoint => ({
    id: `query-${variant}`,
    family: 'query',
    route: `/query/${variant}`,
    description: `parse, coerce and validate ${Object.keys(queryEcho[variant]).length} query parameters`,
    request: { method: 'GET', path: `/query/${variant}${qs}` },
    expect: { kind: 'json', status: 200, json: queryEcho[variant] },
    needs: [],
    headline: variant === 'many',
    quick: variant === 'many',
  })),
  // form
  {
    id: 'form-simple',
    family: 'form',
    route: '/form/simple',
    description: 'parse and validate a 4-field urlencoded form',
    request: { method: 'POST', path: '/form/simple', headers: form, bodyFile: 'form/simple.txt' },
    expect: {
      kind: 'json',
      status: 200,
      json: { username: 'ada_lovelace', email: 'ada@example.com', age: 36, newsletter: true },
    },
    needs: [],
  },
  {
    id: 'form-complex',
    family: 'form',
    route: '/form/complex',
    description: 'parse and validate an 18-field urlencoded form with repeated keys',
    request: { method: 'POST', path: '/form/complex', headers: form, bodyFile: 'form/complex.txt' },
    expect: {
      kind: 'json',
      status: 200,
      json: {
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0958',
        age: 36,
        country: 'GB',
        city: 'London',
        postcode: 'NW1 6XE',
        company: 'Analytical Engines Ltd',
        job_title: 'Mathematician',
        website: 'https://example.com/ada',
        bio: 'First programmer. Café regular.',
        interests: ['mathematics', 'poetry', 'engines'],
        languages: ['en', 'fr'],
        newsletter: true,
        terms: true,
        contact_method: 'email',
        experience_years: 12,
      },
    },
    needs: [],
    headline: true,
    quick: true,
  },
  // multipart
  ...(['1k', '10k', '100k'] as const).map((size): Endpoint => ({
    id: `multipart-${size}`,
    family: 'multipart',
    route: '/upload',
    description: `upload a ${size.toUpperCase()}B file with two fields; return fields, size and SHA-256`,
    request: { method: 'POST', path: '/upload', headers: multipart, bodyFile: `multipart/upload-${size}.body` },
    expect: { kind: 'json-file', status: 200, file: `multipart/upload-${size}.expected.json` },
    needs: [],
    headline: size === '100k',
    quick: size === '10k',
  })),
  // mixed
  {
    id: 'mixed-post',
    family: 'mixed',
    route: '/api/v1/users/{id}/posts?publish=true',
    description: 'path + query + JSON body validated together; 201 with the composed post',
    request: {
      method: 'POST',
      path: '/api/v1/users/42/posts?publish=true',
      headers: json,
      bodyFile: 'mixed/post.json',
    },
    expect: {
      kind: 'json',
      status: 201,
      json: {
        user_id: 42,
        published: true,
        title: 'Benchmarks you can trust',
        body:
          'Measure medians of interleaved repeats, never a single run. Pin the server and the load generator to separate cores.',
        tags: ['performance', 'methodology', 'http'],
      },
    },
    needs: [],
    quick: true,
  },
  // sse
  {
    id: 'sse-stream',
    family: 'sse',
    route: '/sse?events=N&interval_ms=M',
    description: 'a finite event stream: 100 events, no interval',
    request: { method: 'GET', path: '/sse?events=100&interval_ms=0' },
    expect: { kind: 'text', status: 200, contentType: 'text/event-stream', text: sseBody(100) },
    needs: ['stream'],
    headline: true,
    quick: true,
  },
  // ws
  {
    id: 'ws-echo',
    family: 'ws',
    route: '/ws',
    description: 'WebSocket echo of text and binary messages',
    request: { method: 'GET', path: '/ws' },
    expect: { kind: 'websocket-echo', messages: [{ text: 'Hello, WebSocket!' }, { binaryBytes: 1024 }] },
    needs: ['websocket'],
    headline: true,
    quick: true,
  },
  // shortener (DESIGN §3; needs Postgres + a cache)
  {
    id: 'shortener-shorten',
    family: 'shortener',
    route: '/api/shorten',
    description: 'create a short code for an http(s) URL',
    request: { method: 'POST', path: '/api/shorten', headers: json, bodyFile: 'shortener/shorten.json' },
    expect: { kind: 'json-shape', status: 201, shape: 'shortened' },
    needs: ['db', 'cache'],
    vary: 'unique-url',
  },
  {
    id: 'shortener-redirect',
    family: 'shortener',
    route: '/{code}',
    description: 'redirect a hot ("celebrity") code through the cache',
    request: { method: 'GET', path: '/celeb01' },
    expect: { kind: 'json-shape', status: 302, shape: 'redirect' },
    needs: ['db', 'cache'],
    headline: true,
    quick: true,
  },
  {
    id: 'shortener-stats',
    family: 'shortener',
    route: '/api/stats/{code}',
    description: "a code's URL and click count",
    request: { method: 'GET', path: '/api/stats/celeb01' },
    expect: { kind: 'json-shape', status: 200, shape: 'stats' },
    needs: ['db', 'cache'],
  },
  // db (DESIGN §3; needs Postgres)
  {
    id: 'db-items',
    family: 'db',
    route: '/db/items?limit&offset',
    description: 'a page of 20 items',
    request: { method: 'GET', path: '/db/items?limit=20&offset=100' },
    expect: { kind: 'json-shape', status: 200, shape: 'items' },
    needs: ['db'],
  },
  {
    id: 'db-item',
    family: 'db',
    route: '/db/items/{id}',
    description: 'one item by id',
    request: { method: 'GET', path: '/db/items/42' },
    expect: { kind: 'json-shape', status: 200, shape: 'item' },
    needs: ['db'],
  },
  {
    id: 'db-create',
    family: 'db',
    route: '/db/items',
    description: 'insert an item',
    request: { method: 'POST', path: '/db/items', headers: json, bodyFile: 'db/item.json' },
    expect: { kind: 'json-shape', status: 201, shape: 'item' },
    needs: ['db'],
  },
  {
    id: 'db-random',
    family: 'db',
    route: '/db/random',
    description: 'TechEmpower db: one random World row',
    request: { method: 'GET', path: '/db/random' },
    expect: { kind: 'json-shape', status: 200, shape: 'world' },
    needs: ['db'],
  },
  {
    id: 'db-queries',
    family: 'db',
    route: '/db/queries?n=',
    description: 'TechEmpower queries: 20 separate random World reads',
    request: { method: 'GET', path: '/db/queries?n=20' },
    expect: { kind: 'json-shape', status: 200, shape: 'worlds' },
    needs: ['db'],
    headline: true,
    quick: true,
  },
  {
    id: 'db-recipes',
    family: 'db',
    route: '/api/v1/recipes?limit',
    description: 'recipes with their ingredients (~3.5 KB response)',
    request: { method: 'GET', path: '/api/v1/recipes?limit=10' },
    expect: { kind: 'json-shape', status: 200, shape: 'recipes' },
    needs: ['db'],
    headline: true,
  },
  // stress
  {
    id: 'stress-cpu',
    family: 'stress',
    route: '/stress/cpu/{n}',
    description: 'count primes below 100,000 by trial division',
    request: { method: 'GET', path: '/stress/cpu/100000' },
    expect: { kind: 'json', status: 200, json: { n: 100000, primes: 9592 } },
    needs: [],
    heavy: true,
    headline: true,
    quick: true,
  },
  {
    id: 'stress-memory',
    family: 'stress',
    route: '/stress/memory/{mb}',
    description: 'allocate 16 MiB and touch every page',
    request: { method: 'GET', path: '/stress/memory/16' },
    expect: { kind: 'json', status: 200, json: { mb: 16, pages: 4096 } },
    needs: [],
    heavy: true,
  },
];

/** The endpoint needs `need`, or reaches it where the target offers it (see Endpoint.uses). */
export const reaches = (e: Endpoint, need: Need): boolean => e.needs.includes(need) || (e.uses ?? []).includes(need);

export const byId = (id: string): Endpoint => {
  const endpoint = catalogue.find((e) => e.id === id);
  if (!endpoint) throw new Error(`no workload ${JSON.stringify(id)} in the catalogue`);
  return endpoint;
};

/** Every family, in the catalogue's order: what a target serves unless it declares fewer. */
export const FAMILIES: readonly Family[] = [...new Set(catalogue.map((e) => e.family))];
