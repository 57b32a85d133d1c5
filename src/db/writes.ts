/**
 * @module The write statements. Each is ONE statement (so its own transaction) that changes
 * rows, bumps their `version`, records them in the cache outbox and returns the new records,
 * which the caller writes through to the caches.
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { type AuditEntry, auditRow } from './audit.ts';
import type { Database } from './client.ts';
import {
  type ApiKeyRecord,
  type AssertionRecord,
  apiKeyColumns,
  assertionColumns,
  type BadgeClassRecord,
  badgeClassColumns,
  type IssuerRecord,
  issuerColumns,
} from './records.ts';
import {
  apiKeys,
  assertions,
  badgeClasses,
  cacheOutbox,
  idempotencyKeys,
  issuerKeys,
  issuers,
  type NewBadgeClass,
  type NewIssuer,
  type RecordKind,
  STATUS_LIST_SIZE,
  statusLists,
} from './schema.ts';

/** The `Idempotency-Key` an admin write is made under: who sent it, the key, and what the request was. */
export type IdempotencyClaim = { principal: string; key: string; requestHash: string };

/** Who sends an admin write (`root` or `key:{id}`), and the `Idempotency-Key` it came with. */
export type Writer = { principal: string; claim?: IdempotencyClaim | undefined };
/** A writer and what its write is: its audit row, and its idempotency key. */
export type WrittenBy = AuditEntry & Writer;

/** The constraint a second write under the same key breaks: the whole statement, its change included, is undone. */
export const IDEMPOTENCY_CONSTRAINT = 'idempotency_keys_pkey';

/** Records the key with what `changed` made (nothing when nothing changed, so a retry of a 404 runs again). */
const idempotencyRow = (kind: RecordKind, claim: IdempotencyClaim) =>
  sql`idempotency as (insert into ${idempotencyKeys} (principal, key, request_hash, record_kind, records)
    select ${claim.principal}, ${claim.key}, ${claim.requestHash}, ${kind},
      jsonb_agg(jsonb_build_object('id', id, 'version', version${kind === 'issuer' ? sql`, 'signingKeyId', signing_key_id` : sql``}))
    from changed having count(*) > 0)`;

/**
 * A data-modifying statement returning `id, version, ...`, wrapped so the same statement records
 * its outbox rows (and, for an admin write, its audit row and idempotency key). `before` and `after` are further CTEs
 * (`name as (...)`) of the same statement: data-modifying CTEs must sit at the top level, and
 * `after` may read `changed`.
 */
function recorded(
  kind: RecordKind,
  change: SQLWrapper,
  { before, after, by }: { before?: SQL; after?: SQL; by?: WrittenBy | undefined } = {},
): SQL {
  const more = [after, by && auditRow(kind, by), by?.claim && idempotencyRow(kind, by.claim)].filter((cte) => cte !== undefined);
  // getSQL(): a builder embedded as-is would be wrapped in parentheses, which a CTE body cannot be.
  return sql`with ${before ? sql`${before}, ` : sql``}changed as (${change.getSQL()}),
    outbox as (insert into ${cacheOutbox} (record_kind, record_id, version) select ${kind}, id, version from changed)${more.length ? sql`, ${sql.join(more, sql`, `)}` : sql``}
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

export const insertIssuerStatement = (db: Database, values: NewIssuer, by?: WrittenBy) =>
  recorded('issuer', db.insert(issuers).values(values).returning(issuerColumns), { by });

export const updateIssuerStatement = (db: Database, id: string, patch: Partial<NewIssuer>, by?: WrittenBy) =>
  recorded(
    'issuer',
    db
      .update(issuers)
      .set({ ...patch, ...bumped(issuers) })
      .where(sql`${issuers.id} = ${id}`)
      .returning(issuerColumns),
    { by },
  );

export const insertBadgeClassStatement = (db: Database, values: NewBadgeClass, by?: WrittenBy) =>
  recorded('badge', db.insert(badgeClasses).values(values).returning(badgeClassColumns), { by });

export const updateBadgeClassStatement = (db: Database, id: string, patch: Partial<NewBadgeClass>, by?: WrittenBy) =>
  recorded(
    'badge',
    db
      .update(badgeClasses)
      .set({ ...patch, ...bumped(badgeClasses) })
      .where(sql`${badgeClasses.id} = ${id}`)
      .returning(badgeClassColumns),
    { by },
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
  recipientName: string | null;
};

/**
 * Issues any number of awards of one badge class, copying its issuer: one statement, whatever
 * the count (the values travel as arrays). Each award takes the next position in its issuer's
 * status lists in the same statement (the issuer's row lock orders concurrent issuance). No rows
 * when the badge class is unknown.
 */
export function insertAssertionsStatement(badgeClassId: string, awards: readonly NewAward[], by?: WrittenBy): SQL {
  const column = <K extends keyof NewAward>(
    key: K,
    encode: (value: NewAward[K]) => string | null = (v) => (v === null ? null : String(v)),
  ) => sql.param(awards.map((award) => encode(award[key])));
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  const positions = sql`positions as (
      update ${issuers} set next_status_index = next_status_index + ${awards.length}
      where id = (select issuer_id from ${badgeClasses} where id = ${badgeClassId})
      returning id as issuer_id, next_status_index - ${awards.length} as first)`;
  return recorded(
    'assertion',
    sql`insert into ${assertions} (id, badge_class_id, issuer_id, recipient_type, recipient_hashed, recipient_identity, recipient_salt, issued_on, expires, evidence, narrative, recipient_name, status_index)
      select a.id, b.id, b.issuer_id, a.recipient_type, true, a.identity, a.salt, a.issued_on::timestamptz, a.expires::timestamptz, a.evidence::jsonb, a.narrative,
        a.recipient_name, p.first + a.n::int - 1
      from ${badgeClasses} b
        join positions p on p.issuer_id = b.issuer_id,
        unnest(${column('id')}::text[], ${column('recipientType')}::text[], ${column('recipientIdentity')}::text[], ${column('recipientSalt')}::text[],
               ${column('issuedOn', iso)}::text[], ${column('expires', iso)}::text[], ${column('evidence', (e) => (e ? JSON.stringify(e) : null))}::text[], ${column('narrative')}::text[],
               ${column('recipientName')}::text[])
          with ordinality as a(id, recipient_type, identity, salt, issued_on, expires, evidence, narrative, recipient_name, n)
      where b.id = ${badgeClassId}
      returning *`,
    { before: positions, by },
  );
}

/**
 * Revokes once: a second revoke keeps the first time, and updates the reason. The award's status
 * list gets a new version in the same statement: its bit is the revocation itself.
 */
export const revokeAssertionStatement = (db: Database, id: string, reason: string, by?: WrittenBy) =>
  recorded(
    'assertion',
    db
      .update(assertions)
      .set({ revokedAt: sql`coalesce(${assertions.revokedAt}, now())`, revocationReason: reason, ...bumped(assertions) })
      .where(sql`${assertions.id} = ${id}`)
      .returning(assertionColumns),
    {
      after: sql`status as (
        insert into ${statusLists} (issuer_id, list_number) select issuer_id, status_index / ${STATUS_LIST_SIZE} from changed where status_index is not null
        on conflict (issuer_id, list_number) do update set version = ${statusLists}.version + 1)`,
      by,
    },
  );

/**
 * Stores a new signing key and makes it the issuer's current one, in one statement. With
 * `onlyIfNone`, nothing changes when the issuer already has a key (a concurrent first use won).
 */
export const setSigningKeyStatement = (
  db: Database,
  issuerId: string,
  key: { id: string; privateKeyCiphertext: Uint8Array },
  onlyIfNone: boolean,
  by?: WrittenBy,
) =>
  recorded(
    'issuer',
    db
      .update(issuers)
      .set({ signingKeyId: key.id, publicKeyIds: sql`array_append(${issuers.publicKeyIds}, ${key.id})`, ...bumped(issuers) })
      .where(onlyIfNone ? sql`${issuers.id} = ${issuerId} and ${issuers.signingKeyId} is null` : sql`${issuers.id} = ${issuerId}`)
      .returning(issuerColumns),
    {
      after: sql`stored_key as (${db
        .insert(issuerKeys)
        .select(sql`select ${key.id}, id, ${sql.param(key.privateKeyCiphertext, issuerKeys.privateKeyCiphertext)}, now() from changed`)
        .getSQL()})`,
      by,
    },
  );

export const insertIssuer = (db: Database, values: NewIssuer, by?: WrittenBy) => run(db, insertIssuerStatement(db, values, by), issuerRows);
export const updateIssuer = (db: Database, id: string, patch: Partial<NewIssuer>, by?: WrittenBy) =>
  run(db, updateIssuerStatement(db, id, patch, by), issuerRows);
export const insertBadgeClass = (db: Database, values: NewBadgeClass, by?: WrittenBy) =>
  run(db, insertBadgeClassStatement(db, values, by), badgeClassRows);
export const updateBadgeClass = (db: Database, id: string, patch: Partial<NewBadgeClass>, by?: WrittenBy) =>
  run(db, updateBadgeClassStatement(db, id, patch, by), badgeClassRows);
export const insertAssertions = (db: Database, badgeClassId: string, awards: readonly NewAward[], by?: WrittenBy) =>
  run(db, insertAssertionsStatement(badgeClassId, awards, by), assertionRows);
export const revokeAssertion = (db: Database, id: string, reason: string, by?: WrittenBy) =>
  run(db, revokeAssertionStatement(db, id, reason, by), assertionRows);
export const setSigningKey = (
  db: Database,
  issuerId: string,
  key: { id: string; privateKeyCiphertext: Uint8Array },
  onlyIfNone: boolean,
  by?: WrittenBy,
) => run(db, setSigningKeyStatement(db, issuerId, key, onlyIfNone, by), issuerRows);

const apiKeyRows = rowsAs<ApiKeyRecord>(apiKeyColumns);

export type NewApiKey = typeof apiKeys.$inferInsert;

export const insertApiKey = (db: Database, values: NewApiKey, by: WrittenBy) =>
  run(db, recorded('apiKey', db.insert(apiKeys).values(values).returning(apiKeyColumns), { by }), apiKeyRows);

/** Revokes once (a second revoke keeps the first time); the new version reaches every isolate through the tiers. */
export const revokeApiKey = (db: Database, id: string, by: WrittenBy) =>
  run(
    db,
    recorded(
      'apiKey',
      db
        .update(apiKeys)
        .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())`, ...bumped(apiKeys) })
        .where(sql`${apiKeys.id} = ${id}`)
        .returning(apiKeyColumns),
      { by },
    ),
    apiKeyRows,
  );

/** Notes a key's use, at most once a minute (not a versioned change: the tiers' copy stays). */
export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(sql`${apiKeys.id} = ${id} and (${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`);
}

/** The write first made under an idempotency key; undefined when there is none. */
export async function loadIdempotentWrite(db: Database, principal: string, key: string) {
  const rows = await db
    .select({ requestHash: idempotencyKeys.requestHash, recordKind: idempotencyKeys.recordKind, records: idempotencyKeys.records })
    .from(idempotencyKeys)
    .where(sql`${idempotencyKeys.principal} = ${principal} and ${idempotencyKeys.key} = ${key}`);
  return rows[0];
}

/** Forgets keys older than `hours` (a retry that late is a new request): one statement. */
export async function forgetIdempotencyKeys(db: Database, hours: number): Promise<void> {
  await db.delete(idempotencyKeys).where(sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${hours})`);
}
