/**
 * New short codes: 7 base62 characters from the platform CSPRNG by rejection sampling (unbiased).
 * The format and the seeded codes are the contract's (contract/shortener.ts).
 */
import { ALPHABET, CODE_LENGTH } from '../../contract/shortener.ts';

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
