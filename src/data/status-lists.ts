/**
 * @module Bitstring Status Lists in data access. A list is signed once per change: a revoke's
 * write (or the outbox drain after it) rebuilds and signs its list and writes it through to Redis
 * with the records' compare-and-set (`version|json`, the list's version from the revoke's own
 * statement); a read answers from Redis, or builds it with one statement on the primary.
 */
import { statusListKey } from '../cache/keys.ts';
import { signDocument } from '../credentials/data-integrity.ts';
import { statusListCredential } from '../credentials/status-list.ts';
import type { AssertionRecord } from '../db/queries.ts';
import { loadStatusListSource } from '../db/queries.ts';
import { STATUS_LIST_SIZE } from '../db/schema.ts';
import { readQuery } from './query.ts';
import type { DataScope } from './scope.ts';
import { openStoredKey, setNewSigningKey } from './signing-keys.ts';
import { readValueFromRedis, writeNewerToRedis } from './tiers.ts';

export type StatusList = { version: number; json: string };

/** The list `listNumber` of an issuer, built from the primary and signed; undefined when the issuer does not exist. */
async function buildStatusList(scope: DataScope, issuerId: string, listNumber: number): Promise<StatusList | undefined> {
  const load = () => readQuery(scope, (db) => loadStatusListSource(db, issuerId, listNumber), scope.deps.db);
  let source = await load();
  if (!source) return undefined;
  if (!source.signingKeyId) {
    // The issuer's first signed document: its key is made now (once per issuer, ever).
    await setNewSigningKey(scope, issuerId, true);
    source = await load();
  }
  if (!source?.signingKeyId || !source.privateKeyCiphertext) return undefined;
  const { dids, urls } = scope.deps;
  const keyId = source.signingKeyId;
  const unsigned = await statusListCredential(
    urls.statusList(issuerId, listNumber),
    dids.issuer(issuerId, keyId),
    source.revoked,
    new Date(),
  );
  const key = await openStoredKey(scope, issuerId, keyId, source.privateKeyCiphertext);
  const signed = await signDocument(unsigned, dids.verificationMethod(issuerId, keyId), key, new Date());
  return { version: source.version, json: JSON.stringify(signed) };
}

/** One compare-and-set write of a built list (`version|json`); false when Redis failed. */
async function keep(scope: DataScope, issuerId: string, listNumber: number, list: StatusList): Promise<boolean> {
  const value = `${list.version}|${list.json}`;
  return (await writeNewerToRedis(scope, [{ key: statusListKey(issuerId, listNumber, scope.deps.dids.method), value }])) !== 'failed';
}

/** The signed list, from Redis when it has it, else built (and kept); undefined when the issuer has none. */
export async function readStatusList(scope: DataScope, issuerId: string, listNumber: number): Promise<StatusList | undefined> {
  const stored = await readValueFromRedis(scope, statusListKey(issuerId, listNumber, scope.deps.dids.method));
  const bar = stored?.indexOf('|') ?? -1;
  if (stored && bar > 0) {
    scope.cache.served.add('redis');
    return { version: Number(stored.slice(0, bar)), json: stored.slice(bar + 1) };
  }
  const built = await buildStatusList(scope, issuerId, listNumber);
  scope.cache.served.add('db');
  if (built && stored !== undefined) scope.waitUntil(keep(scope, issuerId, listNumber, built));
  return built;
}

/** The lists that `changed` awards sit on, when a revoke changed them. */
export function changedStatusLists(changed: readonly AssertionRecord[]): Array<{ issuerId: string; listNumber: number }> {
  const lists = new Map<string, { issuerId: string; listNumber: number }>();
  for (const record of changed) {
    if (!record.revokedAt || record.statusIndex === null) continue;
    const listNumber = Math.floor(record.statusIndex / STATUS_LIST_SIZE);
    lists.set(`${record.issuerId}:${listNumber}`, { issuerId: record.issuerId, listNumber });
  }
  return [...lists.values()];
}

/** Rebuilds, signs and writes through every list `changed` revoked awards on; false when one could not be kept. */
export async function refreshStatusLists(scope: DataScope, changed: readonly AssertionRecord[]): Promise<boolean> {
  if (!scope.deps.config.credentialKeySecret) return true; // no lists are served, so none is kept
  let kept = true;
  for (const { issuerId, listNumber } of changedStatusLists(changed)) {
    try {
      const built = await buildStatusList(scope, issuerId, listNumber);
      if (built) kept = (await keep(scope, issuerId, listNumber, built)) && kept;
    } catch (error) {
      // The revoke has committed: its list is rebuilt by the outbox drain, never failed back to the issuer.
      console.warn(`status list ${issuerId}/${listNumber} not refreshed: ${(error as Error).message}`);
      kept = false;
    }
  }
  return kept;
}
