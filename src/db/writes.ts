/**
 * @module The write statements. Each is ONE statement (so its own transaction) that changes
 * rows, bumps their `version`, records them in the cache outbox and returns the new records,
 * which the caller writes through to the caches.
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from './client.ts';
import {
  type AssertionRecord,
  assertionColumns,
  type BadgeClassRecord,
  badgeClassColumns,
  type IssuerRecord,
  issuerColumns,
} from './queries.ts';
import { assertions, badgeClasses, cacheOutbox, issuers, type NewBadgeClass, type NewIssuer, type RecordKind } from './schema.ts';

/** A data-modifying statement returning `id, version, ...`, wrapped so the same statement records its outbox rows. */
function recorded(kind: RecordKind, change: SQLWrapper): SQL {
  // getSQL(): a builder embedded as-is would be wrapped in parentheses, which a CTE body cannot be.
  return sql`with changed as (${change.getSQL()}),
    outbox as (insert into ${cacheOutbox} (record_kind, record_id, version) select ${kind}, id, version from changed)
    select * from changed`;
}

/** Raw rows (database column names) into records, decoded by the columns' own Drizzle mappers. */
function rowsAs<T>(columns: Record<string, PgColumn>) {
  return (rows: Array<Record<string, unknown>>): T[] =>
    rows.map(
      (row) =>
        Object.fromEntries(
          Object.entries(columns).map(([key, column]) => {
            const value = row[column.name];
            return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)];
          }),
        ) as T,
    );
}

const issuerRows = rowsAs<IssuerRecord>(issuerColumns);
const badgeClassRows = rowsAs<BadgeClassRecord>(badgeClassColumns);
const assertionRows = rowsAs<AssertionRecord>(assertionColumns);

async function run<T>(db: Database, statement: SQL, rows: (raw: Array<Record<string, unknown>>) => T[]): Promise<T[]> {
  const result = await db.execute<Record<string, unknown>>(statement);
  return rows(result.rows);
}

const bumped = <T extends { version: PgColumn; updatedAt: PgColumn }>(table: T) => ({
  updatedAt: sql`now()`,
  version: sql`${table.version} + 1`,
});

export const insertIssuerStatement = (db: Database, values: NewIssuer) =>
  recorded('issuer', db.insert(issuers).values(values).returning(issuerColumns));

export const updateIssuerStatement = (db: Database, id: string, patch: Partial<NewIssuer>) =>
  recorded(
    'issuer',
    db
      .update(issuers)
      .set({ ...patch, ...bumped(issuers) })
      .where(sql`${issuers.id} = ${id}`)
      .returning(issuerColumns),
  );

export const insertBadgeClassStatement = (db: Database, values: NewBadgeClass) =>
  recorded('badge', db.insert(badgeClasses).values(values).returning(badgeClassColumns));

export const updateBadgeClassStatement = (db: Database, id: string, patch: Partial<NewBadgeClass>) =>
  recorded(
    'badge',
    db
      .update(badgeClasses)
      .set({ ...patch, ...bumped(badgeClasses) })
      .where(sql`${badgeClasses.id} = ${id}`)
      .returning(badgeClassColumns),
  );

/** One recipient of an award; only the salted hash of the identity is ever here. */
export type NewAward = {
  id: string;
  recipientType: string;
  recipientIdentity: string;
  recipientSalt: string;
  issuedOn: Date;
  expires: Date | null;
  evidence: Array<Record<string, string>> | null;
  narrative: string | null;
};

/**
 * Issues any number of awards of one badge class, copying its issuer: one statement, whatever
 * the count (the values travel as arrays). No rows when the badge class is unknown.
 */
export function insertAssertionsStatement(badgeClassId: string, awards: readonly NewAward[]): SQL {
  const column = <K extends keyof NewAward>(
    key: K,
    encode: (value: NewAward[K]) => string | null = (v) => (v === null ? null : String(v)),
  ) => sql.param(awards.map((award) => encode(award[key])));
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return recorded(
    'assertion',
    sql`insert into ${assertions} (id, badge_class_id, issuer_id, recipient_type, recipient_hashed, recipient_identity, recipient_salt, issued_on, expires, evidence, narrative)
      select a.id, b.id, b.issuer_id, a.recipient_type, true, a.identity, a.salt, a.issued_on::timestamptz, a.expires::timestamptz, a.evidence::jsonb, a.narrative
      from ${badgeClasses} b,
        unnest(${column('id')}::text[], ${column('recipientType')}::text[], ${column('recipientIdentity')}::text[], ${column('recipientSalt')}::text[],
               ${column('issuedOn', iso)}::text[], ${column('expires', iso)}::text[], ${column('evidence', (e) => (e ? JSON.stringify(e) : null))}::text[], ${column('narrative')}::text[])
          as a(id, recipient_type, identity, salt, issued_on, expires, evidence, narrative)
      where b.id = ${badgeClassId}
      returning *`,
  );
}

/** Revokes once: a second revoke keeps the first time, and updates the reason. */
export const revokeAssertionStatement = (db: Database, id: string, reason: string) =>
  recorded(
    'assertion',
    db
      .update(assertions)
      .set({ revokedAt: sql`coalesce(${assertions.revokedAt}, now())`, revocationReason: reason, ...bumped(assertions) })
      .where(sql`${assertions.id} = ${id}`)
      .returning(assertionColumns),
  );

export const insertIssuer = (db: Database, values: NewIssuer) => run(db, insertIssuerStatement(db, values), issuerRows);
export const updateIssuer = (db: Database, id: string, patch: Partial<NewIssuer>) =>
  run(db, updateIssuerStatement(db, id, patch), issuerRows);
export const insertBadgeClass = (db: Database, values: NewBadgeClass) => run(db, insertBadgeClassStatement(db, values), badgeClassRows);
export const updateBadgeClass = (db: Database, id: string, patch: Partial<NewBadgeClass>) =>
  run(db, updateBadgeClassStatement(db, id, patch), badgeClassRows);
export const insertAssertions = (db: Database, badgeClassId: string, awards: readonly NewAward[]) =>
  run(db, insertAssertionsStatement(badgeClassId, awards), assertionRows);
export const revokeAssertion = (db: Database, id: string, reason: string) =>
  run(db, revokeAssertionStatement(db, id, reason), assertionRows);
