/**
 * @module Data access for documents and verification: records through the cache tiers,
 * images through Redis, revocation pages straight from the primary, every statement metered.
 */
import type { AssertionBundle, BadgeClassRecord, IssuerRecord, RevocationPage } from '../db/queries.ts';
import { loadRevocationPage } from '../db/queries.ts';
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

/** Image bytes under the badge's version, through Redis (never in L1: images are large). */
export { readBadgeImage as getBadgeImage } from './images.ts';

/** On the primary too: a revocation list read from a lagging replica would miss the latest revokes. */
export function getRevocationPage(scope: DataScope, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  return readQuery(scope, (db) => loadRevocationPage(db, issuerId, after, limit), scope.deps.db);
}
