/**
 * @module The read queries: each one SQL statement, built once per Drizzle instance (the SQL
 * string is cached; Neon HTTP has no server-side prepared statements).
 */
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import {
  type ApiKeyRecord,
  type AssertionBundle,
  type AssertionRecord,
  apiKeyColumns,
  assertionColumns,
  type BadgeClassRecord,
  badgeClassColumns,
  type IssuerRecord,
  issuerColumns,
} from './records.ts';
import { apiKeys, assertions, badgeClasses, issuerKeys, issuers, type RecordKind, STATUS_LIST_SIZE, statusLists } from './schema.ts';

export type RevocationPage = { issuerExists: boolean; revoked: Array<{ id: string; revocationReason: string | null }> };

function prepareAll(db: Database) {
  return {
    // Verification and the assertion document: assertion ⋈ badge class ⋈ issuer, any number of ids.
    assertionBundles: db
      .select({ assertion: assertionColumns, badge: badgeClassColumns, issuer: issuerColumns })
      .from(assertions)
      .innerJoin(badgeClasses, eq(badgeClasses.id, assertions.badgeClassId))
      .innerJoin(issuers, eq(issuers.id, assertions.issuerId))
      .where(sql`${assertions.id} = any(${sql.placeholder('ids')}::text[])`)
      .prepare('assertion_bundles'),
    // A badge class with its issuer, for assertions whose definitions no cache holds.
    definitionPairs: db
      .select({ badge: badgeClassColumns, issuer: issuerColumns })
      .from(badgeClasses)
      .innerJoin(issuers, eq(issuers.id, badgeClasses.issuerId))
      .where(sql`${badgeClasses.id} = any(${sql.placeholder('ids')}::text[])`)
      .prepare('definition_pairs'),
    issuers: db
      .select(issuerColumns)
      .from(issuers)
      .where(sql`${issuers.id} = any(${sql.placeholder('ids')}::text[])`)
      .prepare('issuers'),
    badgeClasses: db
      .select(badgeClassColumns)
      .from(badgeClasses)
      .where(sql`${badgeClasses.id} = any(${sql.placeholder('ids')}::text[])`)
      .prepare('badge_classes'),
    badgeImage: db
      .select({ bytes: badgeClasses.imageBytes, type: badgeClasses.imageType, url: badgeClasses.imageUrl, version: badgeClasses.version })
      .from(badgeClasses)
      .where(eq(badgeClasses.id, sql.placeholder('id')))
      .prepare('badge_image'),
  };
}

type Prepared = ReturnType<typeof prepareAll>;
type RowOf<Query extends { execute: (...args: never[]) => Promise<unknown[]> }> = Awaited<ReturnType<Query['execute']>>[number];

export type BadgeImage = RowOf<Prepared['badgeImage']>;

const preparedByDb = new WeakMap<Database, Prepared>();

/** The prepared read queries of `db`, built on first use. */
export function prepared(db: Database) {
  let queries = preparedByDb.get(db);
  if (!queries) {
    queries = prepareAll(db);
    preparedByDb.set(db, queries);
  }
  return queries;
}

/** One statement for any number of ids; unknown ids are simply absent from the result. */
export function loadAssertionBundles(db: Database, ids: readonly string[]): Promise<AssertionBundle[]> {
  return prepared(db).assertionBundles.execute({ ids: [...ids] });
}

/** Badge classes with their issuers, by badge class id: one statement. */
export function loadDefinitionPairs(
  db: Database,
  badgeClassIds: readonly string[],
): Promise<Array<Pick<AssertionBundle, 'badge' | 'issuer'>>> {
  return prepared(db).definitionPairs.execute({ ids: [...badgeClassIds] });
}

export function loadIssuers(db: Database, ids: readonly string[]): Promise<IssuerRecord[]> {
  return prepared(db).issuers.execute({ ids: [...ids] });
}

export function loadBadgeClasses(db: Database, ids: readonly string[]): Promise<BadgeClassRecord[]> {
  return prepared(db).badgeClasses.execute({ ids: [...ids] });
}

export function loadApiKeys(db: Database, ids: readonly string[]): Promise<ApiKeyRecord[]> {
  return db
    .select(apiKeyColumns)
    .from(apiKeys)
    .where(sql`${apiKeys.id} = any(${sql.param([...ids])}::text[])`);
}

type RecordsLoader = (db: Database, ids: readonly string[]) => Promise<Array<{ id: string; version: number }>>;

/** The current records of each kind by id (for the write path's replays and the outbox drain): one statement per kind. */
export const loadRecordsOf: Record<RecordKind, RecordsLoader> = {
  assertion: async (db: Database, ids: readonly string[]): Promise<AssertionRecord[]> =>
    (await loadAssertionBundles(db, ids)).map((bundle) => bundle.assertion),
  badge: loadBadgeClasses,
  issuer: loadIssuers,
  apiKey: loadApiKeys,
};

/** Every API key (a deployment has a few per issuer), newest first, with its last use. */
export function loadApiKeyList(db: Database) {
  return db
    .select({ ...apiKeyColumns, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .orderBy(sql`${apiKeys.createdAt} desc`);
}

export async function loadBadgeImage(db: Database, badgeClassId: string): Promise<BadgeImage | undefined> {
  return (await prepared(db).badgeImage.execute({ id: badgeClassId }))[0];
}

/**
 * One keyset page of an issuer's revoked assertions, after the id `after` (exclusive), plus
 * whether the issuer exists: one statement, served by assertions_revoked_by_issuer_idx.
 */
export async function loadRevocationPage(db: Database, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  const rows = await revocationPageQuery(db, issuerId, after, limit);
  return {
    issuerExists: rows.length > 0,
    revoked: rows.flatMap((row) => (row.id === null ? [] : [{ id: row.id, revocationReason: row.revocationReason }])),
  };
}

/** The issuer LEFT JOIN LATERAL one page of its revoked assertions: no row = no issuer. */
export function revocationPageQuery(db: Database, issuerId: string, after: string, limit: number) {
  const page = db
    .select({ id: assertions.id, revocationReason: assertions.revocationReason })
    .from(assertions)
    .where(and(eq(assertions.issuerId, issuers.id), isNotNull(assertions.revokedAt), gt(assertions.id, after)))
    .orderBy(asc(assertions.id))
    .limit(limit)
    .as('page');
  return db
    .select({ id: page.id, revocationReason: page.revocationReason })
    .from(issuers)
    .leftJoinLateral(page, sql`true`)
    .where(eq(issuers.id, issuerId));
}

/** An issuer's stored signing key (its private half encrypted), or undefined. */
export async function loadIssuerKey(db: Database, keyId: string) {
  const [row] = await db
    .select({ issuerId: issuerKeys.issuerId, privateKeyCiphertext: issuerKeys.privateKeyCiphertext })
    .from(issuerKeys)
    .where(eq(issuerKeys.id, keyId));
  return row;
}

/**
 * What one status list is built from, in one statement: whether the issuer has allocated it (an
 * award took a position on it), its version, the issuer's key (encrypted) and the revoked positions on it.
 */
export type StatusListSource = {
  allocated: boolean;
  version: number;
  signingKeyId: string | null;
  privateKeyCiphertext: Uint8Array | null;
  revoked: number[];
};

/** Undefined when the issuer does not exist; version 0 for a list no revoke has touched. */
export async function loadStatusListSource(db: Database, issuerId: string, listNumber: number): Promise<StatusListSource | undefined> {
  const from = listNumber * STATUS_LIST_SIZE;
  const [row] = await db
    .select({
      allocated: sql<boolean>`${issuers.nextStatusIndex} > ${from}`.mapWith((value) => value === true || value === 't'),
      version: sql<number>`coalesce(${statusLists.version}, 0)`.mapWith(Number),
      signingKeyId: issuers.signingKeyId,
      privateKeyCiphertext: issuerKeys.privateKeyCiphertext,
      revoked: sql<number[]>`array(select ${assertions.statusIndex} - ${from} from ${assertions}
        where ${assertions.issuerId} = ${issuers.id} and ${assertions.revokedAt} is not null and ${assertions.statusIndex} is not null
          and ${assertions.statusIndex} >= ${from} and ${assertions.statusIndex} < ${from + STATUS_LIST_SIZE})`,
    })
    .from(issuers)
    .leftJoin(statusLists, and(eq(statusLists.issuerId, issuers.id), eq(statusLists.listNumber, listNumber)))
    .leftJoin(issuerKeys, eq(issuerKeys.id, issuers.signingKeyId))
    .where(eq(issuers.id, issuerId));
  return row && { ...row, revoked: row.revoked.map(Number) };
}
