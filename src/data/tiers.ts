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

/** Keeps records in L1 for its lifetime, counted from `since` (when the data began to be read). */
export function keepInL1(scope: DataScope, records: Iterable<Found>, since: number): void {
  const { tiers, config } = scope.deps;
  if (!tiers.l1) return;
  const ttlMs = config.cache.l1.ttlSeconds * 1000 - (Date.now() - since);
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
  return (await meteredRedis(scope, () => redis.write(entries, ttlSeconds))) ? 'done' : 'failed';
}

/** The records written through, compare-and-set; 'off' without Redis. */
export const writeToRedis = (scope: DataScope, records: readonly Found[]) =>
  writeNewerToRedis(
    scope,
    records.map((found) => ({ key: keyOf(found), value: encodeRecord(found.kind, found.record as AnyRecord) })),
  );

/** One metered Redis read; undefined when Redis is off or failed. */
export async function readFromRedis(
  scope: DataScope,
  keys: readonly string[],
  held: readonly string[] = [],
): Promise<FromRedis | undefined> {
  const { redis } = scope.deps.tiers;
  if (!redis) return undefined;
  const stored = await meteredRedis(scope, () => redis.read(keys, held));
  return stored && decodeStored(stored);
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
 * The database for a read below Redis: the replica only when Redis answered (a miss there means
 * no write that a lagging replica could hide); the primary when Redis failed or is off.
 */
export const databaseFor = (scope: DataScope, redisAnswered: boolean): Database => (redisAnswered ? scope.deps.readDb : scope.deps.db);
