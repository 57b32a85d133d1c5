/**
 * @module L2: Upstash Redis as a cache. One MGET per request reads every key it needs plus the
 * write epoch; values carry a soft expiry so a hot key is refreshed in the background by one
 * request (SET NX PX lock) while the others keep being served. Every failure is a miss.
 */
import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from '../config.ts';
import { cacheKeys } from './keys.ts';

/** What this tier needs of a Redis client: the narrowest slice, so tests can wrap the real one. */
export type RedisClient = Pick<Redis, 'mget' | 'set' | 'pipeline'>;

/** A value as stored: the epoch it was read under, when it should be refreshed, and the value. */
type Stored<T> = { e: number; s: number; v: T };

export type RedisRead<T> = { value: T; stale: boolean } | undefined;

export function createRedis(redis: NonNullable<Config['redis']>): Redis {
  return new Redis({
    url: redis.url,
    token: redis.token,
    // A cache that is slow is worse than none: fail fast and fall through to the database.
    signal: () => AbortSignal.timeout(redis.timeoutMs),
    retry: { retries: 1, backoff: () => 0 },
    // Commands of one request are sent together explicitly (MGET/pipeline), never by accident.
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
}

/** Soft expiry at this fraction of the TTL: the rest of the TTL is served while one request refreshes. */
const SOFT_FRACTION = 0.8;
const LOCK_MS = 5_000;

export class RedisCache {
  constructor(readonly client: RedisClient) {}

  /**
   * One round trip: the epoch and every key. Resolves to the epoch (0 when unset, undefined when
   * Redis failed) and one read per key, undefined for a miss or a value from an older epoch.
   */
  async read<T>(keys: readonly string[]): Promise<{ epoch: number | undefined; values: RedisRead<T>[] }> {
    try {
      const [epoch, ...raw] = await this.client.mget<[number | null, ...Array<Stored<T> | null>]>(cacheKeys.epoch, ...keys);
      const current = Number(epoch ?? 0);
      const now = Date.now();
      return {
        epoch: current,
        values: raw.map((stored) => (stored && stored.e === current ? { value: stored.v, stale: now >= stored.s } : undefined)),
      };
    } catch (error) {
      console.warn(`redis read failed, falling through to the database: ${(error as Error).message}`);
      return { epoch: undefined, values: keys.map(() => undefined) };
    }
  }

  /** Stores values read under `epoch`, all in one pipeline; failures are logged and ignored. */
  async write(entries: ReadonlyArray<{ key: string; value: unknown; ttlSeconds: number }>, epoch: number): Promise<void> {
    if (!entries.length) return;
    const now = Date.now();
    const pipeline = this.client.pipeline();
    for (const { key, value, ttlSeconds } of entries) {
      const stored: Stored<unknown> = { e: epoch, s: now + ttlSeconds * 1000 * SOFT_FRACTION, v: value };
      pipeline.set(key, stored, { ex: ttlSeconds });
    }
    await pipeline.exec().catch((error: Error) => console.warn(`redis write failed: ${error.message}`));
  }

  /** True for the one caller that may refresh `key` for the next few seconds. */
  async acquireRefreshLock(key: string): Promise<boolean> {
    const result = await this.client.set(cacheKeys.lock(key), 1, { nx: true, px: LOCK_MS }).catch(() => null);
    return result === 'OK';
  }

  /** After a write: drop the touched keys and bump the epoch, in one round trip. Throws on failure. */
  async invalidate(keys: readonly string[]): Promise<void> {
    const pipeline = this.client.pipeline();
    if (keys.length) pipeline.del(...keys);
    pipeline.incr(cacheKeys.epoch);
    await pipeline.exec();
  }
}
