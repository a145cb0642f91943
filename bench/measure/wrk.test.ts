/**
 * bench/measure/wrk.lua varies requests as the catalogue says (a URL never sent before). Runs wrk for a second
 * against a local server that records what it receives (skipped where wrk is not installed;
 * .ci/run installs it).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { byId } from '../../contract/catalogue.ts';
import { ROOT } from '../../targets/table.ts';
import { varyEnv } from './drivers.ts';
import { WRK } from './machine.ts';

async function underWrk(workload: string): Promise<{ paths: string[]; bodies: string[] }> {
  const paths: string[] = [], bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      paths.push(req.url!);
      if (body) bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const endpoint = byId(workload);
  const env = {
    ...process.env,
    ...varyEnv(endpoint),
    WRK_METHOD: endpoint.request.method,
    WRK_BODY: endpoint.request.bodyFile ? `${ROOT}workloads/${endpoint.request.bodyFile}` : '',
    WRK_HEADERS: '',
    WRK_JSON: join(mkdtempSync(join(tmpdir(), 'gauntlet-wrk-')), 'wrk.json'),
  };
  // wrk runs while this process serves it, so not spawnSync.
  const child = spawn(WRK, [
    '-t',
    '2',
    '-c',
    '4',
    '-d',
    '1s',
    '-s',
    `${ROOT}bench/measure/wrk.lua`,
    `http://127.0.0.1:${port}${endpoint.request.path}`,
  ], {
    env,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  assert.equal(code, 0, stderr);
  return { paths, bodies };
}

describe('wrk.lua', { skip: existsSync(WRK) ? false : 'wrk is not installed (bash scripts/wrk.sh)' }, () => {
  it('shortens a URL never sent before, in the catalogue body shape', async () => {
    const { paths, bodies } = await underWrk('shortener-shorten');
    assert.ok(bodies.length > 100, `${bodies.length} requests`);
    assert.equal(new Set(bodies).size, bodies.length, 'every URL distinct');
    for (const body of bodies.slice(0, 20)) {
      assert.match(JSON.parse(body).url, /^https:\/\/example\.com\/gauntlet\/wrk\//);
    }
    assert.deepEqual([...new Set(paths)], ['/api/shorten']);
  });
  it('sends the fixed request as is when the catalogue does not vary it', async () => {
    const { paths } = await underWrk('shortener-redirect');
    assert.deepEqual([...new Set(paths)], ['/celeb01']);
  });
});
