/**
 * The few Deno APIs runtimes/deno.ts uses, for tsc (which has no Deno types). `deno check`
 * checks that file against Deno's real types; this file is never imported by runtime code.
 */
declare namespace Deno {
  interface ServeHandle {
    shutdown(): Promise<void>;
  }
  function serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number; hostname: string }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): ServeHandle;
  const version: { deno: string };
  const env: { get(name: string): string | undefined };
  function exit(code: number): never;
  function addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
}
