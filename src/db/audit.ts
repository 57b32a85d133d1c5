/**
 * @module The audit trail: who made each admin write (`root` or `key:{id}`), what it was, which
 * records, and when. A row is inserted by the write's own statement (a CTE over what it
 * changed), so there is never a write without its row, nor a row without its write.
 */
import { and, desc, lt, type SQL, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { auditLog, type RecordKind } from './schema.ts';

/** What an admin write is, as its audit row names it. */
export type AuditAction =
  | 'issuer.create'
  | 'issuer.edit'
  | 'issuer.rotate-key'
  | 'badge.create'
  | 'badge.edit'
  | 'assertion.issue'
  | 'assertion.revoke'
  | 'assertion.claim-code'
  | 'api-key.create'
  | 'api-key.revoke';

export type AuditEntry = { principal: string; action: AuditAction };

/** The issuer of a row of each kind, as the `changed` CTE returns it. */
const ISSUER_COLUMN: Record<RecordKind, SQL> = {
  issuer: sql.raw('id'),
  badge: sql.raw('issuer_id'),
  assertion: sql.raw('issuer_id'),
  apiKey: sql.raw('issuer_id'),
};

/** The CTE `audit as (…)` recording `entry` over the rows of `changed` (nothing when nothing changed). */
export const auditRow = (kind: RecordKind, entry: AuditEntry, changed: SQL = sql.raw('changed')) =>
  sql`audit as (insert into ${auditLog} (principal, action, record_kind, record_ids, issuer_ids)
    select ${entry.principal}, ${entry.action}, ${kind}, array_agg(id order by id),
      coalesce(array_agg(distinct ${ISSUER_COLUMN[kind]}) filter (where ${ISSUER_COLUMN[kind]} is not null), '{}')
    from ${changed} having count(*) > 0)`;

export type AuditRecord = {
  id: number;
  at: Date;
  principal: string;
  action: string;
  recordKind: RecordKind;
  recordIds: string[];
  issuerIds: string[];
};

/** A page of the trail, newest first, before row `before`; of one issuer's records when `issuerId` is given. */
export function loadAuditPage(
  db: Database,
  issuerId: string | undefined,
  before: number | undefined,
  limit: number,
): Promise<AuditRecord[]> {
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      principal: auditLog.principal,
      action: auditLog.action,
      recordKind: auditLog.recordKind,
      recordIds: auditLog.recordIds,
      issuerIds: auditLog.issuerIds,
    })
    .from(auditLog)
    .where(
      and(
        issuerId === undefined ? undefined : sql`${auditLog.issuerIds} @> array[${issuerId}]::text[]`,
        before === undefined ? undefined : lt(auditLog.id, before),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
