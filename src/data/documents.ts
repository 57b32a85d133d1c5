/**
 * @module Data access for documents and verification: records through the cache tiers,
 * images and revocation pages straight from the database, every statement metered.
 */
import type { AssertionBundle, BadgeClassRecord, IssuerRecord, RevocationPage } from '../db/queries.ts';
import { loadAssertionImage, loadBadgeImage, loadRevocationPage } from '../db/queries.ts';
import { readQuery } from './query.ts';
import { readAssertionBundles, readDefinition } from './records.ts';
import type { DataScope } from './scope.ts';

/** Bundles by id; ids not found are absent. However many ids: one Redis call and one statement at most. */
export const getAssertionBundles = readAssertionBundles;

export async function getAssertionBundle(scope: DataScope, id: string): Promise<AssertionBundle | undefined> {
  return (await readAssertionBundles(scope, [id])).get(id);
}

export const getIssuer = (scope: DataScope, id: string): Promise<IssuerRecord | undefined> => readDefinition(scope, 'issuer', id);

export const getBadgeClass = (scope: DataScope, id: string): Promise<BadgeClassRecord | undefined> => readDefinition(scope, 'badge', id);

/** Image bytes stay out of Redis and L1: downstream caches keep images. */
export function getBadgeImage(scope: DataScope, badgeClassId: string) {
  return readQuery(scope, (db) => loadBadgeImage(db, badgeClassId));
}

/** On the primary: the answer carries revocation status, which no Redis read fences here (a replica may lag a revoke). */
export function getAssertionImage(scope: DataScope, assertionId: string) {
  return readQuery(scope, (db) => loadAssertionImage(db, assertionId), scope.deps.db);
}

/** On the primary too: a revocation list read from a lagging replica would miss the latest revokes. */
export function getRevocationPage(scope: DataScope, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  return readQuery(scope, (db) => loadRevocationPage(db, issuerId, after, limit), scope.deps.db);
}
