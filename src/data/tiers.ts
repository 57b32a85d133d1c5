/**
 * @module The record tiers behind the data functions: L1 and Redis, each optional, and the
 * helpers that move records between them. Records are stored by key with their version; no
 * tier ever replaces a newer version with an older one.
 */
import { ABSENT, type AnyRecord, decodeRecord, encodeRecord, type RecordOf } from '../cache/codec.ts';
import { recordKey, recordKeyPrefix } from '../cache/keys.ts';
import type { Database } from '../db/client.ts';
import type { RecordKind } from '../db/schema.ts';
import type { DataScope } from './scope.ts';

/** A record with its kind: what a write changed, or what a load found. */
export type Found = { [K in RecordKind]: { kind: K; record: RecordOf[K] } }[RecordKind];

const KINDS = Object.entries(recordKeyPrefix) as Array<[RecordKind, string]>;

export const keyOf = (found: Found) => recordKey(found.kind, found.record.id);

/** What one Redis read found: records, and keys known to hold none (see `ABSENT`). */
export type FromRedis = { records: Map<string, Found>; absent: Set<string> };

/** Decodes what Redis returned, by key prefix; values in another format are skipped. */
function decodeStored(stored: Map<string, string>): FromRedis {
  const found: FromRedis = { records: new Map(), absent: new Set() };
  for (const [key, value] of stored) {
    if (value === ABSENT) {
      found.absent.add(key);
      continue;
    }
    const kind = KINDS.find(([, prefix]) => key.startsWith(prefix))?.[0];
    const record = kind && decodeRecord(kind, value);
    if (kind && record) found.records.set(key, { kind, record } as Found);
  }
  return found;
}

/** How long Redis remembers that an id has no record: bounds memory only (creation replaces it). */
const ABSENT_TTL_SECONDS = 600;

/** Remembers in Redis that `keys` hold no record, so repeated lookups of a missing id cost no statement. */
export async function rememberAbsent(scope: DataScope, keys: readonly string[]): Promise<void> {
  await writeNewerToRedis(
    scope,
    keys.map((key) => ({ key, value: ABSENT })),
    ABSENT_TTL_SECONDS,
  );
}

/** When a load began: its time, and the isolate's write generation then (`Coalescer.generation`). */
export type LoadStart = { at: number; generation: number };

export const loadStart = (scope: DataScope): LoadStart => ({ at: Date.now(), generation: scope.deps.inFlight.generation });

/**
 * Keeps records in L1 for its lifetime, counted from `since` (when the data began to be read).
 * A load that a write in this isolate overtook (its generation changed) keeps nothing: it may
 * have read the records before the write, and the write's own copies may have left L1 already.
 */
export function keepInL1(scope: DataScope, records: Iterable<Found>, since: number | LoadStart): void {
  const { tiers, config, inFlight } = scope.deps;
  if (!tiers.l1) return;
  if (typeof since !== 'number' && since.generation !== inFlight.generation) return;
  const ttlMs = config.cache.l1.ttlSeconds * 1000 - (Date.now() - (typeof since === 'number' ? since : since.at));
  for (const found of records)
    tiers.l1.set(keyOf(found), found.record, found.record.version, ttlMs, encodeRecord(found.kind, found.record).length);
}

/** Counts one Redis round trip, and its time, in the request's meter. */
async function meteredRedis<T>(scope: DataScope, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    scope.cache.redisRequests++;
    scope.cache.redisMilliseconds += performance.now() - started;
  }
}

/** One metered compare-and-set round trip for `version|…` values (never over a newer version); 'off' without Redis. */
export async function writeNewerToRedis(
  scope: DataScope,
  entries: ReadonlyArray<{ key: string; value: string }>,
  ttlSeconds?: number,
): Promise<'done' | 'failed' | 'off'> {
  const { redis } = scope.deps.tiers;
  if (!redis) return 'off';
  // Nothing to write sends nothing: only round trips are counted.
  if (!entries.length) return 'done';
  return (await meteredRedis(scope, () => redis.write(entries, ttlSeconds))) ? 'done' : 'failed';
}

/**
 * Records stored compare-and-set; 'off' without Redis. What Redis did not take is noted as
 * unconfirmed (this isolate then reads those keys from the primary until Redis shows them);
 * what it took confirms what was noted.
 */
export async function writeBackToRedis(scope: DataScope, records: readonly Found[]): Promise<'done' | 'failed' | 'off'> {
  const written = await writeNewerToRedis(
    scope,
    records.map((found) => ({ key: keyOf(found), value: encodeRecord(found.kind, found.record as AnyRecord) })),
  );
  const unconfirmed = scope.deps.tiers.redis?.unconfirmed;
  if (unconfirmed)
    for (const found of records) {
      if (written === 'done') unconfirmed.confirm(keyOf(found), found.record.version);
      else unconfirmed.note(keyOf(found), found.record.version);
    }
  return written;
}

/**
 * Changed records written through (a write's, or a drain's), as `writeBackToRedis`. Loads that
 * began before they reached Redis may have read the older copies there: once the write-through
 * is over (taken or not), nobody new joins them, so a read that starts after the write answered
 * never shares one.
 */
export async function writeToRedis(scope: DataScope, records: readonly Found[]): Promise<'done' | 'failed' | 'off'> {
  try {
    return await writeBackToRedis(scope, records);
  } finally {
    scope.deps.inFlight.forget();
  }
}

/** Drops copies older than a version this isolate knows Redis has not confirmed; confirms the others. */
function withoutUnconfirmed(scope: DataScope, found: FromRedis): FromRedis {
  const unconfirmed = scope.deps.tiers.redis?.unconfirmed;
  if (!unconfirmed?.size) return found;
  for (const [key, { record }] of found.records) {
    const version = unconfirmed.of(key);
    if (version === undefined) continue;
    if (record.version >= version) unconfirmed.confirm(key, record.version);
    else found.records.delete(key);
  }
  // "None" is version 0, older than any record noted.
  for (const key of found.absent) if (unconfirmed.of(key) !== undefined) found.absent.delete(key);
  return found;
}

/**
 * One metered Redis read; undefined when Redis is off or failed. Copies older than what this
 * isolate wrote and Redis did not take are left out (as if Redis lacked them): read them from
 * the primary (`databaseFor`).
 */
export async function readFromRedis(
  scope: DataScope,
  keys: readonly string[],
  held: readonly string[] = [],
): Promise<FromRedis | undefined> {
  const { redis } = scope.deps.tiers;
  if (!redis) return undefined;
  const stored = keys.length ? await meteredRedis(scope, () => redis.read(keys, held)) : new Map<string, string>();
  return stored && withoutUnconfirmed(scope, decodeStored(stored));
}

/** One metered plain read of `key` (not bare JSON): null when absent, undefined when Redis is off or failed. */
export async function readValueFromRedis(scope: DataScope, key: string): Promise<string | null | undefined> {
  const { redis } = scope.deps.tiers;
  return redis && meteredRedis(scope, () => redis.readValue(key));
}

/** One metered write of a value that never changes under its key. */
export async function writeValueToRedis(scope: DataScope, key: string, value: string): Promise<void> {
  const { redis } = scope.deps.tiers;
  if (redis) await meteredRedis(scope, () => redis.writeValue(key, value));
}

/**
 * The database for a read of `keys` below Redis: the replica only when Redis answered (a miss
 * there means no write that a lagging replica could hide); the primary when Redis failed or is
 * off, or when this isolate wrote one of the keys and Redis has not confirmed it (that miss, or
 * the older copy left out, may hide exactly that write).
 */
export function databaseFor(scope: DataScope, redisAnswered: boolean, keys: readonly string[] = []): Database {
  const unconfirmed = scope.deps.tiers.redis?.unconfirmed;
  const behind = unconfirmed?.size ? keys.some((key) => unconfirmed.of(key) !== undefined) : false;
  return redisAnswered && !behind ? scope.deps.readDb : scope.deps.db;
}
