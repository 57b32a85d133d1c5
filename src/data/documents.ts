/**
 * @module Data access for documents and verification: records through the cache tiers,
 * images through Redis, revocation pages straight from the primary, every statement metered.
 */
import type { AssertionBundle, BadgeClassRecord, IssuerRecord, RevocationPage } from '../db/queries.ts';
import { loadIssuers, loadRevocationPage } from '../db/queries.ts';
import { readQuery } from './query.ts';
import { readAssertionBundles, readDefinition } from './records.ts';
import type { DataScope } from './scope.ts';

/** Bundles by id; ids not found are absent. However many ids: one Redis call and one statement at most. */
export const getAssertionBundles = readAssertionBundles;

export async function getAssertionBundle(scope: DataScope, id: string): Promise<AssertionBundle | undefined> {
  return (await readAssertionBundles(scope, [id])).get(id);
}

export const getIssuer = (scope: DataScope, id: string): Promise<IssuerRecord | undefined> => readDefinition(scope, 'issuer', id);

/**
 * Whether `keyId` is one of the issuer's keys (its DID document); undefined when there is no such
 * issuer. A key the cached copy does not know may come from a rotation made elsewhere moments ago,
 * or one a lagging replica has not seen: only the primary refuses a key.
 */
export async function issuerHasKey(scope: DataScope, issuerId: string, keyId: string): Promise<boolean | undefined> {
  const known = await getIssuer(scope, issuerId);
  if (known?.publicKeyIds.includes(keyId)) return true;
  const [current] = await readQuery(scope, (db) => loadIssuers(db, [issuerId]), scope.deps.db);
  return current?.publicKeyIds.includes(keyId);
}

export const getBadgeClass = (scope: DataScope, id: string): Promise<BadgeClassRecord | undefined> => readDefinition(scope, 'badge', id);

/** Image bytes under the badge's version, through Redis (never in L1: images are large). */
export { readBadgeImage as getBadgeImage } from './images.ts';

/** On the primary too: a revocation list read from a lagging replica would miss the latest revokes. */
export function getRevocationPage(scope: DataScope, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  return readQuery(scope, (db) => loadRevocationPage(db, issuerId, after, limit), scope.deps.db);
}
