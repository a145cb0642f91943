/**
 * Hostile clients beside normal load: the normal traffic (a catalogue workload at a fixed rate) is
 * measured alone, then again beside hundreds of slow-header clients (a header line a second, the
 * request never finished), slow readers of event streams (a stream opened and never read), and
 * bad requests at a fixed share of the normal rate — an oversized header, a malformed header line,
 * a body declared over the 1 MiB limit, malformed JSON — each on its own connection. Then every
 * hostile socket is closed: the target must still answer, and hold no connection from them.
 */
import { connect, type Socket } from 'node:net';
import { byId } from '../../contract/catalogue.ts';
import { declaredFamilies, targetByName } from '../../targets/table.ts';
import type { HostileCell } from '../results/resilience.ts';
import { runFixedRate, single } from './client.ts';
import { percentile } from './rules.ts';
import { catalogueSent } from './soak.ts';
import { answers, openConnections, type ServerOptions, startTarget, unservable } from './server.ts';
import type { Started } from '../../targets/process.ts';

export interface HostileOptions extends ServerOptions {
  workload: string;
  rate: number;
  durationS: number;
  slowHeaderClients: number;
  slowReaders: number;
  /** Bad requests per normal request. */
  badShare: number;
}

/** The bad requests, in turn: what each sends (the status a target may answer is any 4xx, or a close). */
export const BAD_REQUESTS: { name: string; bytes: () => Buffer }[] = [
  {
    name: 'oversized header',
    bytes: () => Buffer.from(`GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(96 * 1024)}\r\n\r\n`),
  },
  { name: 'malformed header', bytes: () => Buffer.from('GET /json HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n') },
  {
    name: 'oversized body',
    // 2 MiB, all of it sent (over the 1 MiB limit: 413, or a close once the limit is read).
    bytes: () =>
      Buffer.concat([
        Buffer.from(
          'POST /json/small HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            `Content-Length: ${2 * 1024 * 1024}\r\n\r\n`,
        ),
        Buffer.alloc(2 * 1024 * 1024, 0x20),
      ]),
  },
  {
    name: 'malformed JSON',
    bytes: () =>
      Buffer.from(
        'POST /json/small HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{not json',
      ),
  },
];

/** Sends one bad request on a fresh connection; resolves to its status, `closed` or `timeout`. */
function badRequest(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let head = '';
    const done = (what: string) => {
      socket.destroy();
      resolve(what);
    };
    socket.setTimeout(3000, () => done('timeout'));
    socket.on('error', () => done(head ? statusOf(head) : 'closed'));
    socket.on('close', () => done(head ? statusOf(head) : 'closed'));
    socket.on('data', (d) => {
      head += d.toString('latin1');
      if (head.includes('\r\n')) done(statusOf(head));
    });
    socket.on('connect', () => socket.write(bytes, () => {}));
  });
}

const statusOf = (head: string) => /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 'closed';

/** Normal traffic's figures from the suite's client. */
async function normal(server: Started, o: HostileOptions) {
  const parts = single(o.workload, catalogueSent(byId(o.workload)));
  const r = await runFixedRate({
    baseUrl: server.baseUrl,
    rate: o.rate,
    durationS: o.durationS,
    connections: 32,
    parts,
  });
  const ok = r.outcomes.filter((x) => x.ok);
  return {
    figures: {
      throughput: ok.length / o.durationS,
      p99Ms: percentile(ok.map((x) => x.endMs - x.intendedMs), 99),
      errorRate: r.outcomes.length ? 1 - ok.length / r.outcomes.length : 1,
    },
    unfinished: r.unfinished,
  };
}

export async function hostileCell(
  target: string,
  o: HostileOptions,
  log: (line: string) => void,
): Promise<HostileCell | { unavailable: string }> {
  let server: Started | undefined;
  const sockets: Socket[] = [];
  let leaving = false;
  try {
    server = await startTarget(target, o);
    const why = await unservable(server, o.workload);
    if (why) return { unavailable: why };
    const port = server.port;
    const without = await normal(server, o);

    // Slow-header clients: the request line and one header, then a header line a second, forever.
    // Closed by the server (a header timeout) before the clients leave.
    let slowHeadersClosed = 0;
    const trickle: Socket[] = [];
    for (let i = 0; i < o.slowHeaderClients; i++) {
      const s = connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      s.on('close', () => {
        if (!leaving) slowHeadersClosed++;
      });
      s.on('connect', () => s.write(`GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n`));
      s.on('data', () => {});
      sockets.push(s);
      trickle.push(s);
    }
    const ticker = setInterval(() => {
      for (const [i, s] of trickle.entries()) if (!s.destroyed) s.write(`X-Slow-${i}: a\r\n`);
    }, 1000);
    // Slow readers: a long event stream opened, then never read (the server meets a full socket).
    const sse = declaredFamilies(targetByName(target)).has('sse') && !targetByName(target).control;
    const slowReaders = sse ? o.slowReaders : 0;
    for (let i = 0; i < slowReaders; i++) {
      const s = connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      s.on('connect', () => {
        s.write(
          'GET /sse?events=100000&interval_ms=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n',
        );
        s.once('data', () => s.pause());
      });
      sockets.push(s);
    }
    // Bad requests at their share of the normal rate, in turn.
    const statuses: Record<string, number> = {};
    const pending: Promise<void>[] = [];
    let sent = 0;
    const badEvery = 1000 / Math.max(o.rate * o.badShare, 0.1);
    const bad = setInterval(() => {
      const kind = BAD_REQUESTS[sent++ % BAD_REQUESTS.length]!;
      pending.push(
        badRequest(port, kind.bytes()).then((status) => {
          const key = `${kind.name}: ${status}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
        }),
      );
    }, badEvery);
    const withHostile = await normal(server, o);
    clearInterval(bad);
    clearInterval(ticker);
    await Promise.all(pending);
    leaving = true;
    for (const s of sockets) s.destroy();
    // The target lets go of every hostile connection (polled, ≤ 5 s).
    let connectionsAfter = openConnections(server.child.pid!, port);
    for (const deadline = performance.now() + 5000; connectionsAfter > 0 && performance.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      connectionsAfter = openConnections(server.child.pid!, port);
    }
    const failures: string[] = [];
    if (!(await answers(server))) failures.push('the target stopped answering');
    if (connectionsAfter > 0) failures.push(`${connectionsAfter} connections still open after every client left`);
    if (withHostile.figures.errorRate > 0) {
      failures.push(`normal traffic had ${(withHostile.figures.errorRate * 100).toFixed(2)} % errors beside them`);
    }
    if (withHostile.unfinished > 0) failures.push(`${withHostile.unfinished} normal requests never answered`);
    const timeouts = Object.entries(statuses).filter(([k]) => k.endsWith(': timeout')).reduce((n, [, c]) => n + c, 0);
    if (timeouts > 0) failures.push(`${timeouts} bad requests got no answer and no close within 3 s`);
    log(
      `  normal ${Math.round(without.figures.throughput)} req/s p99 ${without.figures.p99Ms.toFixed(2)} ms alone, ` +
        `${Math.round(withHostile.figures.throughput)} req/s p99 ${withHostile.figures.p99Ms.toFixed(2)} ms beside ` +
        `${o.slowHeaderClients} slow-header clients, ${slowReaders} slow readers, ${sent} bad requests` +
        (failures.length ? ` — FAILED: ${failures.join('; ')}` : ''),
    );
    return {
      target,
      workload: o.workload,
      rate: o.rate,
      durationS: o.durationS,
      without: without.figures,
      with: withHostile.figures,
      hostile: {
        slowHeaderClients: o.slowHeaderClients,
        slowHeadersClosed,
        slowReaders,
        badRequests: sent,
        badStatuses: statuses,
        connectionsAfter,
      },
      ok: failures.length === 0,
      failures,
    };
  } finally {
    leaving = true;
    for (const s of sockets) s.destroy();
    await server?.stop();
  }
}
