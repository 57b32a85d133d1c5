/** @module What the data-access functions get from the request they serve. */
import type { QueryMeter } from '../db/meter.ts';
import type { Deps } from '../deps.ts';

/** The data tiers, nearest first. */
export type DataTier = 'l1' | 'redis' | 'db';

/** What the caches did for this request, for Server-Timing and X-Cache. */
export type CacheTrace = {
  /** Tiers that supplied at least one record. */
  served: Set<DataTier>;
  redisRequests: number;
  redisMilliseconds: number;
  /** Set when the response went through the edge tier. */
  edge?: 'fresh' | 'stale' | 'miss';
};

export type DataScope = {
  deps: Deps;
  meter: QueryMeter;
  cache: CacheTrace;
  /**
   * False while rendering a response for the edge tier: what the edge stores is shared by every
   * isolate in the data centre, so it is built from Redis or the database, never from this
   * isolate's L1 (which may lag a write made elsewhere by up to its TTL).
   */
  readL1: boolean;
  /** Work that may finish after the response (cache write-backs and refreshes). */
  waitUntil(work: Promise<unknown>): void;
};

export const newCacheTrace = (): CacheTrace => ({ served: new Set(), redisRequests: 0, redisMilliseconds: 0 });
