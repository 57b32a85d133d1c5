/**
 * @module The write path: one statement on the primary (its own transaction, outbox rows and
 * idempotency key included), then the new records written through to the caches. Answers after
 * the commit and the Redis write, and says whether Redis took it. A retry under the same
 * `Idempotency-Key` writes nothing and answers with what the first write made; a write whose
 * reply was lost says so (`write_outcome_unknown`), never that nothing was written.
 */

import type { RecordOf } from '../../cache/codec.ts';
import type { AuditAction } from '../../db/audit.ts';
import type { Database } from '../../db/client.ts';
import { metered } from '../../db/meter.ts';
import { loadRecordsOf } from '../../db/queries.ts';
import type { AssertionRecord, IssuerRecord } from '../../db/records.ts';
import type { NewBadgeClass, NewIssuer, RecordKind } from '../../db/schema.ts';
import * as writes from '../../db/writes.ts';
import { DomainError } from '../../lib/errors.ts';
import { readQuery } from '../query.ts';
import type { DataScope } from '../scope.ts';
import type { Found } from '../tiers.ts';
import { asOutage, constraintOf, DATABASE_RETRY_AFTER_SECONDS, replyLost, sqlState } from '../unavailable.ts';
import { applyWrite, type CacheUpdate, drainAfterLostReply } from './outbox.ts';

/** A second write under a key already used: the statement was undone, and the first write answers. */
class AlreadyWritten extends Error {}

/**
 * Constraint violations are the caller's mistake; outages are `unavailable`. A database that
 * never answered (a timeout, a lost connection) may have committed: the outcome is unknown, and
 * what the write may have left in the outbox is applied as soon as the database answers.
 */
function asWriteError(scope: DataScope, error: unknown): never {
  const code = sqlState(error);
  if (code === '23505' && constraintOf(error) === writes.IDEMPOTENCY_CONSTRAINT) throw new AlreadyWritten();
  if (code === undefined && replyLost(error)) {
    console.warn(`database write unconfirmed: ${(error as Error).message}`);
    drainAfterLostReply(scope);
    throw new DomainError(
      'unavailable',
      'write_outcome_unknown',
      'The database did not confirm the write: it may have been committed. Retry with the same Idempotency-Key to get its outcome; without one, read the record before writing again.',
      DATABASE_RETRY_AFTER_SECONDS,
    );
  }
  if (code === '23505') throw new DomainError('already_exists', 'already_exists', 'A record with this id already exists.');
  if (code === '23503')
    throw new DomainError('unknown_reference', 'unknown_reference', 'The record refers to an issuer or badge class that does not exist.');
  // 23514 check violation, and class 22 (data exception: bad text, dates out of range, ...).
  if (code === '23514' || code?.startsWith('22'))
    throw new DomainError('invalid_value', 'invalid_value', 'A value was rejected by the database.');
  return asOutage(error);
}

function write<T>(scope: DataScope, run: (db: DataScope['deps']['db']) => Promise<T>): Promise<T> {
  return metered(scope.meter, 1, () => run(scope.deps.db)).catch((error: unknown) => asWriteError(scope, error));
}

/** How long a write's Idempotency-Key answers its retries. */
export const IDEMPOTENCY_KEY_HOURS = 24;

/** Forgets keys older than IDEMPOTENCY_KEY_HOURS (the Cron Trigger's): a retry that late is a new request. */
export const forgetIdempotencyKeys = (scope: DataScope) =>
  readQuery(scope, (db) => writes.forgetIdempotencyKeys(db, IDEMPOTENCY_KEY_HOURS), scope.deps.db);

/** The current records of `kind` with these ids, from the primary, in that order. */
async function currentRecords<K extends RecordKind>(scope: DataScope, kind: K, ids: string[]): Promise<Array<RecordOf[K]>> {
  const rows = (await readQuery(scope, (db) => loadRecordsOf[kind](db, ids), scope.deps.db)) as Array<RecordOf[K]>;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/**
 * What the first write under `claim` made, as it answered then (ids, versions, key), after
 * writing the records' current versions through again: a retry after a lost reply also brings
 * the caches up to date. Undefined when no write was made under the key; a key used for another
 * request is a 422.
 */
async function firstWrite<K extends RecordKind>(scope: DataScope, kind: K, claim: writes.IdempotencyClaim) {
  const first = await readQuery(scope, (db) => writes.loadIdempotentWrite(db, claim.principal, claim.key), scope.deps.db);
  if (!first) return undefined;
  if (first.requestHash !== claim.requestHash || first.recordKind !== kind)
    throw new DomainError('invalid_value', 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
  const current = await currentRecords(
    scope,
    kind,
    first.records.map((r) => r.id),
  );
  const cache = await applyWrite(
    scope,
    current.map((record) => ({ kind, record }) as Found),
  );
  const byId = new Map(current.map((record) => [record.id, record]));
  const records = first.records.flatMap((made) => {
    const record = byId.get(made.id);
    return record ? [{ ...record, ...made }] : [];
  });
  scope.replayed = true;
  return { records, cache };
}

/**
 * The records one statement made and the cache update. Under a key already used, the first
 * write's: the statement then broke the key's primary key, or, for a create naming its own id,
 * the record's (checked first); a request that changed nothing is checked against the key too.
 */
async function writeOnce<K extends RecordKind>(
  scope: DataScope,
  kind: K,
  claim: writes.IdempotencyClaim | undefined,
  run: (db: Database) => Promise<Array<RecordOf[K]>>,
  ifNone: () => never,
): Promise<{ records: Array<RecordOf[K]>; cache: CacheUpdate }> {
  let records: Array<RecordOf[K]>;
  try {
    records = await write(scope, run);
  } catch (error) {
    const duplicate = error instanceof AlreadyWritten || (error instanceof DomainError && error.kind === 'already_exists');
    if (!claim || !duplicate) throw error;
    const first = await firstWrite(scope, kind, claim);
    if (first) return first;
    if (error instanceof AlreadyWritten)
      throw new DomainError(
        'already_exists',
        'idempotency_key_in_use',
        'A write under this Idempotency-Key has just been forgotten; retry.',
      );
    throw error;
  }
  if (!records.length) {
    // A key used before answers for its first request (or refuses this one), even when this one changed nothing.
    const first = claim && (await firstWrite(scope, kind, claim));
    if (first) return first;
    ifNone();
  }
  return {
    records,
    cache: await applyWrite(
      scope,
      records.map((record) => ({ kind, record }) as Found),
    ),
  };
}

const notFound = (what: string) => (): never => {
  throw new DomainError('not_found', 'not_found', `No ${what} with this id.`);
};

export type WriteResult<T> = T & { cache: CacheUpdate };

/** The audit of `writer`'s write (none for the deployment's own writes, a first signing key say). */
export const by = (writer: writes.Writer | undefined, action: AuditAction): writes.WrittenBy | undefined => writer && { ...writer, action };

/** One statement that changes one record, then that record written through. */
async function writeRecord<K extends RecordKind>(
  scope: DataScope,
  kind: K,
  what: string,
  claim: writes.IdempotencyClaim | undefined,
  run: (db: Database) => Promise<Array<RecordOf[K]>>,
): Promise<WriteResult<RecordOf[K]>> {
  const { records, cache } = await writeOnce(scope, kind, claim, run, notFound(what));
  if (!records[0]) return notFound(what)();
  return { ...records[0], cache };
}

/** Any one-statement change of an issuer, written through (the signing-key writes use it). */
export const writeIssuerRecord = (scope: DataScope, run: (db: Database) => Promise<IssuerRecord[]>, by?: writes.WrittenBy) =>
  writeRecord(scope, 'issuer', 'issuer', by?.claim, run);

export const createIssuer = (scope: DataScope, values: NewIssuer, writer?: writes.Writer) =>
  writeRecord(scope, 'issuer', 'issuer', writer?.claim, (db) => writes.insertIssuer(db, values, by(writer, 'issuer.create')));

export const editIssuer = (scope: DataScope, id: string, patch: Partial<NewIssuer>, writer?: writes.Writer) =>
  writeRecord(scope, 'issuer', 'issuer', writer?.claim, (db) => writes.updateIssuer(db, id, patch, by(writer, 'issuer.edit')));

export const createBadgeClass = (scope: DataScope, values: NewBadgeClass, writer?: writes.Writer) =>
  writeRecord(scope, 'badge', 'badge class', writer?.claim, (db) => writes.insertBadgeClass(db, values, by(writer, 'badge.create')));

export const editBadgeClass = (scope: DataScope, id: string, patch: Partial<NewBadgeClass>, writer?: writes.Writer) =>
  writeRecord(scope, 'badge', 'badge class', writer?.claim, (db) => writes.updateBadgeClass(db, id, patch, by(writer, 'badge.edit')));

/** Issues every award of one badge class in one statement and writes them all through in one Redis call. */
export async function issueAssertions(
  scope: DataScope,
  badgeClassId: string,
  awards: readonly writes.NewAward[],
  writer?: writes.Writer,
): Promise<{ issued: AssertionRecord[]; cache: CacheUpdate }> {
  const { records, cache } = await writeOnce(
    scope,
    'assertion',
    writer?.claim,
    (db) => writes.insertAssertions(db, badgeClassId, awards, by(writer, 'assertion.issue')),
    () => {
      throw new DomainError('unknown_reference', 'unknown_reference', 'No badge class with this id.');
    },
  );
  return { issued: records, cache };
}

export const revokeAssertion = (scope: DataScope, id: string, reason: string, writer?: writes.Writer) =>
  writeRecord(scope, 'assertion', 'assertion', writer?.claim, (db) =>
    writes.revokeAssertion(db, id, reason, by(writer, 'assertion.revoke')),
  );

/** A new API key (its secret's hash only), written through like any record. */
export const createApiKey = (scope: DataScope, values: writes.NewApiKey, writer: writes.Writer) =>
  writeRecord(scope, 'apiKey', 'API key', writer.claim, (db) => writes.insertApiKey(db, values, { ...writer, action: 'api-key.create' }));

/** Revokes an API key: its new version reaches Redis now, and every isolate's L1 within its bound. */
export const revokeApiKey = (scope: DataScope, id: string, writer: writes.Writer) =>
  writeRecord(scope, 'apiKey', 'API key', writer.claim, (db) => writes.revokeApiKey(db, id, { ...writer, action: 'api-key.revoke' }));
