/**
 * @module What an operator asks `GET /admin/status` about the background work: the last drain of
 * the cache outbox and the last purge that failed, kept in one small Redis hash (`v1:ops`, fields
 * `lastDrain` and `lastPurgeError`, JSON) by the drain and the purge code. Redis is the one store
 * every isolate and the Cron Trigger share that costs no database statement; without Redis these
 * are unknown (null), and nothing else depends on them.
 */
import type { Redis } from '@upstash/redis/cloudflare';

/** All these functions need of the Redis client. */
export type OpsRedis = Pick<Redis, 'hset' | 'hgetall'>;

export const OPS_KEY = 'v1:ops';

export type LastDrain = {
  /** ISO 8601. */
  at: string;
  applied: number;
  done: boolean;
  /** Outbox rows left after it, and the age of the oldest in seconds. */
  depth: number;
  oldestSeconds: number;
};

export type LastPurgeError = {
  /** ISO 8601. */
  at: string;
  /** What was purging: a request (a write's own purge) or the drain. */
  by: 'request' | 'drain';
  /** Edge tags of the failed purge (their count, not the tags: they name records). */
  tags: number;
  /** `refused`: the platform answered `success: false` or the call failed (rate limits included). */
  reason: 'refused';
};

export type OpsState = { lastDrain: LastDrain | null; lastPurgeError: LastPurgeError | null };

export async function noteDrain(redis: OpsRedis, drain: LastDrain): Promise<void> {
  await redis.hset(OPS_KEY, { lastDrain: JSON.stringify(drain) });
}

export async function notePurgeError(redis: OpsRedis, error: LastPurgeError): Promise<void> {
  await redis.hset(OPS_KEY, { lastPurgeError: JSON.stringify(error) });
}

/** The client parses JSON values itself; a string that is not JSON is read as unknown. */
function field<T>(value: unknown): T | null {
  if (value && typeof value === 'object') return value as T;
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

/** One round trip. */
export async function readOpsState(redis: OpsRedis): Promise<OpsState> {
  const hash = (await redis.hgetall<Record<string, unknown>>(OPS_KEY)) ?? {};
  return { lastDrain: field<LastDrain>(hash.lastDrain), lastPurgeError: field<LastPurgeError>(hash.lastPurgeError) };
}
