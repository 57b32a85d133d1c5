/**
 * @module The cached kinds of record: how each is keyed, how long each tier keeps it, how the
 * database loads many at once (one statement), and how it comes back from Redis's JSON.
 */
import { cacheKeys } from '../cache/keys.ts';
import type { Config } from '../config.ts';
import { metered } from '../db/meter.ts';
import { type AssertionBundle, type BadgeClassRecord, type IssuerRecord, loadAssertionBundles, loadBadgeClasses, loadIssuers } from '../db/queries.ts';
import type { DataScope } from './scope.ts';
import { asOutage } from './unavailable.ts';

export type RecordSource<T> = {
  name: string;
  key: (id: string) => string;
  l1Seconds: (config: Config) => number;
  redisSeconds: (config: Config) => number;
  /** One statement for all `ids`; the ones not found are absent. */
  load: (scope: DataScope, ids: readonly string[]) => Promise<Map<string, T>>;
  /** From the JSON Redis hands back (dates arrive as strings). */
  revive: (json: any) => T;
};

/** Runs one metered statement on the read database, turning an outage into 503. */
export function readQuery<T>(scope: DataScope, run: (db: DataScope['deps']['readDb']) => Promise<T>): Promise<T> {
  return metered(scope.meter, 1, () => run(scope.deps.readDb)).catch(asOutage);
}

const date = (value: string | Date) => new Date(value);
const optionalDate = (value: string | Date | null) => (value === null ? null : new Date(value));


export const bundles: RecordSource<AssertionBundle> = {
  name: 'bundle',
  key: cacheKeys.bundle,
  l1Seconds: (config) => config.cache.l1.assertionSeconds,
  redisSeconds: (config) => config.ttl.assertionSeconds,
  load: async (scope, ids) => new Map((await readQuery(scope, (db) => loadAssertionBundles(db, ids))).map((b) => [b.assertion.id, b])),
  revive: (json: AssertionBundle) => ({
    assertion: {
      ...json.assertion,
      issuedOn: date(json.assertion.issuedOn),
      expires: optionalDate(json.assertion.expires),
      revokedAt: optionalDate(json.assertion.revokedAt),
      updatedAt: date(json.assertion.updatedAt),
    },
    badge: { ...json.badge, updatedAt: date(json.badge.updatedAt) },
    issuer: { ...json.issuer, updatedAt: date(json.issuer.updatedAt) },
  }),
};

/** Issuers and badge classes: long-lived, removed on change, loaded by primary key. */
function definitions<T extends { id: string; updatedAt: Date }>(
  name: string,
  key: (id: string) => string,
  load: (db: DataScope['deps']['readDb'], ids: readonly string[]) => Promise<T[]>,
): RecordSource<T> {
  return {
    name,
    key,
    l1Seconds: (config) => config.cache.l1.definitionSeconds,
    redisSeconds: (config) => config.ttl.definitionSeconds,
    load: async (scope, ids) => new Map((await readQuery(scope, (db) => load(db, ids))).map((row) => [row.id, row])),
    revive: (json: T) => ({ ...json, updatedAt: date(json.updatedAt) }),
  };
}

export const issuerRecords = definitions<IssuerRecord>('issuer', cacheKeys.issuer, loadIssuers);
export const badgeRecords = definitions<BadgeClassRecord>('badge', cacheKeys.badge, loadBadgeClasses);
