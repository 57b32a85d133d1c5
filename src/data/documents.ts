/**
 * @module Data access for documents and verification: the one place that decides where a
 * record comes from (database today; cache tiers slot in here), with every query metered.
 */
import { metered } from '../db/meter.ts';
import {
  type AssertionBundle,
  type BadgeClassRecord,
  type BadgeImage,
  type IssuerRecord,
  type RevocationPage,
  loadAssertionBundles,
  loadAssertionImage,
  loadBadgeClass,
  loadBadgeImage,
  loadIssuer,
  loadRevocationPage,
} from '../db/queries.ts';
import type { DataScope } from './scope.ts';
import { asOutage } from './unavailable.ts';

function query<T>(scope: DataScope, run: () => Promise<T>): Promise<T> {
  return metered(scope.meter, 1, run).catch(asOutage);
}

/** Bundles by id, in one statement; ids not found are absent from the map. */
export async function getAssertionBundles(scope: DataScope, ids: readonly string[]): Promise<Map<string, AssertionBundle>> {
  const unique = [...new Set(ids)];
  const bundles = unique.length ? await query(scope, () => loadAssertionBundles(scope.deps.readDb, unique)) : [];
  return new Map(bundles.map((bundle) => [bundle.assertion.id, bundle]));
}

export async function getAssertionBundle(scope: DataScope, id: string): Promise<AssertionBundle | undefined> {
  return (await getAssertionBundles(scope, [id])).get(id);
}

export function getIssuer(scope: DataScope, id: string): Promise<IssuerRecord | undefined> {
  return query(scope, () => loadIssuer(scope.deps.readDb, id));
}

export function getBadgeClass(scope: DataScope, id: string): Promise<BadgeClassRecord | undefined> {
  return query(scope, () => loadBadgeClass(scope.deps.readDb, id));
}

export function getBadgeImage(scope: DataScope, badgeClassId: string): Promise<BadgeImage | undefined> {
  return query(scope, () => loadBadgeImage(scope.deps.readDb, badgeClassId));
}

export function getAssertionImage(scope: DataScope, assertionId: string) {
  return query(scope, () => loadAssertionImage(scope.deps.readDb, assertionId));
}

export function getRevocationPage(scope: DataScope, issuerId: string, after: string, limit: number): Promise<RevocationPage> {
  return query(scope, () => loadRevocationPage(scope.deps.readDb, issuerId, after, limit));
}
