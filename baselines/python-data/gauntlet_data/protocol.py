"""The shortener's protocol, with no client library (docs/contract.md, "shortener"): the code
alphabet and its sampling, the Redis keys, expiries and Lua scripts, and the flush's pace. Every
target shares these through the one Redis; the asyncio targets use them through
`gauntlet_data.shortener`, Django's sync views and flusher directly.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CODE_LENGTH = 7
CODE = re.compile(r"[0-9A-Za-z]{7}")
ACCEPT_BELOW = 248  # 62 × 4: bytes at or above are rejected, so `byte % 62` is uniform
MAX_ATTEMPTS = 5  # a collision in 62⁷ codes is rare; five in a row means something else is wrong


def url_key(code: str) -> str:
    return f"gauntlet:url:{code}"


def lock_key(code: str) -> str:
    return f"gauntlet:lock:url:{code}"


PENDING_KEY = "gauntlet:clicks:pending"
PROCESSING_KEY = "gauntlet:clicks:processing"
BATCH_FIELD = "#batch"

MISSING = ""  # the cached value of a code that does not exist
URL_TTL_MS = 60_000
MISSING_TTL_MS = 5_000
LOCK_TTL_MS = 2_000
# Pauses between polls while another holder fills the cache (≈ 1 s), then a read of our own.
WAIT_STEPS_S = [0.005, 0.010, 0.020, 0.040] + [0.050] * 19

FLUSH_INTERVAL_S = 0.25
MAX_BATCHES_PER_FLUSH = 3

UNLOCK_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"""

TAKE_LUA = """
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[2], '#batch', ARGV[1])
end
return redis.call('HGETALL', KEYS[2])"""

FINISH_LUA = """
if redis.call('HGET', KEYS[1], '#batch') == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"""


def new_code() -> str:
    """7 base62 characters from the CSPRNG, by rejection sampling (unbiased)."""
    code: list[str] = []
    while True:
        for byte in secrets.token_bytes(16):  # 7 needed; 16 makes a refill rare (P(reject) = 8/256)
            if byte < ACCEPT_BELOW:
                code.append(ALPHABET[byte % 62])
                if len(code) == CODE_LENGTH:
                    return "".join(code)


def normalise(url: str) -> str:
    """The scheme lower-cased (`HTTPS://EXAMPLE.COM/Path` → `https://EXAMPLE.COM/Path`), everything
    after `://` byte for byte as sent."""
    scheme, sep, rest = url.partition("://")
    return scheme.lower() + sep + rest
