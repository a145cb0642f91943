/**
 * Open streams and sockets register here so that a shutdown can end them: a server that
 * stops on SIGTERM must not wait for an SSE stream of 100,000 events or an idle WebSocket.
 */
export interface Lifecycle {
  /** Registers a closer; returns the function that unregisters it (call it when the resource ends). */
  track(close: () => void): () => void;
  /** Runs every registered closer once. */
  closeAll(): void;
  readonly open: number;
}

export function createLifecycle(): Lifecycle {
  const closers = new Set<() => void>();
  return {
    track(close) {
      closers.add(close);
      return () => closers.delete(close);
    },
    closeAll() {
      for (const close of [...closers]) {
        closers.delete(close);
        try {
          close();
        } catch {
          // A resource that is already gone has nothing left to close.
        }
      }
    },
    get open() {
      return closers.size;
    },
  };
}
