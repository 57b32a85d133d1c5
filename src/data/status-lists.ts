/**
 * @module Bitstring Status Lists in data access. A list is signed once per change: a revoke's
 * write (or the outbox drain after it) rebuilds and signs its list (under both DID methods) and writes it through to Redis
 * with the records' compare-and-set (`version|json`, the list's version from the revoke's own
 * statement); a read answers from Redis, or builds it with one statement on the primary.
 */
import { statusListKey } from '../cache/keys.ts';
import { signDocument } from '../credentials/data-integrity.ts';
import { type IssuerDids, issuerDids } from '../credentials/issuer-dids.ts';
import { encodeStatusBits, statusListCredential } from '../credentials/status-list.ts';
import type { AssertionRecord, StatusListSource } from '../db/queries.ts';
import { loadStatusListSource } from '../db/queries.ts';
import { STATUS_LIST_SIZE } from '../db/schema.ts';
import { readQuery } from './query.ts';
import type { DataScope } from './scope.ts';
import { openStoredKey, setNewSigningKey } from './signing-keys.ts';
import { readValueFromRedis, writeNewerToRedis } from './tiers.ts';

export type StatusList = { version: number; json: string };
/** A list as signed for one keyspace (the DID method that names its issuer, and the host). */
type SignedList = { keyspace: string; list: StatusList };

type Source = StatusListSource & { signingKeyId: string; privateKeyCiphertext: Uint8Array };

/** What list `listNumber` of an issuer is built from (one statement on the primary); undefined when the issuer does not exist. */
async function loadSource(scope: DataScope, issuerId: string, listNumber: number): Promise<Source | undefined> {
  const load = () => readQuery(scope, (db) => loadStatusListSource(db, issuerId, listNumber), scope.deps.db);
  let source = await load();
  if (!source) return undefined;
  if (!source.signingKeyId) {
    // The issuer's first signed document: its key is made now (once per issuer, ever).
    await setNewSigningKey(scope, issuerId, true);
    source = await load();
  }
  return source?.signingKeyId && source.privateKeyCiphertext ? (source as Source) : undefined;
}

/** The list built from `source`, signed once per naming of its issuer in `namings` (the bits are encoded and the key opened once). */
async function signLists(
  scope: DataScope,
  issuerId: string,
  listNumber: number,
  source: Source,
  namings: readonly IssuerDids[],
): Promise<SignedList[]> {
  const keyId = source.signingKeyId;
  const url = scope.deps.urls.statusList(issuerId, listNumber);
  const [encodedList, key] = await Promise.all([
    encodeStatusBits(source.revoked),
    openStoredKey(scope, issuerId, keyId, source.privateKeyCiphertext),
  ]);
  return Promise.all(
    namings.map(async (dids) => {
      const unsigned = statusListCredential(url, dids.issuer(issuerId, keyId), encodedList, new Date());
      const signed = await signDocument(unsigned, dids.verificationMethod(issuerId, keyId), key, new Date());
      return { keyspace: dids.keyspace, list: { version: source.version, json: JSON.stringify(signed) } };
    }),
  );
}

/** One compare-and-set write (`version|json`) of the signed lists, each in its keyspace, in one Redis call; false when Redis failed. */
async function keep(scope: DataScope, issuerId: string, listNumber: number, signed: readonly SignedList[]): Promise<boolean> {
  const entries = signed.map(({ keyspace, list }) => ({
    key: statusListKey(issuerId, listNumber, keyspace),
    value: `${list.version}|${list.json}`,
  }));
  return (await writeNewerToRedis(scope, entries)) !== 'failed';
}

/** The signed list, from Redis when it has it, else built (and kept); undefined when the issuer has none. */
export async function readStatusList(scope: DataScope, issuerId: string, listNumber: number): Promise<StatusList | undefined> {
  const stored = await readValueFromRedis(scope, statusListKey(issuerId, listNumber, scope.deps.dids.keyspace));
  const bar = stored?.indexOf('|') ?? -1;
  if (stored && bar > 0) {
    scope.cache.served.add('redis');
    return { version: Number(stored.slice(0, bar)), json: stored.slice(bar + 1) };
  }
  const source = await loadSource(scope, issuerId, listNumber);
  scope.cache.served.add('db');
  if (!source) return undefined;
  const signed = await signLists(scope, issuerId, listNumber, source, [scope.deps.dids]);
  if (stored !== undefined) scope.waitUntil(keep(scope, issuerId, listNumber, signed));
  return signed[0]!.list;
}

/** How each DID method names issuers, this deployment's first. */
const everyMethod = ({ deps }: DataScope): IssuerDids[] => [
  deps.dids,
  issuerDids(deps.dids.method === 'web' ? 'key' : 'web', deps.config.publicBaseUrl),
];

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

/**
 * Rebuilds, signs and writes through every list `changed` revoked awards on, under both DID
 * methods: isolates of a deploy that switches methods read the other one, and a list they kept
 * must not stay behind. False when one could not be kept.
 */
export async function refreshStatusLists(scope: DataScope, changed: readonly AssertionRecord[]): Promise<boolean> {
  if (!scope.deps.config.credentialKeySecret) return true; // no lists are served, so none is kept
  let kept = true;
  for (const { issuerId, listNumber } of changedStatusLists(changed)) {
    try {
      const source = await loadSource(scope, issuerId, listNumber);
      if (!source) continue;
      kept = (await keep(scope, issuerId, listNumber, await signLists(scope, issuerId, listNumber, source, everyMethod(scope)))) && kept;
    } catch (error) {
      // The revoke has committed: its list is rebuilt by the outbox drain, never failed back to the issuer.
      console.warn(`status list ${issuerId}/${listNumber} not refreshed: ${(error as Error).message}`);
      kept = false;
    }
  }
  return kept;
}
