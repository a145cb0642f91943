/**
 * What the bench's command lines share: a usage error that exits 2 with the command's name, and
 * the parsers of their option values (durations, counts, CPU lists), each failing as a usage error.
 */
import { cpus } from 'node:os';
import { parseDuration, parsePositiveInt } from '../../contract/units.ts';
import { parseCpuList } from './cpus.ts';

export interface Args {
  /** Prints `<command>: <message>` and exits 2. */
  fail(message: string): never;
  /** The value, or the usage error with the parser's message. */
  parsed<T>(parse: () => T): T;
  /** `10s`, `1m30s`, `500ms`, or a bare number of seconds, in seconds. */
  seconds(text: string, name: string): number;
  positiveInt(text: string, name: string): number;
  /** A CPU list as Linux writes it (`0`, `1-7,12`), checked and passed on as written. */
  cpuList(text: string, name: string): string;
}

export function args(command: string): Args {
  const fail = (message: string): never => {
    console.error(`${command}: ${message}`);
    process.exit(2);
  };
  const parsed = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      return fail((err as Error).message);
    }
  };
  return {
    fail,
    parsed,
    seconds: (text, name) =>
      parsed(() => parseDuration(`--${name}`, /^[0-9]+(\.[0-9]+)?$/.test(text) ? `${text}s` : text)) / 1000,
    positiveInt: (text, name) => parsed(() => parsePositiveInt(`--${name}`, text)),
    cpuList: (text, name) =>
      parsed(() => {
        try {
          parseCpuList(text);
        } catch (err) {
          throw new Error(`--${name}: ${(err as Error).message}`);
        }
        return text;
      }),
  };
}

/** Every core but the first for the generator (core 0 is the server's); on one core, that core. */
export function defaultGeneratorCores(cores = cpus().length): string {
  return cores > 1 ? `1${cores > 2 ? `-${cores - 1}` : ''}` : '0';
}

/** A run id's time stamp: 20261130-171544. */
export const stamp = (now: Date): string => now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
