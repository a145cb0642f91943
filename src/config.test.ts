import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:3000 with no data services', () => {
    assert.deepEqual(loadConfig({}), {
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      data: true,
      workers: 1,
    });
  });
  it('reads PORT, HOST and the service URLs', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@h/db',
      REDIS_URL: 'redis://h:1',
    });
    assert.deepEqual(config, {
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@h/db',
      redisUrl: 'redis://h:1',
      data: true,
      workers: 1,
    });
    assert.equal(loadConfig({ GAUNTLET_DATA: 'off' }).data, false);
  });
  it('fails naming the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ REDIS_URL: 'not a url' }), /REDIS_URL/);
    assert.throws(() => loadConfig({ GAUNTLET_DATA: 'no' }), /GAUNTLET_DATA/);
    for (const bad of ['0', '-1', '2.5', 'two', '2000']) assert.throws(() => loadConfig({ WORKERS: bad }), /WORKERS/);
  });
  it('reads WORKERS; above 1 the data layer must be on services, never embedded', () => {
    const services = { DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:1' };
    assert.equal(loadConfig({ WORKERS: '' }).workers, 1);
    assert.equal(loadConfig({ WORKERS: '4', ...services }).workers, 4);
    assert.equal(loadConfig({ WORKERS: '2', GAUNTLET_DATA: 'off' }).workers, 2);
    assert.throws(() => loadConfig({ WORKERS: '2' }), /WORKERS=2 needs DATABASE_URL and REDIS_URL/);
    assert.throws(() => loadConfig({ WORKERS: '2', DATABASE_URL: services.DATABASE_URL }), /REDIS_URL/);
  });
});
