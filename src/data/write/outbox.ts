/**
 * @module Applying committed writes to the caches. A write's own statement records outbox rows;
 * right after the commit its records are written through (L1 of this isolate, then Redis with a
 * compare-and-set), the edge is purged by tag (twice, see `purgeTwice`) and the rows settled.
 * Rows that stay (Redis down, a purge refused, isolate gone) are applied
 * again by `drainOutbox`: on a Cron Trigger every minute, after later writes, and as soon as an
 * isolate that saw Redis fail sees it answer again.
 */

import { loadPendingOutbox, type OutboxEntry, settleOutbox } from '../../db/outbox.ts';
import { loadRecordsOf } from '../../db/queries.ts';
import { cacheTags } from '../../edge/headers.ts';
import { readQuery } from '../query.ts';
import { type DataScope, inBackground, newDataScope } from '../scope.ts';
import { type Found, keepInL1, writeToRedis } from '../tiers.ts';

/** What a write reports about the caches: `pending` = committed, and waiting in the outbox for that tier. */
export type CacheUpdate = { redis: 'done' | 'pending' | 'off'; edge: 'done' | 'pending' | 'off' };

/** A writing isolate drains others' leftovers at most this often (one statement when there are none). */
const DRAIN_AFTER_WRITE_EVERY_MS = 30_000;
const DRAIN_BATCH = 500;

const entryOf = (found: Found): OutboxEntry => ({ kind: found.kind, id: found.record.id, version: found.record.version });

const settle = (scope: DataScope, entries: OutboxEntry[]) => readQuery(scope, (db) => settleOutbox(db, entries), scope.deps.db);

/** Work after the answer gets its own scope: its statements are not the request's (Server-Timing). */
const background = (scope: DataScope) =>
  newDataScope(scope.deps, scope.waitUntil, scope.purge, { storedAtEdge: !scope.readsL1, after: scope.after });

/**
 * The edge tags of what changed. A new record (version 1) has nothing cached at the edge (404s
 * are never stored there), so only changes purge; a revoke also changes its issuer's revocation list.
 */
function edgeTags({ statusLists }: DataScope['deps'], changed: readonly Found[]): string[] {
  const tags = changed.flatMap((found) => {
    if (found.record.version <= 1) return [];
    if (found.kind === 'assertion') return [cacheTags.assertion(found.record.id), cacheTags.revocations(found.record.issuerId)];
    if (found.kind === 'apiKey') return []; // never served, so never at the edge
    return [found.kind === 'badge' ? cacheTags.badge(found.record.id) : cacheTags.issuer(found.record.id)];
  });
  const lists = statusLists.changed(assertionsIn(changed)).map(({ issuerId, listNumber }) => cacheTags.statusList(issuerId, listNumber));
  return [...tags, ...lists];
}

const assertionsIn = (changed: readonly Found[]) => changed.flatMap((found) => (found.kind === 'assertion' ? [found.record] : []));

/**
 * Redis takes the records, then the status lists their revokes changed (re-signed once per
 * change); 'failed' when either could not be kept, so the outbox row stays and is retried.
 */
async function writeThrough(scope: DataScope, changed: readonly Found[]): Promise<'done' | 'failed' | 'off'> {
  const records = await writeToRedis(scope, changed);
  const { statusLists } = scope.deps;
  const lists = statusLists.changed(assertionsIn(changed));
  if (records === 'failed') statusLists.noteKept(scope, lists, false); // their refresh waits for the outbox
  if (records !== 'done') return records;
  if (!lists.length) return records;
  return (await statusLists.refresh(scope, assertionsIn(changed))) ? records : 'failed';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Purges `tags`, then once more when every render that could have begun before the write is
 * over (a shared load is joined for at most the L1 lifetime, then bounded by the Redis and
 * database timeouts): such a render may have refilled the edge in between. Resolves to whether
 * both purges succeeded.
 */
async function purgeTwice(scope: DataScope, tags: readonly string[], first?: boolean): Promise<boolean> {
  if (!scope.purge || !tags.length) return true;
  if (!(first ?? (await scope.purge(tags)))) return false;
  const { cache, database, redis } = scope.deps.config;
  await sleep(cache.l1.ttlSeconds * 1000 + database.timeoutMs + (redis?.timeoutMs ?? 0));
  return scope.purge(tags);
}

let lastDrainAfterWrite = 0;

/** Writes `changed` through to every tier; answers once Redis has it (or failed to take it). */
export async function applyWrite(scope: DataScope, changed: readonly Found[]): Promise<CacheUpdate> {
  const { tiers, inFlight } = scope.deps;
  // Loads already running may carry the old records: nobody new joins them, and L1 takes only newer versions.
  inFlight.forget();
  keepInL1(scope, changed, Date.now());
  // Redis first: a purged edge refills from Redis (or from an L1 that the second purge outlives).
  const redis = await writeThrough(scope, changed);
  const tags = edgeTags(scope.deps, changed);
  const purged = scope.purge && tags.length ? await scope.purge(tags) : undefined;
  const edge = purged === undefined ? 'off' : purged ? 'done' : 'pending';
  if (redis !== 'failed' && edge !== 'pending') {
    const later = background(scope);
    inBackground(
      scope,
      'outbox settle',
      purgeTwice(later, tags, true).then((ok) => (ok ? settle(later, changed.map(entryOf)) : undefined)),
    );
  }
  if (tiers.redis && Date.now() - lastDrainAfterWrite > DRAIN_AFTER_WRITE_EVERY_MS) {
    lastDrainAfterWrite = Date.now();
    inBackground(scope, 'outbox drain', drainOutbox(background(scope)));
  }
  return { redis: redis === 'failed' ? 'pending' : redis, edge };
}

/**
 * After Redis failed in this isolate and then answered again: apply what writes left behind
 * meanwhile, however young (a write still applying its own rows is harmless to repeat).
 */
export function drainIfRedisRecovered(scope: DataScope): void {
  if (scope.deps.tiers.redis?.takeRecovery()) inBackground(scope, 'outbox drain', drainOutbox(background(scope), 0));
}

/** After a lost reply, the database is asked again this long after the failure (then the Cron Trigger takes over). */
const LOST_REPLY_DRAINS_AFTER_MS = [1_000, 3_000, 7_000];

/**
 * A write whose reply was lost may have committed, leaving outbox rows that its own apply never
 * ran for: drain every pending row (however young) as soon as the database answers again, a few
 * times within the request's background time; rows still left wait for the Cron Trigger.
 */
export function drainAfterLostReply(scope: DataScope): void {
  const later = background(scope);
  const attempt = async (): Promise<void> => {
    let waited = 0;
    for (const at of LOST_REPLY_DRAINS_AFTER_MS) {
      await sleep(at - waited);
      waited = at;
      const drained = await drainOutbox(later, 0).catch(() => undefined);
      if (drained?.done) return;
    }
  };
  inBackground(scope, 'outbox drain after a lost reply', attempt());
}

/** The current records behind `pending`, from the primary: one statement per kind at most. */
async function loadCurrent(scope: DataScope, pending: readonly OutboxEntry[]): Promise<Found[]> {
  const kinds = [...new Set(pending.map((e) => e.kind))];
  const loaded = await Promise.all(
    kinds.map(async (kind) => {
      const ids = pending.filter((e) => e.kind === kind).map((e) => e.id);
      const records = await readQuery(scope, (db) => loadRecordsOf[kind](db, ids), scope.deps.db);
      return records.map((record) => ({ kind, record }) as Found);
    }),
  );
  return loaded.flat();
}

/** Batches one drain takes at most (a cron run: 10,000 records); the rest waits for the next. */
const DRAIN_MAX_BATCHES = 20;

/**
 * Applies outbox rows older than `olderThanSeconds`, left by earlier writes: loads the current
 * records from the primary, writes them to Redis (compare-and-set), purges their edge tags, and
 * settles the rows, batch after batch. Rows stay while Redis or the purge fails (a rate-limited
 * purge included). `done` is false when rows may remain.
 */
export async function drainOutbox(
  scope: DataScope,
  olderThanSeconds = scope.deps.config.cache.outboxRetryAfterSeconds,
): Promise<{ applied: number; done: boolean }> {
  let applied = 0;
  for (let batch = 0; batch < DRAIN_MAX_BATCHES; batch++) {
    const pending = await readQuery(scope, (db) => loadPendingOutbox(db, olderThanSeconds, DRAIN_BATCH), scope.deps.db);
    if (!pending.length) return { applied, done: true };
    const current = scope.deps.tiers.redis || scope.purge ? await loadCurrent(scope, pending) : [];
    if ((await writeThrough(scope, current)) === 'failed') return { applied, done: false };
    if (!(await purgeTwice(scope, edgeTags(scope.deps, current)))) return { applied, done: false };
    // Records deleted since are settled too: nothing is left to refresh.
    await settle(scope, pending);
    applied += pending.length;
    if (pending.length < DRAIN_BATCH) return { applied, done: true };
  }
  return { applied, done: false };
}
