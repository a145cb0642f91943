/**
 * Short codes: 7 base62 characters. New ones come from the platform CSPRNG by rejection sampling
 * (unbiased); the seeded ones are a fixed function of their number, the same one seed.sql computes,
 * so load scripts can name any of the 100,000 without asking the server.
 */

export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const CODE_LENGTH = 7;
export const CODE = /^[0-9A-Za-z]{7}$/;

/** The hot codes the load scripts hammer. */
export const CELEBRITY_CODES = ['celeb01', 'celeb02', 'celeb03', 'celeb04', 'celeb05'];
export const SEEDED_CODES = 100_000;

/** 62 × 4: bytes at or above it are rejected, so `byte % 62` is uniform. */
const ACCEPT_BELOW = 248;

export function newCode(): string {
  let code = '';
  const bytes = new Uint8Array(16); // 7 needed; 16 makes a refill rare (P(byte rejected) = 8/256)
  while (code.length < CODE_LENGTH) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte >= ACCEPT_BELOW) continue;
      code += ALPHABET[byte % 62];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return code;
}

const SPACE = 62n ** 7n;

/** Seeded code i (1…100,000): (i × 2654435761 + 1234567890123) mod 62⁷ in 7 base62 digits. */
export function seedCode(i: number): string {
  let n = (BigInt(i) * 2654435761n + 1234567890123n) % SPACE;
  let code = '';
  for (let k = 0; k < CODE_LENGTH; k++) {
    code = ALPHABET[Number(n % 62n)] + code;
    n /= 62n;
  }
  return code;
}

/** The URL seed.sql stores for seeded code i. */
export const seedUrl = (i: number): string => `https://example.com/articles/${i}?ref=gauntlet`;
