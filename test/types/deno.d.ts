/**
 * The few Deno APIs runtimes/deno.ts and runtimes/workers.ts use, for tsc (which has no Deno types). `deno check`
 * checks that file against Deno's real types; this file is never imported by runtime code.
 */
declare namespace Deno {
  interface ServeHandle {
    shutdown(): Promise<void>;
  }
  function serve(
    options: {
      port: number;
      hostname: string;
      reusePort?: boolean;
      onListen?: (addr: { port: number; hostname: string }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): ServeHandle;
  const version: { deno: string };
  const mainModule: string;
  function execPath(): string;
  class Command {
    constructor(
      command: string,
      options: { args: string[]; env: Record<string, string>; stdout: 'inherit'; stderr: 'inherit' },
    );
    spawn(): { pid: number; kill(signal: 'SIGTERM'): void; status: Promise<{ code: number; signal: string | null }> };
  }
  const permissions: {
    querySync(descriptor: { name: 'net' | 'env' | 'read' | 'write' | 'sys' | 'ffi' }): { state: string };
  };
  const env: { get(name: string): string | undefined };
  function exit(code: number): never;
  function addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
}
