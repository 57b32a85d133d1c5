/**
 * @module The record tiers behind the data functions: L1 and Redis, each optional, and the
 * helpers that move records between them. Records are stored by key with their version; no
 * tier ever replaces a newer version with an older one.
 */
import { decodeRecord, encodeRecord, type AnyRecord, type RecordOf } from '../cache/codec.ts';
import { recordKey, recordKeyPrefix } from '../cache/keys.ts';
import type { RecordKind } from '../db/schema.ts';
import type { DataScope } from './scope.ts';

/** A record with its kind: what a write changed, or what a load found. */
export type Found = { [K in RecordKind]: { kind: K; record: RecordOf[K] } }[RecordKind];

const KINDS = Object.entries(recordKeyPrefix) as Array<[RecordKind, string]>;

export const keyOf = (found: Found) => recordKey(found.kind, found.record.id);

/** Decodes what Redis returned, by key prefix; values in another format are skipped. */
export function decodeStored(stored: Map<string, string>): Map<string, Found> {
  const records = new Map<string, Found>();
  for (const [key, value] of stored) {
    const kind = KINDS.find(([, prefix]) => key.startsWith(prefix))?.[0];
    const record = kind && decodeRecord(kind, value);
    if (kind && record) records.set(key, { kind, record } as Found);
  }
  return records;
}

/** Keeps records in L1 for its lifetime, counted from `since` (when the data began to be read). */
export function keepInL1(scope: DataScope, records: Iterable<Found>, since: number): void {
  const { tiers, config } = scope.deps;
  if (!tiers.l1) return;
  const ttlMs = config.cache.l1.ttlSeconds * 1000 - (Date.now() - since);
  for (const found of records) tiers.l1.set(keyOf(found), found.record, found.record.version, ttlMs, encodeRecord(found.kind, found.record).length);
}

/** One metered compare-and-set round trip to Redis for `records`; 'off' without Redis. */
export async function writeToRedis(scope: DataScope, records: readonly Found[]): Promise<'done' | 'failed' | 'off'> {
  const { redis } = scope.deps.tiers;
  if (!redis) return 'off';
  const entries = records.map((found) => ({ key: keyOf(found), value: encodeRecord(found.kind, found.record as AnyRecord) }));
  const started = performance.now();
  const written = await redis.write(entries);
  scope.cache.redisRequests++;
  scope.cache.redisMilliseconds += performance.now() - started;
  return written ? 'done' : 'failed';
}

/** One metered Redis read; undefined when Redis is off or failed. */
export async function readFromRedis(scope: DataScope, keys: readonly string[], held: readonly string[] = []): Promise<Map<string, Found> | undefined> {
  const { redis } = scope.deps.tiers;
  if (!redis) return undefined;
  const started = performance.now();
  const stored = await redis.read(keys, held);
  scope.cache.redisRequests++;
  scope.cache.redisMilliseconds += performance.now() - started;
  return stored && decodeStored(stored);
}
