import assert from 'node:assert/strict';
import { type Case, closeCodeOfSlowMessage, nextEvent, openSocket } from '../../conformance/harness.ts';

const MiB = 1024 * 1024;

async function echo(socket: WebSocket, message: string | Uint8Array): Promise<void> {
  socket.send(message);
  const event = await nextEvent(socket, 10_000);
  assert.ok(event instanceof MessageEvent, `expected an echo, got close ${(event as CloseEvent).code}`);
  if (typeof message === 'string') assert.equal(event.data, message);
  else assert.deepEqual(new Uint8Array(event.data as ArrayBuffer), message);
}

async function expectClose(socket: WebSocket, message: string | Uint8Array, code: number): Promise<void> {
  socket.send(message);
  const event = await nextEvent(socket, 10_000);
  assert.ok(event instanceof CloseEvent, 'expected the socket to close');
  assert.equal(event.code, code);
}

export const cases: Case[] = [
  {
    name: 'ws: text, UTF-8, empty and binary messages echo unchanged, in order',
    needs: ['websocket'],
    async run(ctx) {
      const socket = await openSocket(ctx);
      await echo(socket, 'hello');
      await echo(socket, 'naïve ✓ 🚀');
      await echo(socket, '');
      await echo(socket, new Uint8Array([0, 1, 2, 253, 254, 255]));
      await echo(socket, new Uint8Array(0));
      socket.close(1000);
    },
  },
  {
    name: 'ws: a binary message of exactly 1 MiB echoes',
    needs: ['websocket'],
    async run(ctx) {
      const socket = await openSocket(ctx);
      await echo(socket, new Uint8Array(MiB).map((_, i) => i & 0xff));
      socket.close(1000);
    },
  },
  {
    name: 'ws: a binary message over 1 MiB closes with 1009',
    needs: ['websocket'],
    async run(ctx) {
      await expectClose(await openSocket(ctx), new Uint8Array(MiB + 1), 1009);
    },
  },
  {
    name: 'ws: a 2 MiB message sent slowly, as from a browser, gets the 1009 close frame before the socket ends',
    needs: ['websocket'],
    wire: true,
    async run(ctx) {
      assert.equal(await closeCodeOfSlowMessage(ctx, 2 * MiB), 1009);
    },
  },
  {
    name: 'ws: a text message over 1 MiB (in UTF-8 bytes) closes with 1009',
    needs: ['websocket'],
    async run(ctx) {
      await expectClose(await openSocket(ctx), '✓'.repeat(MiB / 3 + 1), 1009);
    },
  },
  {
    name: 'ws: concurrent sockets each get their own echoes',
    needs: ['websocket'],
    async run(ctx) {
      const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(ctx)));
      await Promise.all(sockets.map(async (socket, i) => {
        for (let j = 0; j < 10; j++) await echo(socket, `socket ${i} message ${j}`);
        socket.close(1000);
      }));
    },
  },
];
