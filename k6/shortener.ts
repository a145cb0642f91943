/**
 * The shortener's seeded data as the k6 readers need it, and seed 000's traffic mix. Pure.
 *
 * The codes are those src/data/seed.sql inserts — keep the two in step (test/k6.test.ts reads
 * the constants back out of seed.sql): code i (1…100,000) is
 * n = (i · 2654435761 + 1234567890123) mod 62⁷ in 7 base62 digits, most significant first,
 * alphabet 0-9 A-Z a-z, redirecting to https://example.com/articles/<i>?ref=gauntlet; the five
 * celebrity codes celeb01…celeb05 redirect to https://example.com/celebrity/<c>.
 */
import type { PartSpec } from './plan.ts';

export const SEEDED = 100_000;
export const MULTIPLIER = 2654435761;
export const OFFSET = 1234567890123;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SPACE = 62 ** 7; // 3,521,614,606,208

/** Seeded code i (1…SEEDED). Exact in doubles: i · MULTIPLIER + OFFSET < 2⁵³. */
export function seededCode(i: number): string {
  let n = (i * MULTIPLIER + OFFSET) % SPACE;
  let code = '';
  for (let d = 0; d < 7; d++) {
    code = ALPHABET[n % 62] + code;
    n = Math.floor(n / 62);
  }
  return code;
}

export const seededUrl = (i: number): string => `https://example.com/articles/${i}?ref=gauntlet`;

export const CELEBRITIES = [1, 2, 3, 4, 5].map((c) => ({
  code: `celeb0${c}`,
  url: `https://example.com/celebrity/${c}`,
}));

/**
 * Seed 000's high-concurrency run: writers 10 : broad readers 60 : celebrity readers 30, run at
 * the same time; shares of VUS (closed) or RATE (rate mode).
 */
export const MIX: PartSpec[] = [
  { name: 'writers', workload: 'shortener-shorten', exec: 'write', share: 0.1 },
  { name: 'broad-readers', workload: 'shortener-redirect', exec: 'readBroad', share: 0.6 },
  { name: 'celebrity-readers', workload: 'shortener-redirect', exec: 'readCelebrity', share: 0.3 },
];
