/**
 * @module The statements of a wallet pickup: a claim code for an award, an exchange opened with
 * it, and the exchange used once. Each is one statement, so a race between two uses of one
 * exchange has one winner.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { type AuditEntry, auditRow } from './audit.ts';
import type { Database } from './client.ts';
import { assertions, claimCodes, walletExchanges } from './schema.ts';

/** Stores a claim code's hash for award `assertionId`, with its audit row; false when there is no such award. */
export async function insertClaimCode(
  db: Database,
  assertionId: string,
  codeHash: string,
  expiresAt: Date,
  by: AuditEntry,
): Promise<boolean> {
  const result = await db.execute(sql`
    with changed as (
      insert into ${claimCodes} (code_hash, assertion_id, expires_at)
      select ${codeHash}, id, ${expiresAt.toISOString()}::timestamptz from ${assertions} where id = ${assertionId}
      returning assertion_id as id, (select issuer_id from ${assertions} where id = ${assertionId}) as issuer_id),
    ${auditRow('assertion', by)}
    select id from changed`);
  return result.rows.length === 1;
}

/** What opening an exchange found: the code (when it is one for this award), and the exchange when it was opened. */
export type ExchangeOpening = { codeExpired: boolean; revoked: boolean; opened: boolean } | undefined;

/** Opens exchange `id` over `challenge` for the award a live claim code names, unless the award is revoked. */
export async function openExchange(
  db: Database,
  exchange: { id: string; assertionId: string; codeHash: string; challenge: string; expiresAt: Date },
): Promise<ExchangeOpening> {
  const result = await db.execute<{ code_expired: boolean; revoked: boolean; opened: boolean }>(sql`
    with code as (
      select c.assertion_id, c.expires_at <= now() as code_expired, a.revoked_at is not null as revoked
      from ${claimCodes} c join ${assertions} a on a.id = c.assertion_id
      where c.code_hash = ${exchange.codeHash} and c.assertion_id = ${exchange.assertionId}
    ),
    opened as (
      insert into ${walletExchanges} (id, assertion_id, challenge, expires_at)
      select ${exchange.id}, assertion_id, ${exchange.challenge}, ${exchange.expiresAt.toISOString()}::timestamptz
      from code where not code_expired and not revoked
      returning id
    )
    select code_expired, revoked, exists (select 1 from opened) as opened from code`);
  const row = result.rows[0];
  return row && { codeExpired: row.code_expired, revoked: row.revoked, opened: row.opened };
}

export type WalletExchange = typeof walletExchanges.$inferSelect;

export async function loadExchange(db: Database, id: string): Promise<WalletExchange | undefined> {
  return (await db.select().from(walletExchanges).where(eq(walletExchanges.id, id)))[0];
}

/** Marks exchange `id` used, if it is unused and live: false when another use (or the clock) got there first. */
export async function useExchange(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .update(walletExchanges)
    .set({ usedAt: sql`now()` })
    .where(and(eq(walletExchanges.id, id), isNull(walletExchanges.usedAt), gt(walletExchanges.expiresAt, sql`now()`)))
    .returning({ id: walletExchanges.id });
  return rows.length === 1;
}
