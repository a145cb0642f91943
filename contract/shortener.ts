/**
 * The shortener's shared facts: the short-code format, the seeded codes (a fixed function of their
 * number, the same one src/data/seed.sql computes, so load scripts can name any of the 100,000
 * without asking the server), the celebrity codes, and the Redis keys every target uses. Pure.
 *
 * Code i (1…100,000) is n = (i · 2654435761 + 1234567890123) mod 62⁷ in 7 base62 digits, most
 * significant first, alphabet 0-9 A-Z a-z, redirecting to https://example.com/articles/<i>?ref=gauntlet;
 * celeb01…celeb05 redirect to https://example.com/celebrity/<c>.
 */

export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const CODE_LENGTH = 7;
export const CODE = /^[0-9A-Za-z]{7}$/;

export const SEEDED_CODES = 100_000;
export const MULTIPLIER = 2654435761;
export const OFFSET = 1234567890123;
const SPACE = 62 ** CODE_LENGTH; // 3,521,614,606,208

/** Seeded code i (1…SEEDED_CODES). Exact in doubles (k6 has no BigInt need): i · MULTIPLIER + OFFSET < 2⁵³. */
export function seededCode(i: number): string {
  let n = (i * MULTIPLIER + OFFSET) % SPACE;
  let code = '';
  for (let d = 0; d < CODE_LENGTH; d++) {
    code = ALPHABET[n % 62] + code;
    n = Math.floor(n / 62);
  }
  return code;
}

/** The URL seed.sql stores for seeded code i. */
export const seededUrl = (i: number): string => `https://example.com/articles/${i}?ref=gauntlet`;

/** The hot ("celebrity") codes the load scripts hammer, with their URLs. */
export const CELEBRITIES = [1, 2, 3, 4, 5].map((c) => ({
  code: `celeb0${c}`,
  url: `https://example.com/celebrity/${c}`,
}));

/** Redis keys (docs/contract.md): the cached URL, the stampede lock, the click batches. */
export const URL_KEY = (code: string): string => `gauntlet:url:${code}`;
export const LOCK_KEY = (code: string): string => `gauntlet:lock:url:${code}`;
export const PENDING_KEY = 'gauntlet:clicks:pending';
export const PROCESSING_KEY = 'gauntlet:clicks:processing';
