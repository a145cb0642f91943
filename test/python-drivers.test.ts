/**
 * The Python baselines load a data driver only when its service is configured, as the TS targets
 * do (src/data/open.ts): a server started without DATABASE_URL carries no asyncpg or psycopg, one
 * without REDIS_URL no redis-py. Before, each imported its drivers at start whatever the
 * configuration (9–16 MB per process that a run without services measured in the Python rows only).
 *
 * Each check imports a baseline's app in its own venv (built by its build.sh, as serve.sh does) and
 * reads `sys.modules`; nothing connects. Skipped where python3 is not on the PATH.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { onPath } from '../bench/measure/machine.ts';
import { ROOT } from '../targets/table.ts';

const DRIVERS = ['asyncpg', 'hiredis', 'psycopg', 'psycopg_binary', 'redis'];
/** Services that are never reached: the pools connect on demand, and nothing here asks them to. */
const CONFIGURED = {
  DATABASE_URL: 'postgres://gauntlet:gauntlet@127.0.0.1:9/gauntlet',
  REDIS_URL: 'redis://127.0.0.1:9',
};

/** Runs `code` in the baseline's venv, from its folder, and returns the drivers it left loaded. */
function driversAfter(baseline: string, code: string, env: Record<string, string> = {}): string[] {
  const dir = `${ROOT}baselines/${baseline}`;
  const build = spawnSync('bash', [`${dir}/build.sh`], { encoding: 'utf8' });
  assert.equal(build.status, 0, `${baseline}/build.sh: ${build.stderr}`);
  const { DATABASE_URL: _db, REDIS_URL: _cache, ...inherited } = process.env;
  const script = `${code}
import json, sys
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(${JSON.stringify(DRIVERS)}))))`;
  const run = spawnSync(`${dir}/.venv/bin/python`, ['-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...inherited, PYTHONPATH: `.:${ROOT}baselines/python-data`, ...env },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `${baseline}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
}

const DJANGO = { DJANGO_SETTINGS_MODULE: 'gauntlet.settings' };
/** What a gunicorn worker loads: the WSGI app, the URLs (so every view) and the click flusher's module. */
const DJANGO_APP = 'import gauntlet.wsgi, gauntlet.urls, api.clicks';

/** The data layer's start, as each app's lifespan runs it, then its stop. */
const openData = (cache: boolean) =>
  `import asyncio
from gauntlet_data.data import Data
async def main():
    data = await Data.open(cache=${cache ? 'True' : 'False'})
    await data.close()
asyncio.run(main())`;

describe('the Python baselines load their drivers only when configured', { skip: !onPath('python3') }, () => {
  for (const baseline of ['python-fastapi', 'python-starlette', 'python-robyn', 'python-spikard']) {
    it(`${baseline}: its app, without DATABASE_URL and REDIS_URL, loads none`, () => {
      assert.deepEqual(driversAfter(baseline, 'import app'), []);
    });
  }
  it('python-django: its worker, without DATABASE_URL and REDIS_URL, loads none', () => {
    assert.deepEqual(driversAfter('python-django', DJANGO_APP, DJANGO), []);
  });

  it('gauntlet_data opens asyncpg with DATABASE_URL and redis-py with REDIS_URL, and nothing without them', () => {
    assert.deepEqual(driversAfter('python-fastapi', openData(true)), []);
    assert.deepEqual(driversAfter('python-fastapi', openData(true), CONFIGURED), ['asyncpg', 'hiredis', 'redis']);
    // A target without Redis (cache=False) reads no REDIS_URL, and its venv may have no redis-py.
    assert.deepEqual(driversAfter('python-robyn', openData(false), CONFIGURED), ['asyncpg']);
  });

  it("python-django's worker opens redis-py with REDIS_URL", () => {
    assert.deepEqual(driversAfter('python-django', DJANGO_APP, { ...DJANGO, ...CONFIGURED }), ['hiredis', 'redis']);
  });
});
