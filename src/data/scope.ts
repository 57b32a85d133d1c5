/** @module What the data-access functions get from the request (or scheduled run) they serve. */

import type { MemoryCache } from '../cache/memory.ts';
import type { EdgePurge } from '../cache/purge.ts';
import type { QueryMeter } from '../db/meter.ts';
import { newQueryMeter } from '../db/meter.ts';
import type { Deps } from '../deps.ts';

/** The data tiers, nearest first. */
export type DataTier = 'l1' | 'redis' | 'db';

/** What the caches did for this request, for Server-Timing and X-Cache. */
export type CacheTrace = {
  /** Tiers that supplied at least one record. */
  served: Set<DataTier>;
  redisRequests: number;
  redisMilliseconds: number;
};

export type DataScope = {
  deps: Deps;
  meter: QueryMeter;
  cache: CacheTrace;
  /** Work that may finish after the response (cache write-backs, outbox settling). */
  waitUntil(work: Promise<unknown>): void;
  /** Purges the edge by tag; absent where no edge cache is in front of the Worker. */
  purge?: EdgePurge | undefined;
  /**
   * The isolate memory this request may answer from. Absent when the answer goes into a shared
   * edge cache: there an isolate's L1 (up to its lifetime behind another isolate's write) could
   * refill a just-purged entry with old data for the edge's whole lifetime.
   */
  readsL1?: MemoryCache | undefined;
  /** Set by a write answered from an earlier write under the same `Idempotency-Key` (nothing was written). */
  replayed?: boolean;
};

export const newCacheTrace = (): CacheTrace => ({ served: new Set(), redisRequests: 0, redisMilliseconds: 0 });

export const newDataScope = (
  deps: Deps,
  waitUntil: DataScope['waitUntil'],
  purge?: EdgePurge,
  options: { storedAtEdge?: boolean } = {},
): DataScope => ({
  deps,
  meter: newQueryMeter(),
  cache: newCacheTrace(),
  waitUntil,
  purge,
  readsL1: options.storedAtEdge ? undefined : deps.tiers.l1,
});

/** Runs `work` after the answer; a failure is reported (nobody waits for it), never thrown. */
export function inBackground(scope: DataScope, what: string, work: Promise<unknown>): void {
  scope.waitUntil(
    work.catch((error: unknown) => console.warn(`background ${what} failed: ${error instanceof Error ? error.message : String(error)}`)),
  );
}
