/** @module The Upstash Redis client, tuned to be a cache: a short timeout and one retry at most. */
import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from '../config.ts';

export function createRedis(redis: NonNullable<Config['redis']>): Redis {
  return new Redis({
    url: redis.url,
    token: redis.token,
    // A cache that is slow is worse than none: fail fast and fall through to the database.
    signal: () => AbortSignal.timeout(redis.timeoutMs),
    retry: { retries: 1, backoff: () => 0 },
    // Commands of one request are sent together explicitly (pipeline/MGET), never by accident.
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
}
