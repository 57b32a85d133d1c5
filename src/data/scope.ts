/** @module What the data-access functions get from the request (or scheduled run) they serve. */

import type { Coalescer } from '../cache/coalesce.ts';
import type { MemoryCache } from '../cache/memory.ts';
import type { RedisRecords } from '../cache/redis.ts';
import type { IssuerDids } from '../credentials/issuer-dids.ts';
import type { Database } from '../db/client.ts';
import type { QueryMeter } from '../db/meter.ts';
import { newQueryMeter } from '../db/meter.ts';
import type { AssertionRecord } from '../db/records.ts';
import type { EdgePurge } from '../edge/purge.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { Config } from '../platform/config.ts';
import type { RemoteFetcher } from '../remote/fetcher.ts';

/** The record caches, nearest first; a tier that is off is absent. */
export type Tiers = { l1?: MemoryCache; redis?: RedisRecords };

/** A status list that a write changed: its bits (a revoke), or its existence (the award on its first position allocates it). */
export type ChangedStatusList = { issuerId: string; listNumber: number; revoked: boolean; allocated: boolean };

/**
 * All that applying a write needs from the status lists (`data/signing/status-lists.ts` provides
 * it): given to the write path rather than imported, since building a list may itself write (an
 * issuer's first key).
 */
export type StatusListUpkeep = {
  /** The lists the changed awards touch. */
  changed(assertions: readonly AssertionRecord[]): ChangedStatusList[];
  /** Re-signs and keeps them; false when one could not be kept. */
  refresh(scope: DataScope, assertions: readonly AssertionRecord[]): Promise<boolean>;
  /** Notes in this isolate whether Redis took them. */
  noteKept(scope: DataScope, lists: readonly ChangedStatusList[], kept: boolean): void;
};

/** What data access needs of the isolate's dependencies (`platform/deps.ts` builds them). */
export type DataDeps = {
  config: Config;
  urls: PublicUrls;
  /** How OB 3.0 documents name their issuers and keys. */
  dids: IssuerDids;
  /** Primary: writes, the outbox, and reads Redis could not fence. */
  db: Database;
  /** Replica when configured, else the primary: public reads behind a Redis that answered. */
  readDb: Database;
  tiers: Tiers;
  /** Concurrent loads of the same records in this isolate share one call (on even with L1 off). */
  inFlight: Coalescer;
  statusLists: StatusListUpkeep;
  /** The one way to other issuers' documents (`remote/session.ts` opens one session per verification on it). */
  remote: RemoteFetcher;
};

/** The data tiers, nearest first. */
export type DataTier = 'l1' | 'redis' | 'db';

/** What the caches did for this request, for Server-Timing and X-Cache. */
export type CacheTrace = {
  /** Tiers that supplied at least one record. */
  served: Set<DataTier>;
  redisRequests: number;
  redisMilliseconds: number;
  /** Requests to other issuers' hosts, redirect hops included. */
  remoteFetches: number;
  /** Edge purges sent for this request (background ones included), and how many failed. */
  purges: number;
  purgeFailures: number;
};

/** What work after the answer did on a request's behalf (write-backs, outbox settle, drains): for its metrics. */
export type AfterWork = { meter: QueryMeter; cache: CacheTrace };

export type DataScope = {
  deps: DataDeps;
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
  /** Where background scopes made from this one count their work (shared down the chain). */
  after?: AfterWork | undefined;
};

export const newCacheTrace = (): CacheTrace => ({
  served: new Set(),
  redisRequests: 0,
  redisMilliseconds: 0,
  remoteFetches: 0,
  purges: 0,
  purgeFailures: 0,
});

export const newDataScope = (
  deps: DataDeps,
  waitUntil: DataScope['waitUntil'],
  purge?: EdgePurge,
  options: { storedAtEdge?: boolean; after?: AfterWork | undefined } = {},
): DataScope => ({
  deps,
  // A background scope counts into the work-after-the-answer of the scope it came from.
  meter: options.after?.meter ?? newQueryMeter(),
  cache: options.after?.cache ?? newCacheTrace(),
  waitUntil,
  purge,
  readsL1: options.storedAtEdge ? undefined : deps.tiers.l1,
  after: options.after,
});

/** Runs `work` after the answer; a failure is reported (nobody waits for it), never thrown. */
export function inBackground(scope: DataScope, what: string, work: Promise<unknown>): void {
  scope.waitUntil(
    work.catch((error: unknown) => console.warn(`background ${what} failed: ${error instanceof Error ? error.message : String(error)}`)),
  );
}
