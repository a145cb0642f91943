/** What produced the figures: the machine, and every runtime, tool and library version. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { BUN, DENO, NODE, NODE22, ROOT } from '../../targets/table.ts';
import type { RunMeta } from '../results/schema.ts';

/** What a command prints on stdout, whatever its exit status (`wrk -v` exits 1); 'unavailable' if nothing. */
export const run = (command: string, args: string[]): string => {
  const r = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 30_000,
  });
  return r.error || !r.stdout?.trim() ? 'unavailable' : r.stdout.trim();
};

/** Whether a command is on the PATH. */
export const onPath = (tool: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

export const K6 = `${ROOT}.tools/bin/k6`;
export const OHA = `${ROOT}.tools/bin/oha`;
export const WRK = `${ROOT}.tools/bin/wrk`;
export const LOADGEN = `${ROOT}.tools/bin/loadgen`;

/** What lscpu says of the CPU and its topology (vendor, family/model/stepping, flags, hypervisor…). */
const LSCPU_FIELDS = [
  'Vendor ID',
  'CPU family',
  'Model',
  'Stepping',
  'Thread(s) per core',
  'Core(s) per socket',
  'Socket(s)',
  'NUMA node(s)',
  'Hypervisor vendor',
  'Virtualization type',
  'CPU max MHz',
  'BogoMIPS',
  'L1d cache',
  'L2 cache',
  'L3 cache',
  'Flags',
];

/** lscpu --json's fields (nested in `children` on newer util-linux), `field:` → data. */
export function lscpuFields(json: string): Record<string, string> {
  const out: Record<string, string> = {};
  type Entry = { field: string; data: string | null; children?: Entry[] };
  const walk = (entries: Entry[]) => {
    for (const e of entries) {
      const name = e.field.replace(/:$/, '');
      if (LSCPU_FIELDS.includes(name) && e.data !== null) out[name] = e.data;
      if (e.children) walk(e.children);
    }
  };
  try {
    walk((JSON.parse(json) as { lscpu: Entry[] }).lscpu);
  } catch {
    // No lscpu, or output we cannot read: the model from Node stays the record.
  }
  return out;
}

export function machine(): RunMeta['machine'] {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    kernel: release(),
    memoryBytes: totalmem(),
    os: /PRETTY_NAME="([^"]+)"/.exec(osRelease)?.[1] ?? 'unknown',
    cpu: lscpuFields(run('lscpu', ['--json'])),
  };
}

/**
 * The packages actually installed in each Python baseline's venv (`pip list`), which is what ran:
 * requirements pin them, but a venv built by hand may differ.
 */
export function pythonPackages(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const dir = `${ROOT}baselines`;
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const python = `${dir}/${name}/.venv/bin/python`;
    if (!existsSync(python)) continue;
    const listed = run(python, ['-m', 'pip', 'list', '--format=freeze', '--disable-pip-version-check']);
    out[name] = listed === 'unavailable' ? [] : listed.split('\n').map((l) => l.trim()).filter(Boolean);
  }
  return out;
}

const packageVersion = (name: string): string => {
  try {
    return JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'not installed';
  }
};

/** `name = "x"\nversion = "1.2.3"` entries of a Cargo.lock. */
const lockedCrate = (lock: string, name: string): string =>
  new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock)?.[1] ?? 'unknown';

const pinnedPython = (requirements: string, name: string): string =>
  new RegExp(`^${name}==(\\S+)`, 'mi').exec(requirements)?.[1] ?? 'unknown';

export function versions(): Record<string, string> {
  const cargoLock = existsSync(`${ROOT}baselines/rust-axum/Cargo.lock`)
    ? readFileSync(`${ROOT}baselines/rust-axum/Cargo.lock`, 'utf8')
    : '';
  const requirements = existsSync(`${ROOT}baselines/python-fastapi/requirements.txt`)
    ? readFileSync(`${ROOT}baselines/python-fastapi/requirements.txt`, 'utf8')
    : '';
  const out: Record<string, string> = {
    orchestrator: `node ${process.version}`,
    node: run(NODE, ['--version']),
    node22: run(NODE22, ['--version']),
    bun: run(BUN, ['--version']),
    deno: run(DENO, ['--version']).split('\n')[0] ?? 'unavailable',
    rustc: run('rustc', ['--version']),
    python: run('python3', ['--version']),
    k6: run(K6, ['version']).split('\n')[0] ?? 'unavailable',
    oha: run(OHA, ['--version']),
    wrk: run(WRK, ['-v']).split('\n')[0]?.split(' Copyright')[0] ?? 'unavailable',
  };
  for (
    const name of ['hono', '@hono/node-server', 'ws', 'zod', 'postgres', 'ioredis', '@electric-sql/pglite', 'uws-pack']
  ) {
    out[name] = packageVersion(name);
  }
  for (const crate of ['axum', 'tokio', 'hyper', 'serde_json', 'tokio-postgres', 'deadpool-postgres', 'redis']) {
    const v = lockedCrate(cargoLock, crate);
    if (v !== 'unknown') out[`rust:${crate}`] = v;
  }
  for (const pkg of ['fastapi', 'uvicorn', 'uvloop', 'httptools', 'pydantic', 'orjson', 'asyncpg', 'redis']) {
    const v = pinnedPython(requirements, pkg);
    if (v !== 'unknown') out[`python:${pkg}`] = v;
  }
  return out;
}

/** The commit, and whether tracked files differ from it (the run's own untracked results do not count). */
export function gitState(cwd = ROOT): RunMeta['git'] {
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const head = git('rev-parse', 'HEAD'), status = git('status', '--porcelain', '--untracked-files=no');
  return {
    commit: head.status === 0 ? head.stdout.trim() : 'unavailable',
    dirty: status.status !== 0 || status.stdout.trim() !== '',
  };
}
