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
    });
    assert.equal(loadConfig({ GAUNTLET_DATA: 'off' }).data, false);
  });
  it('fails naming the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ REDIS_URL: 'not a url' }), /REDIS_URL/);
    assert.throws(() => loadConfig({ GAUNTLET_DATA: 'no' }), /GAUNTLET_DATA/);
  });
});
