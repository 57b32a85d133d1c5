/**
 * @module Data access for documents and verification: records through the cache tiers,
 * images and revocation pages straight from the database, every statement metered.
 */
import type { AssertionBundle, BadgeClassRecord, IssuerRecord, RevocationPage } from '../db/queries.ts';
import { loadAssertionImage, loadBadgeImage, loadRevocationPage } from '../db/queries.ts';
import { readThrough } from './read-through.ts';
import { badgeRecords, bundles, issuerRecords, readQuery } from './records.ts';
import type { DataScope } from './scope.ts';

/** Bundles by id; ids not found are absent. However many ids: one Redis call and one statement at most. */
export function getAssertionBundles(scope: DataScope, ids: readonly string[]): Promise<Map<string, AssertionBundle>> {
  return readThrough(scope, bundles, ids);
}

export async function getAssertionBundle(scope: DataScope, id: string): Promise<AssertionBundle | undefined> {
  return (await getAssertionBundles(scope, [id])).get(id);
}

export async function getIssuer(scope: DataScope, id: string): Promise<IssuerRecord | undefined> {
  return (await readThrough(scope, issuerRecords, [id])).get(id);
}

export async function getBadgeClass(scope: DataScope, id: string): Promise<BadgeClassRecord | undefined> {
  return (await readThrough(scope, badgeRecords, [id])).get(id);
}

/** Image bytes stay out of Redis and L1: the edge tier and downstream caches keep images. */
export function getBadgeImage(scope: DataScope, badgeClassId: string) {
  return readQuery(scope, (db) => loadBadgeImage(db, badgeClassId));
}

export function getAssertionImage(scope: DataScope, assertionId: string) {
  return readQuery(scope, (db) => loadAssertionImage(db, assertionId));
}

export function getRevocationPage(scope: DataScope, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  return readQuery(scope, (db) => loadRevocationPage(db, issuerId, after, limit));
}
