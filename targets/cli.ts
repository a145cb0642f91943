/** `npm run target -- <name> [--port P]`: build if needed, then run one target in the foreground. */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { build } from './process.ts';
import { ROOT, targetByName, targets } from './table.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string', default: process.env.PORT ?? '3000' } },
});
const name = positionals[0];
if (!name) {
  console.error(`usage: npm run target -- <name> [--port P]\ntargets: ${targets.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const target = targetByName(name);
build(target);
const [command, ...args] = target.command as [string, ...string[]];
const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PORT: values.port } });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
