/**
 * Between benchmark cells on real services: the shortener's cache entries outlive a target by up
 * to 60 s, so one target would find the cache warmed by the one before. They are deleted before
 * each shortener cell; the click counts waiting to be applied (`gauntlet:clicks:*`) never are.
 */
import { Redis } from 'ioredis';

export async function clearShortenerCache(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await redis.connect();
  let deleted = 0;
  try {
    for (const pattern of ['gauntlet:url:*', 'gauntlet:lock:url:*']) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
