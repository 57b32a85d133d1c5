/**
 * @module The write path: one statement on the primary (its own transaction, outbox rows
 * included), then the new records written through to the caches. Answers after the commit and
 * the Redis write, and says whether Redis took it.
 */

import type { RecordOf } from '../cache/codec.ts';
import type { Database } from '../db/client.ts';
import { metered } from '../db/meter.ts';
import type { AssertionRecord, IssuerRecord } from '../db/queries.ts';
import type { NewBadgeClass, NewIssuer, RecordKind } from '../db/schema.ts';
import * as writes from '../db/writes.ts';
import { DomainError } from '../errors.ts';
import { applyWrite, type CacheUpdate } from './outbox.ts';
import type { DataScope } from './scope.ts';
import type { Found } from './tiers.ts';
import { asOutage, sqlState } from './unavailable.ts';

/** Constraint violations are the caller's mistake; outages are `unavailable`. */
function asWriteError(error: unknown): never {
  const code = sqlState(error);
  if (code === '23505') throw new DomainError('already_exists', 'already_exists', 'A record with this id already exists.');
  if (code === '23503')
    throw new DomainError('unknown_reference', 'unknown_reference', 'The record refers to an issuer or badge class that does not exist.');
  // 23514 check violation, and class 22 (data exception: bad text, dates out of range, ...).
  if (code === '23514' || code?.startsWith('22'))
    throw new DomainError('invalid_value', 'invalid_value', 'A value was rejected by the database.');
  return asOutage(error);
}

function write<T>(scope: DataScope, run: (db: DataScope['deps']['db']) => Promise<T>): Promise<T> {
  return metered(scope.meter, 1, () => run(scope.deps.db)).catch(asWriteError);
}

const found = <T>(rows: T[], what: string): T => {
  if (!rows[0]) throw new DomainError('not_found', 'not_found', `No ${what} with this id.`);
  return rows[0];
};

export type WriteResult<T> = T & { cache: CacheUpdate };

/** One statement that changes one record, then that record written through. */
async function writeRecord<K extends RecordKind>(
  scope: DataScope,
  kind: K,
  what: string,
  run: (db: Database) => Promise<Array<RecordOf[K]>>,
): Promise<WriteResult<RecordOf[K]>> {
  const record = found(await write(scope, run), what);
  return { ...record, cache: await applyWrite(scope, [{ kind, record } as Found]) };
}

/** Any one-statement change of an issuer, written through (the signing-key writes use it). */
export const writeIssuerRecord = (scope: DataScope, run: (db: Database) => Promise<IssuerRecord[]>) =>
  writeRecord(scope, 'issuer', 'issuer', run);

export const createIssuer = (scope: DataScope, values: NewIssuer) =>
  writeRecord(scope, 'issuer', 'issuer', (db) => writes.insertIssuer(db, values));

export const editIssuer = (scope: DataScope, id: string, patch: Partial<NewIssuer>) =>
  writeRecord(scope, 'issuer', 'issuer', (db) => writes.updateIssuer(db, id, patch));

export const createBadgeClass = (scope: DataScope, values: NewBadgeClass) =>
  writeRecord(scope, 'badge', 'badge class', (db) => writes.insertBadgeClass(db, values));

export const editBadgeClass = (scope: DataScope, id: string, patch: Partial<NewBadgeClass>) =>
  writeRecord(scope, 'badge', 'badge class', (db) => writes.updateBadgeClass(db, id, patch));

/** Issues every award of one badge class in one statement and writes them all through in one Redis call. */
export async function issueAssertions(
  scope: DataScope,
  badgeClassId: string,
  awards: readonly writes.NewAward[],
): Promise<{ issued: AssertionRecord[]; cache: CacheUpdate }> {
  const issued = await write(scope, (db) => writes.insertAssertions(db, badgeClassId, awards));
  if (!issued.length) throw new DomainError('unknown_reference', 'unknown_reference', 'No badge class with this id.');
  return {
    issued,
    cache: await applyWrite(
      scope,
      issued.map((record) => ({ kind: 'assertion', record })),
    ),
  };
}

export const revokeAssertion = (scope: DataScope, id: string, reason: string) =>
  writeRecord(scope, 'assertion', 'assertion', (db) => writes.revokeAssertion(db, id, reason));
