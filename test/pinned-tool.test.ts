/**
 * scripts/k6.sh and scripts/oha.sh (through scripts/pinned-tool.sh): build once into the cache,
 * link, reuse, and fail loudly. Run on a copy of the scripts with fake `go` and `cargo` on PATH, so
 * nothing is built and the repository's own .tools/bin is never touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../targets/table.ts';

const root = mkdtempSync(join(tmpdir(), 'gauntlet-tools-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the scripts in a scratch repo, a cache, and fake builders that log each call. */
function sandbox(name: string, fakes: Record<string, string>) {
  const repo = join(root, name), cache = join(repo, 'cache'), bin = join(repo, 'fakebin');
  mkdirSync(join(repo, 'scripts'), { recursive: true });
  mkdirSync(bin);
  for (const f of ['k6.sh', 'oha.sh', 'pinned-tool.sh']) cpSync(join(ROOT, 'scripts', f), join(repo, 'scripts', f));
  for (const [cmd, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, cmd), `#!/usr/bin/env bash\necho "$*" >> "${repo}/${cmd}.calls"\n${body}\n`);
    chmodSync(join(bin, cmd), 0o755);
  }
  const run = (script: string) =>
    spawnSync('bash', [join(repo, 'scripts', script)], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GAUNTLET_CACHE: cache },
    });
  const calls = (cmd: string) =>
    existsSync(join(repo, `${cmd}.calls`)) ? readFileSync(join(repo, `${cmd}.calls`), 'utf8').trim().split('\n') : [];
  return { repo, cache, run, calls };
}

/** A fake tool binary that reports `version` for both `k6 version` and `oha --version`. */
const fakeTool = (path: string, version: string) =>
  `mkdir -p "$(dirname "${path}")" && printf '#!/bin/sh\\necho "${version}"\\n' > "${path}" && chmod +x "${path}"`;

const goWith = (version: string) => ({
  go: `[ "$1" = version ] && { echo "go version go1.99 linux/amd64"; exit 0; }\n${fakeTool('$GOBIN/k6', version)}`,
});

describe('pinned tool scripts', () => {
  it('k6.sh builds once into the cache, links it, and reuses it', () => {
    const s = sandbox('k6-ok', goWith('k6 v1.8.1 (fake)'));
    const first = s.run('k6.sh');
    assert.equal(first.status, 0, first.stderr);
    const link = join(s.repo, '.tools', 'bin', 'k6');
    assert.equal(first.stdout.trim().split('\n').at(-1), link);
    assert.equal(readlinkSync(link), join(s.cache, 'tools', 'k6-v1.8.1', 'k6'));
    assert.deepEqual(s.calls('go').filter((c) => c.startsWith('install')), ['install go.k6.io/k6@v1.8.1']);
    const second = s.run('k6.sh');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(s.calls('go').filter((c) => c.startsWith('install')).length, 1);
  });

  it('oha.sh installs the pinned crate with --locked into its cache folder', () => {
    const s = sandbox('oha-ok', {
      cargo: `[ "$1" = --version ] && { echo "cargo 1.99.0"; exit 0; }\n` +
        fakeTool('$7/bin/oha', 'oha 1.16.0'),
    });
    const r = s.run('oha.sh');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readlinkSync(join(s.repo, '.tools', 'bin', 'oha')),
      join(s.cache, 'tools', 'oha-1.16.0', 'bin', 'oha'),
    );
    assert.deepEqual(
      s.calls('cargo').filter((c) => c.startsWith('install')).map((c) => c.replace(/--root \S+$/, '--root …')),
      ['install oha --locked --version 1.16.0 --root …'],
    );
  });

  it('fails, naming the cause, when the build fails or builds another version', () => {
    const failing = sandbox('k6-fail', { go: `[ "$1" = version ] && exit 0\nexit 1` });
    const r = failing.run('k6.sh');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /k6\.sh: error: building k6 v1\.8\.1 failed/);
    assert.ok(!existsSync(join(failing.repo, '.tools', 'bin', 'k6')));

    const wrong = sandbox('k6-wrong', goWith('k6 v1.7.0'));
    const w = wrong.run('k6.sh');
    assert.notEqual(w.status, 0);
    assert.match(w.stderr, /does not report k6 v1\.8\.1/);
  });
});
