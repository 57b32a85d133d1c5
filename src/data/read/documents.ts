/**
 * @module The reads routes and verification make, one verb (`read…`): records through the cache
 * tiers (or from the primary where an absence would refuse something), images through Redis,
 * revocation pages straight from the primary, every statement metered.
 */

import { publicKeysOf } from '../../credentials/issuer-dids.ts';
import type { RevocationPage } from '../../db/queries.ts';
import { loadAssertionBundles, loadBadgeClasses, loadIssuers, loadRevocationPage } from '../../db/queries.ts';
import type { AssertionBundle, BadgeClassRecord, IssuerRecord } from '../../db/records.ts';
import { readQuery } from '../query.ts';
import type { DataScope } from '../scope.ts';
import { readAssertionBundles, readDefinition } from './records.ts';

/**
 * Through the tiers, or with `fromPrimary` from the primary alone: for a record whose absence
 * would refuse something (a tier's or a lagging replica's copy may predate its write).
 */
export async function readAssertionBundle(scope: DataScope, id: string, fromPrimary = false): Promise<AssertionBundle | undefined> {
  if (fromPrimary) return (await readQuery(scope, (db) => loadAssertionBundles(db, [id]), scope.deps.db))[0];
  return (await readAssertionBundles(scope, [id])).get(id);
}

export const readIssuer = async (scope: DataScope, id: string, fromPrimary = false): Promise<IssuerRecord | undefined> =>
  fromPrimary ? (await readQuery(scope, (db) => loadIssuers(db, [id]), scope.deps.db))[0] : readDefinition(scope, 'issuer', id);

/**
 * Every public key of the issuer (its DID document); undefined when there is no such issuer.
 * `fromPrimary` for a key the tiers' copy may be too old to know (a rotation elsewhere moments ago,
 * a lagging replica).
 */
export async function readIssuerKeys(scope: DataScope, issuerId: string, fromPrimary = false): Promise<string[] | undefined> {
  const issuer = await readIssuer(scope, issuerId, fromPrimary);
  return issuer && publicKeysOf(issuer);
}

export const readBadgeClass = async (scope: DataScope, id: string, fromPrimary = false): Promise<BadgeClassRecord | undefined> =>
  fromPrimary ? (await readQuery(scope, (db) => loadBadgeClasses(db, [id]), scope.deps.db))[0] : readDefinition(scope, 'badge', id);

/** On the primary too: a revocation list read from a lagging replica would miss the latest revokes. */
export function readRevocationPage(scope: DataScope, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  return readQuery(scope, (db) => loadRevocationPage(db, issuerId, after, limit), scope.deps.db);
}
