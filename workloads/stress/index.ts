/** CPU and memory stress, in the language itself (no native helpers). */
import { Hono } from 'hono';
import { z } from 'zod';
import { compiled } from '../../src/compiled.ts';
import type { Issue } from '../../src/errors.ts';
import { assertValid, check, digits, intText } from '../../src/validation.ts';
import { STRESS_CPU_N, STRESS_MEMORY_MB } from '../../contract/limits.ts';

const cpu = compiled(z.object({ n: digits.pipe(intText(STRESS_CPU_N.min, STRESS_CPU_N.max)) }));
const memory = compiled(z.object({ mb: digits.pipe(intText(STRESS_MEMORY_MB.min, STRESS_MEMORY_MB.max)) }));

/** The count of primes below n, by trial division with odd divisors up to √k. */
export function countPrimes(n: number): number {
  let count = 0;
  for (let k = 2; k < n; k++) {
    if (k === 2) {
      count++;
      continue;
    }
    if (k % 2 === 0) continue;
    let prime = true;
    for (let d = 3; d * d <= k; d += 2) {
      if (k % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

const PAGE = 4096;

/** Allocates mb MiB, writes one byte in every 4 KiB page, returns the number of writes. */
export function touchPages(mb: number): number {
  const block = new Uint8Array(mb * 1024 * 1024);
  let pages = 0;
  for (let offset = 0; offset < block.length; offset += PAGE) {
    block[offset] = 1;
    pages++;
  }
  return pages;
}

export default function stress(): Hono {
  const app = new Hono();

  app.get('/stress/cpu/:n', (c) => {
    const issues: Issue[] = [];
    const p = check(cpu, c.req.param(), issues);
    assertValid(issues);
    return c.json({ n: p!.n, primes: countPrimes(p!.n) });
  });

  app.get('/stress/memory/:mb', (c) => {
    const issues: Issue[] = [];
    const p = check(memory, c.req.param(), issues);
    assertValid(issues);
    return c.json({ mb: p!.mb, pages: touchPages(p!.mb) });
  });

  return app;
}
