/**
 * WebSockets on uWS's own implementation, behind hono's `upgradeWebSocket` contract (built with
 * `defineWebSocketHelper` and `WSContext`, as hono/bun does). The upgrade route runs the request
 * through the app with an `UpgradeSlot` in `c.env`; the helper leaves the app's events there, and
 * the bridge then upgrades the socket (`res.upgrade`) with them as its user data.
 */
import type { WebSocket, WebSocketBehavior } from 'uws-pack';
import { defineWebSocketHelper, WSContext, type WSEvents } from 'hono/ws';

/** Where the helper leaves the app's events for the bridge. */
export interface UpgradeSlot {
  events: WSEvents<WebSocket<UpgradeSlot>> | undefined;
  url: string;
  protocol: string;
  context?: WSContext<WebSocket<UpgradeSlot>>;
  /** 0 connecting, 1 open, 2 closing, 3 closed (WebSocket.readyState). */
  state: 0 | 1 | 2 | 3;
}

export const UPGRADE = Symbol('uws upgrade');
export type UpgradeEnv = { [UPGRADE]?: UpgradeSlot };

export const upgradeWebSocket = defineWebSocketHelper<WebSocket<UpgradeSlot>>((c, events) => {
  const slot = (c.env as UpgradeEnv | undefined)?.[UPGRADE];
  if (!slot || c.req.header('upgrade')?.toLowerCase() !== 'websocket') return;
  slot.events = events;
  return new Response(null);
});

/** Node 22 has no global CloseEvent. */
const CloseEventClass: typeof CloseEvent = globalThis.CloseEvent ?? class extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
};

const decoder = new TextDecoder();

export interface SocketOptions {
  /** Messages over this close the socket with 1009. */
  maxMessageBytes: number;
  upgrade: NonNullable<WebSocketBehavior<UpgradeSlot>['upgrade']>;
  /** Open sockets, so that a shutdown can close them. */
  open: Set<WebSocket<UpgradeSlot>>;
}

/**
 * uWS's own limit (maxPayloadLength) drops the TCP connection without a close frame (the client
 * sees 1006), so it is set above the contract's limit and the bridge closes with 1009 itself;
 * only messages past this multiple are cut off natively, as soon as their header announces them.
 */
const NATIVE_LIMIT_FACTOR = 16;

function run(slot: UpgradeSlot, handler: () => unknown): void {
  const failed = (err: unknown) => {
    if (!slot.events?.onError) return console.error(err);
    const event = new Event('error') as Event & { error?: unknown };
    event.error = err;
    slot.events.onError(event, slot.context!);
  };
  try {
    const result = handler();
    if (result instanceof Promise) result.catch(failed);
  } catch (err) {
    failed(err);
  }
}

export function websocketBehavior(options: SocketOptions): WebSocketBehavior<UpgradeSlot> {
  return {
    maxPayloadLength: options.maxMessageBytes * NATIVE_LIMIT_FACTOR,
    // An echo must never be dropped: a peer that lets 16 MiB pile up unread is disconnected instead.
    maxBackpressure: 16 * 1024 * 1024,
    closeOnBackpressureLimit: true,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: options.upgrade,
    open(ws) {
      const slot = ws.getUserData();
      slot.state = 1;
      options.open.add(ws);
      slot.context = new WSContext({
        send(source) {
          if (slot.state === 1) ws.send(source, typeof source !== 'string');
        },
        close(code, reason) {
          if (slot.state !== 1) return;
          slot.state = 2;
          ws.end(code ?? 1000, reason ?? '');
        },
        raw: ws,
        get readyState() {
          return slot.state;
        },
        url: slot.url,
        protocol: slot.protocol,
      });
      const onOpen = slot.events?.onOpen;
      if (onOpen) run(slot, () => onOpen(new Event('open'), slot.context!));
    },
    message(ws, message, isBinary) {
      const slot = ws.getUserData();
      if (message.byteLength > options.maxMessageBytes) {
        slot.state = 2;
        ws.end(1009, 'message too big');
        return;
      }
      const onMessage = slot.events?.onMessage;
      if (!onMessage) return;
      // uWS reuses the buffer once this callback returns: binary data is copied, text decoded.
      const data = isBinary ? message.slice(0) : decoder.decode(message);
      run(slot, () => onMessage(new MessageEvent('message', { data }), slot.context!));
    },
    close(ws, code, message) {
      const slot = ws.getUserData();
      slot.state = 3;
      options.open.delete(ws);
      const onClose = slot.events?.onClose;
      const reason = decoder.decode(message);
      if (onClose) run(slot, () => onClose(new CloseEventClass('close', { code, reason }), slot.context!));
    },
  };
}
