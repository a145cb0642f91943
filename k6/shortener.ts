/** Seed 000's traffic mix for the shortener; the seeded codes themselves are the contract's. Pure. */
import type { PartSpec } from './plan.ts';

/**
 * Seed 000's high-concurrency run: writers 10 : broad readers 60 : celebrity readers 30, run at
 * the same time; shares of VUS (closed) or RATE (rate mode).
 */
export const MIX: PartSpec[] = [
  { name: 'writers', workload: 'shortener-shorten', exec: 'write', share: 0.1 },
  { name: 'broad-readers', workload: 'shortener-redirect', exec: 'readBroad', share: 0.6 },
  { name: 'celebrity-readers', workload: 'shortener-redirect', exec: 'readCelebrity', share: 0.3 },
];
