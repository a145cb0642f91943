/** WebSocket echo: every text and binary message back unchanged; over 1 MiB closes with 1009. */
import { Hono } from 'hono';
import type { WSContext } from 'hono/ws';
import type { AppDeps } from '../../src/deps.ts';
import { MAX_MESSAGE_BYTES } from '../../contract/limits.ts';

const encoder = new TextEncoder();

/** UTF-8 size of a text message, without encoding it when its UTF-16 length already decides. */
const textBytes = (s: string): number =>
  s.length * 3 <= MAX_MESSAGE_BYTES || s.length > MAX_MESSAGE_BYTES ? s.length : encoder.encode(s).length;

export default function ws(deps: AppDeps): Hono {
  const app = new Hono();

  app.get(
    '/ws',
    deps.upgradeWebSocket(() => {
      let untrack = () => {};
      return {
        onOpen(_event: Event, socket: WSContext) {
          untrack = deps.lifecycle.track(() => socket.close(1001, 'server shutting down'));
        },
        async onMessage(event: MessageEvent, socket: WSContext) {
          let data = event.data as string | ArrayBuffer | Blob;
          if (data instanceof Blob) data = await data.arrayBuffer();
          const size = typeof data === 'string' ? textBytes(data) : data.byteLength;
          if (size > MAX_MESSAGE_BYTES) socket.close(1009, 'message too big');
          else socket.send(data);
        },
        onClose() {
          untrack();
        },
      };
    }),
  );

  return app;
}
