/**
 * @module Reading records through the tiers: L1 (isolate memory) → Redis (one script call) →
 * the database (one statement), writing back on the way up. Caches are optional, never a gate.
 *
 * An assertion bundle is assembled from three records (assertion, badge class, issuer), each
 * cached on its own, so a definition edit touches one key. A cold verification still costs one
 * Redis round trip and one statement, however many ids.
 *
 * The read replica, when configured, only serves reads that Redis answered with a miss: every
 * write writes its record through to Redis, so a miss there means no write that a lagging
 * replica could hide. When Redis failed (or is off), the primary answers; so it does for records
 * this isolate wrote while Redis did not take them (`UnconfirmedVersions`): Redis's older copy
 * is left out until it holds the write, so the writer never reads back what it replaced.
 */
import type { RecordOf } from '../../cache/codec.ts';
import { recordKey } from '../../cache/keys.ts';
import type { Database } from '../../db/client.ts';
import { loadApiKeys, loadAssertionBundles, loadBadgeClasses, loadDefinitionPairs, loadIssuers } from '../../db/queries.ts';
import type { AssertionBundle } from '../../db/records.ts';
import { readQuery } from '../query.ts';
import { type DataScope, inBackground } from '../scope.ts';
import { databaseFor, type Found, keepInL1, keyOf, loadStart, readFromRedis, rememberAbsent, writeBackToRedis } from '../tiers.ts';

/** At most this many held definitions are named to Redis (so it does not send them back). */
const MAX_HELD_NAMED = 100;

type Definition = 'badge' | 'issuer' | 'apiKey';

function lookupL1<K extends keyof RecordOf>(scope: DataScope, kind: K, id: string) {
  return scope.readsL1?.lookup<RecordOf[K]>(recordKey(kind, id));
}

function bundleInL1(scope: DataScope, id: string): { bundle: AssertionBundle; refresh: boolean } | undefined {
  const assertion = lookupL1(scope, 'assertion', id);
  const badge = assertion && lookupL1(scope, 'badge', assertion.value.badgeClassId);
  const issuer = assertion && lookupL1(scope, 'issuer', assertion.value.issuerId);
  if (!assertion || !badge || !issuer) return undefined;
  return {
    bundle: { assertion: assertion.value, badge: badge.value, issuer: issuer.value },
    refresh: assertion.refresh || badge.refresh || issuer.refresh,
  };
}

/** Loads older than the L1 lifetime are not joined: sharing one must not widen the L1 bound. */
const joinWindow = (scope: DataScope) => scope.deps.config.cache.l1.ttlSeconds * 1000;

/** The newer of two copies of a record (either may be absent): no tier's older copy wins. */
const newer = <T extends { version: number }>(a: T | undefined, b: T | undefined): T | undefined =>
  !a ? b : !b ? a : b.version > a.version ? b : a;

/**
 * Redis, then the database for whatever no tier had: assertions Redis lacked come with their
 * definitions in one statement (assertion ⋈ badge class ⋈ issuer); definitions missing for
 * assertions a tier did have come from one more (badge class ⋈ issuer), so a record a cache
 * holds is never re-read from a replica that may lag it. Every record is merged by version,
 * kept in L1 (unless a write in this isolate overtook the load) and written back to Redis
 * (compare-and-set).
 */
async function loadBundles(scope: DataScope, ids: readonly string[]): Promise<Map<string, AssertionBundle>> {
  const since = loadStart(scope);
  const held = scope.readsL1?.freshKeys(MAX_HELD_NAMED) ?? [];
  const fromRedis = await readFromRedis(
    scope,
    ids.map((id) => recordKey('assertion', id)),
    held,
  );
  if (fromRedis) keepInL1(scope, fromRedis.records.values(), since);
  const fromDatabase = new Map<string, Found>();
  const known = <K extends keyof RecordOf>(kind: K, id: string): RecordOf[K] | undefined =>
    newer(
      newer(fromRedis?.records.get(recordKey(kind, id))?.record as RecordOf[K] | undefined, lookupL1(scope, kind, id)?.value),
      fromDatabase.get(recordKey(kind, id))?.record as RecordOf[K] | undefined,
    );

  // Ids Redis knows to have no record are answered "none" without a statement.
  const missingAssertions = ids.filter((id) => !known('assertion', id) && !fromRedis?.absent.has(recordKey('assertion', id)));
  const definitionsMissing = ids.flatMap((id) => {
    const assertion = known('assertion', id);
    return assertion && (!known('badge', assertion.badgeClassId) || !known('issuer', assertion.issuerId)) ? [assertion] : [];
  });
  const missingDefinitions = [...new Set(definitionsMissing.map((assertion) => assertion.badgeClassId))];
  if (missingAssertions.length || missingDefinitions.length) {
    const db = databaseFor(scope, fromRedis !== undefined, [
      ...missingAssertions.map((id) => recordKey('assertion', id)),
      ...definitionsMissing.flatMap((assertion) => [recordKey('badge', assertion.badgeClassId), recordKey('issuer', assertion.issuerId)]),
    ]);
    const [bundleRows, pairs] = await Promise.all([
      missingAssertions.length ? readQuery(scope, (d) => loadAssertionBundles(d, missingAssertions), db) : [],
      missingDefinitions.length ? readQuery(scope, (d) => loadDefinitionPairs(d, missingDefinitions), db) : [],
    ]);
    scope.cache.served.add('db');
    const loaded: Found[] = [
      ...bundleRows.flatMap((row): Found[] => [
        { kind: 'assertion', record: row.assertion },
        { kind: 'badge', record: row.badge },
        { kind: 'issuer', record: row.issuer },
      ]),
      ...pairs.flatMap((pair): Found[] => [
        { kind: 'badge', record: pair.badge },
        { kind: 'issuer', record: pair.issuer },
      ]),
    ];
    for (const found of loaded) fromDatabase.set(keyOf(found), found);
    keepInL1(scope, loaded, since);
    if (fromRedis) {
      const none = missingAssertions.filter((id) => !fromDatabase.has(recordKey('assertion', id)));
      scope.waitUntil(
        writeBackToRedis(scope, loaded).then(() =>
          rememberAbsent(
            scope,
            none.map((id) => recordKey('assertion', id)),
          ),
        ),
      );
    }
  }

  const bundles = new Map<string, AssertionBundle>();
  for (const id of ids) {
    const assertion = known('assertion', id);
    const badge = assertion && known('badge', assertion.badgeClassId);
    const issuer = assertion && known('issuer', assertion.issuerId);
    if (assertion && badge && issuer) bundles.set(id, { assertion, badge, issuer });
  }
  if (fromRedis?.records.size || fromRedis?.absent.size) scope.cache.served.add('redis');
  return bundles;
}

/** Assertion bundles by id; ids not found are absent. However many ids: one Redis call and one statement at most. */
export async function readAssertionBundles(scope: DataScope, ids: readonly string[]): Promise<Map<string, AssertionBundle>> {
  const found = new Map<string, AssertionBundle>();
  const missing: string[] = [];
  const due: string[] = [];
  for (const id of new Set(ids)) {
    const hit = bundleInL1(scope, id);
    if (!hit) missing.push(id);
    else {
      found.set(id, hit.bundle);
      if (hit.refresh) due.push(id);
    }
  }
  if (found.size) scope.cache.served.add('l1');
  const { inFlight } = scope.deps;
  const joinWithinMs = joinWindow(scope);
  // A hot record is reloaded before it expires, so its readers never wait on the next tier.
  if (due.length)
    inBackground(
      scope,
      'L1 refresh',
      inFlight.run(`bundles:${due.join(',')}`, () => loadBundles(scope, due), joinWithinMs),
    );
  if (!missing.length) return found;
  const loaded = await inFlight.run(`bundles:${missing.join(',')}`, () => loadBundles(scope, missing), joinWithinMs);
  for (const [id, bundle] of loaded) found.set(id, bundle);
  return found;
}

const loadDefinitionRows = {
  badge: loadBadgeClasses,
  issuer: loadIssuers,
  apiKey: loadApiKeys,
} satisfies Record<Definition, (db: Database, ids: readonly string[]) => Promise<unknown[]>>;

async function loadDefinition<K extends Definition>(scope: DataScope, kind: K, id: string): Promise<RecordOf[K] | undefined> {
  const since = loadStart(scope);
  const key = recordKey(kind, id);
  const fromRedis = await readFromRedis(scope, [key]);
  if (fromRedis?.absent.has(key)) {
    scope.cache.served.add('redis');
    return undefined;
  }
  const hit = fromRedis?.records.get(key);
  if (hit) {
    scope.cache.served.add('redis');
    keepInL1(scope, [hit], since);
    return hit.record as RecordOf[K];
  }
  const query = loadDefinitionRows[kind] as (db: Database, ids: readonly string[]) => Promise<Array<RecordOf[K]>>;
  const [row] = await readQuery(scope, (db) => query(db, [id]), databaseFor(scope, fromRedis !== undefined, [key]));
  scope.cache.served.add('db');
  if (!row) {
    if (fromRedis) scope.waitUntil(rememberAbsent(scope, [key]));
    return undefined;
  }
  const found = { kind, record: row } as Found;
  keepInL1(scope, [found], since);
  if (fromRedis) scope.waitUntil(writeBackToRedis(scope, [found]));
  return row;
}

/** An issuer, badge class or API key by id, through the tiers; undefined when there is none. */
export async function readDefinition<K extends Definition>(scope: DataScope, kind: K, id: string): Promise<RecordOf[K] | undefined> {
  const hit = lookupL1(scope, kind, id);
  const load = () => scope.deps.inFlight.run(`${kind}:${id}`, () => loadDefinition(scope, kind, id), joinWindow(scope));
  if (!hit) return load();
  scope.cache.served.add('l1');
  if (hit.refresh) inBackground(scope, 'L1 refresh', load());
  return hit.value;
}
