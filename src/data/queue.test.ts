/**
 * postgres.js 3.4.9's internal Queue, as patches/postgres+3.4.9.patch leaves it (npm ci applies
 * the patch): a queue that never empties — the idle connections of a pool larger than the load
 * needs — must not grow by one hole per shift (upstream issue porsager/postgres#747: the pool gets
 * slower with every query served until the queue happens to drain). Checked in all three of the
 * package's copies: ESM (Node, Bun, Deno), CommonJS, and Cloudflare's (workerd).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

type Queue<T> = { readonly length: number; push(x: T): T; shift(): T | undefined; remove(x: T): T | null };
type MakeQueue = <T>(initial?: T[]) => Queue<T>;

const esm = new URL('queue.js', import.meta.resolve('postgres'));
const copies: Record<string, () => Promise<MakeQueue>> = {
  esm: async () => (await import(esm.href)).default,
  cf: async () => (await import(new URL('../cf/src/queue.js', esm).href)).default,
  cjs: () => Promise.resolve(createRequire(import.meta.url)(new URL('../cjs/src/queue.js', esm).pathname)),
};

/** An initial array whose copies (the queue's storage: `initial.slice()`, and any later slice of it) are kept. */
function watched(): { initial: unknown[]; storage: () => unknown[] } {
  const copies: unknown[][] = [];
  class Watched extends Array<unknown> {
    override slice(...args: [number?, number?]): unknown[] {
      const copy = super.slice(...args);
      copies.push(copy);
      return copy;
    }
  }
  return { initial: new Watched(), storage: () => copies.at(-1)! };
}

for (const [name, load] of Object.entries(copies)) {
  describe(`postgres.js Queue (${name})`, () => {
    it('keeps its storage bounded when it never empties: 16 connections, 4 in flight, 100,000 queries', async () => {
      const Queue = await load();
      const { initial, storage } = watched();
      const open = Queue<{ id: number; queue?: Queue<unknown> }>(initial as never);
      const busy = Queue<unknown>();
      for (let id = 0; id < 16; id++) open.push({ id });
      const inFlight: { id: number }[] = [];
      for (let n = 0; n < 100_000; n++) {
        // As the pool's handler and move(): shift an idle connection, remove it from its old queue, make it busy.
        const c = open.shift()!;
        assert.equal(open.remove(c), null, 'a shifted connection is no longer queued');
        busy.push(c);
        inFlight.push(c);
        if (inFlight.length === 4) {
          const done = inFlight.shift()!;
          assert.equal(busy.remove(done), done);
          open.push(done);
        }
      }
      assert.equal(open.length, 16 - inFlight.length);
      // Unpatched, the storage holds one hole per query served (100,000 and counting).
      assert.ok(
        storage().length <= 256,
        `open's storage holds ${storage().length} slots for ${open.length} connections`,
      );
    });

    it('stays first in, first out, through compactions, with removals from the middle', async () => {
      const Queue = await load();
      const q = Queue<number>();
      const model: number[] = [];
      let next = 0;
      for (let step = 0; step < 5_000; step++) {
        if (step % 3 !== 2) {
          q.push(next);
          model.push(next++);
        } else assert.equal(q.shift(), model.shift());
        if (step % 17 === 0 && model.length > 2) {
          const x = model[Math.floor(model.length / 2)]!;
          assert.equal(q.remove(x), x);
          model.splice(model.indexOf(x), 1);
        }
        assert.equal(q.length, model.length);
      }
      while (model.length > 0) assert.equal(q.shift(), model.shift());
      assert.equal(q.length, 0);
      assert.equal(q.remove(3), null);
    });
  });
}
