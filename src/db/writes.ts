/** @module The write statements: each one statement, so each is its own transaction. */
import { eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { assertions, badgeClasses, issuers, type NewBadgeClass, type NewIssuer } from './schema.ts';

export function insertIssuer(db: Database, values: NewIssuer) {
  return db.insert(issuers).values(values).returning({ id: issuers.id });
}

export function updateIssuer(db: Database, id: string, patch: Partial<NewIssuer>) {
  return db
    .update(issuers)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(issuers.id, id))
    .returning({ id: issuers.id });
}

export function insertBadgeClass(db: Database, values: NewBadgeClass) {
  return db.insert(badgeClasses).values(values).returning({ id: badgeClasses.id, issuerId: badgeClasses.issuerId });
}

export function updateBadgeClass(db: Database, id: string, patch: Partial<NewBadgeClass>) {
  return db
    .update(badgeClasses)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(badgeClasses.id, id))
    .returning({ id: badgeClasses.id, issuerId: badgeClasses.issuerId });
}

export type NewAssertionValues = {
  id: string;
  badgeClassId: string;
  recipientType: string;
  recipientIdentity: string;
  recipientSalt: string;
  issuedOn: Date;
  expires: Date | null;
  evidence: Array<Record<string, string>> | null;
  narrative: string | null;
};

/** Issues from a badge class, copying its issuer in the same statement; no row when the class is unknown. */
export async function insertAssertion(db: Database, v: NewAssertionValues) {
  const { rows } = await db.execute<{ id: string; badge_class_id: string; issuer_id: string }>(insertAssertionQuery(v));
  return rows.map((row) => ({ id: row.id, badgeClassId: row.badge_class_id, issuerId: row.issuer_id }));
}

export function insertAssertionQuery(v: NewAssertionValues) {
  return sql`
    insert into ${assertions} (id, badge_class_id, issuer_id, recipient_type, recipient_hashed, recipient_identity, recipient_salt, issued_on, expires, evidence, narrative)
    select ${v.id}, b.id, b.issuer_id, ${v.recipientType}, true, ${v.recipientIdentity}, ${v.recipientSalt},
           ${v.issuedOn.toISOString()}::timestamptz, ${v.expires?.toISOString() ?? null}::timestamptz, ${v.evidence ? JSON.stringify(v.evidence) : null}::jsonb, ${v.narrative}
    from ${badgeClasses} b where b.id = ${v.badgeClassId}
    returning id, badge_class_id, issuer_id`;
}

/** Revokes once: a second revoke keeps the first time, and updates the reason. */
export function revokeAssertion(db: Database, id: string, reason: string) {
  return db
    .update(assertions)
    .set({ revokedAt: sql`coalesce(${assertions.revokedAt}, now())`, revocationReason: reason, updatedAt: sql`now()` })
    .where(eq(assertions.id, id))
    .returning({ id: assertions.id, badgeClassId: assertions.badgeClassId, issuerId: assertions.issuerId });
}
