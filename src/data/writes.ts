/**
 * @module The write path: one statement on the primary (its own transaction), then the
 * invalidation of every tier that may hold what it changed. Answers after commit and Redis.
 */
import { metered } from '../db/meter.ts';
import type { NewBadgeClass, NewIssuer } from '../db/schema.ts';
import * as writes from '../db/writes.ts';
import { Problem } from '../problem.ts';
import { invalidateAfterWrite, type InvalidationResult } from './invalidate.ts';
import type { DataScope } from './scope.ts';
import { asOutage, sqlState } from './unavailable.ts';

/** Constraint violations are the caller's mistake (4xx); outages are 503. */
function asWriteError(error: unknown): never {
  const code = sqlState(error);
  if (code === '23505') throw new Problem(409, 'already_exists', 'A record with this id already exists.');
  if (code === '23503') throw new Problem(422, 'unknown_reference', 'The record refers to an issuer or badge class that does not exist.');
  if (code === '23514' || code === '22P02' || code === '22007' || code === '22008') throw new Problem(422, 'invalid_value', 'A value was rejected by the database.');
  return asOutage(error);
}

function write<T>(scope: DataScope, run: (db: DataScope['deps']['db']) => Promise<T>): Promise<T> {
  return metered(scope.meter, 1, () => run(scope.deps.db)).catch(asWriteError);
}

const found = <T>(rows: T[], what: string): T => {
  if (!rows[0]) throw new Problem(404, 'not_found', `No ${what} with this id.`);
  return rows[0];
};

export type WriteResult<T> = T & { cache: InvalidationResult };

export async function createIssuer(scope: DataScope, values: NewIssuer): Promise<WriteResult<{ id: string }>> {
  const row = found(await write(scope, (db) => writes.insertIssuer(db, values)), 'issuer');
  // Nothing can be cached about a new id except a short-lived 404 downstream.
  return { ...row, cache: await invalidateAfterWrite(scope, { issuers: [row.id] }, false) };
}

export async function editIssuer(scope: DataScope, id: string, patch: Partial<NewIssuer>): Promise<WriteResult<{ id: string }>> {
  const row = found(await write(scope, (db) => writes.updateIssuer(db, id, patch)), 'issuer');
  return { ...row, cache: await invalidateAfterWrite(scope, { issuers: [id] }, true) };
}

export async function createBadgeClass(scope: DataScope, values: NewBadgeClass): Promise<WriteResult<{ id: string; issuerId: string }>> {
  const row = found(await write(scope, (db) => writes.insertBadgeClass(db, values)), 'badge class');
  return { ...row, cache: await invalidateAfterWrite(scope, { badges: [row.id] }, false) };
}

export async function editBadgeClass(scope: DataScope, id: string, patch: Partial<NewBadgeClass>): Promise<WriteResult<{ id: string; issuerId: string }>> {
  const row = found(await write(scope, (db) => writes.updateBadgeClass(db, id, patch)), 'badge class');
  return { ...row, cache: await invalidateAfterWrite(scope, { badges: [id] }, true) };
}

export async function issueAssertion(scope: DataScope, values: writes.NewAssertionValues): Promise<WriteResult<{ id: string; badgeClassId: string; issuerId: string }>> {
  const rows = await write(scope, (db) => writes.insertAssertion(db, values));
  if (!rows[0]) throw new Problem(422, 'unknown_reference', 'No badge class with this id.');
  return { ...rows[0], cache: await invalidateAfterWrite(scope, { assertions: [rows[0].id] }, false) };
}

export async function revokeAssertion(scope: DataScope, id: string, reason: string): Promise<WriteResult<{ id: string; issuerId: string }>> {
  const row = found(await write(scope, (db) => writes.revokeAssertion(db, id, reason)), 'assertion');
  return { ...row, cache: await invalidateAfterWrite(scope, { assertions: [id] }, false) };
}
