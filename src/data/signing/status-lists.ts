/**
 * @module Bitstring Status Lists in data access. A list is signed once per change: a revoke's
 * write (or the outbox drain after it) rebuilds and signs its list (under both DID methods) and writes it through to Redis
 * with the records' compare-and-set (`version|json`, the list's version from the revoke's own
 * statement); a read answers from Redis, or builds it with one statement on the primary. A list
 * that does not exist (no such issuer, or a list number it never allocated) is remembered in
 * Redis like a missing record, so asking again costs no statement; the award that allocates a
 * list replaces that at once (compare-and-set, see `statusListAllocationKey`).
 */
import { recordKey, statusListAllocationKey, statusListKey } from '../../cache/keys.ts';
import { signDocument } from '../../credentials/data-integrity.ts';
import { type IssuerDids, issuerDids } from '../../credentials/issuer-dids.ts';
import { encodeStatusBits, statusListCredential } from '../../credentials/status-list.ts';
import type { StatusListSource } from '../../db/queries.ts';
import { loadStatusListSource } from '../../db/queries.ts';
import type { AssertionRecord } from '../../db/records.ts';
import { STATUS_LIST_SIZE } from '../../db/schema.ts';
import { readQuery } from '../query.ts';
import type { ChangedStatusList, DataScope, StatusListUpkeep } from '../scope.ts';
import { readFromRedis, readValueFromRedis, rememberAbsent, writeNewerToRedis } from '../tiers.ts';
import { openStoredKey, setNewSigningKey } from './keys.ts';

export type StatusList = { version: number; json: string };
/** A list as signed for one keyspace (the DID method that names its issuer, and the host). */
type SignedList = { keyspace: string; list: StatusList };

type Source = StatusListSource & { signingKeyId: string; privateKeyCiphertext: Uint8Array };
/** Why there is no list to build: no such issuer, a list number it never allocated, or no key to sign with. */
type Missing = 'no issuer' | 'not allocated' | 'no key';

/** The value of `statusListAllocationKey` once an award has taken a position on the list. */
const ALLOCATED = '1|allocated';

/** What list `listNumber` of an issuer is built from (one statement on the primary), or why there is none. */
async function loadSource(scope: DataScope, issuerId: string, listNumber: number): Promise<Source | Missing> {
  const load = () => readQuery(scope, (db) => loadStatusListSource(db, issuerId, listNumber), scope.deps.db);
  let source = await load();
  if (!source) return 'no issuer';
  if (!source.allocated) return 'not allocated';
  if (!source.signingKeyId) {
    // The issuer's first signed document: its key is made now (once per issuer, ever).
    await setNewSigningKey(scope, issuerId, true);
    source = await load();
  }
  return source?.signingKeyId && source.privateKeyCiphertext ? (source as Source) : 'no key';
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

/**
 * The signed list, from Redis when it has it, else built (and kept); undefined when the issuer
 * has none. A kept list costs one Redis request; a missing one two (the list, then what Redis
 * remembers of the issuer and the list), and one statement the first time.
 */
export async function readStatusList(scope: DataScope, issuerId: string, listNumber: number): Promise<StatusList | undefined> {
  const key = statusListKey(issuerId, listNumber, scope.deps.dids.keyspace);
  // A list this isolate revoked on while Redis failed: Redis's copy predates it, so the primary decides until Redis takes one.
  const behind = scope.deps.tiers.redis?.unconfirmed.of(key) !== undefined;
  const stored = behind ? undefined : await readValueFromRedis(scope, key);
  const bar = stored?.indexOf('|') ?? -1;
  if (stored && bar > 0) {
    scope.cache.served.add('redis');
    return { version: Number(stored.slice(0, bar)), json: stored.slice(bar + 1) };
  }
  const allocation = statusListAllocationKey(issuerId, listNumber);
  const issuerKey = recordKey('issuer', issuerId);
  if (stored === null) {
    // Redis holds no list: it may remember that there is none (as `0|`, what it keeps for a missing record).
    const remembered = await readFromRedis(scope, [allocation, issuerKey]);
    if (remembered?.absent.has(allocation) || remembered?.absent.has(issuerKey)) {
      scope.cache.served.add('redis');
      return undefined;
    }
  }
  const source = await loadSource(scope, issuerId, listNumber);
  scope.cache.served.add('db');
  if (typeof source === 'string') {
    // Remembered with the compare-and-set: an issuer created, or a list allocated, since the statement stays.
    const absent = source === 'no issuer' ? [issuerKey] : source === 'not allocated' ? [allocation] : [];
    if (stored !== undefined && absent.length) scope.waitUntil(rememberAbsent(scope, absent));
    return undefined;
  }
  const signed = await signLists(scope, issuerId, listNumber, source, [scope.deps.dids]);
  if (behind) {
    // Built after the revoke that noted it: once Redis takes this one, its copy is as new.
    const lists = [{ issuerId, listNumber, revoked: true, allocated: false }];
    scope.waitUntil(keep(scope, issuerId, listNumber, signed).then((kept) => kept && noteStatusListsKept(scope, lists, true)));
  } else if (stored !== undefined) scope.waitUntil(keep(scope, issuerId, listNumber, signed));
  return signed[0]!.list;
}

/**
 * Notes (or clears) that Redis may hold lists older than this isolate's revokes on them: while
 * noted, this isolate reads them from the primary (the writer sees its revoke in its lists too).
 */
export function noteStatusListsKept(scope: DataScope, lists: readonly ChangedStatusList[], kept: boolean): void {
  const unconfirmed = scope.deps.tiers.redis?.unconfirmed;
  if (!unconfirmed) return;
  for (const { issuerId, listNumber } of lists.filter((list) => list.revoked)) {
    const key = statusListKey(issuerId, listNumber, scope.deps.dids.keyspace);
    if (kept) unconfirmed.confirm(key, Number.MAX_SAFE_INTEGER);
    else unconfirmed.note(key, Number.MAX_SAFE_INTEGER);
  }
}

/** How each DID method names issuers, this deployment's first. */
const everyMethod = ({ deps }: DataScope): IssuerDids[] => [
  deps.dids,
  issuerDids(deps.dids.method === 'web' ? 'key' : 'web', deps.config.publicBaseUrl),
];

/**
 * The lists that `changed` awards sit on, when the write changed them: a revoke changes its
 * list; the award on a list's first position (positions are handed out one after another, so
 * exactly one award per list, in the statement that allocates it) makes it exist.
 */
export function changedStatusLists(changed: readonly AssertionRecord[]): ChangedStatusList[] {
  const lists = new Map<string, ChangedStatusList>();
  for (const record of changed) {
    if (record.statusIndex === null) continue;
    const revoked = Boolean(record.revokedAt);
    const allocated = record.statusIndex % STATUS_LIST_SIZE === 0;
    if (!revoked && !allocated) continue;
    const listNumber = Math.floor(record.statusIndex / STATUS_LIST_SIZE);
    const key = `${record.issuerId}:${listNumber}`;
    const seen = lists.get(key);
    lists.set(key, {
      issuerId: record.issuerId,
      listNumber,
      revoked: revoked || Boolean(seen?.revoked),
      allocated: allocated || Boolean(seen?.allocated),
    });
  }
  return [...lists.values()];
}

/**
 * Marks every list `changed` allocated as existing (replacing a remembered "none"), and rebuilds,
 * signs and writes through every list `changed` revoked awards on, under both DID
 * methods: isolates of a deploy that switches methods read the other one, and a list they kept
 * must not stay behind. False when one could not be kept.
 */
export async function refreshStatusLists(scope: DataScope, changed: readonly AssertionRecord[]): Promise<boolean> {
  if (!scope.deps.config.credentialKeySecret) return true; // no lists are served, so none is kept
  const lists = changedStatusLists(changed);
  const allocated = lists.filter((list) => list.allocated);
  // One call, compare-and-set: a read that found no list before this write cannot put its "none" back.
  const entries = allocated.map(({ issuerId, listNumber }) => ({ key: statusListAllocationKey(issuerId, listNumber), value: ALLOCATED }));
  let kept = !entries.length || (await writeNewerToRedis(scope, entries)) !== 'failed';
  for (const list of lists.filter((list) => list.revoked)) {
    const { issuerId, listNumber } = list;
    let listKept = false;
    try {
      const source = await loadSource(scope, issuerId, listNumber);
      if (typeof source === 'string') continue;
      listKept = await keep(scope, issuerId, listNumber, await signLists(scope, issuerId, listNumber, source, everyMethod(scope)));
    } catch (error) {
      // The revoke has committed: its list is rebuilt by the outbox drain, never failed back to the issuer.
      console.warn(`status list ${issuerId}/${listNumber} not refreshed: ${(error as Error).message}`);
    }
    noteStatusListsKept(scope, [list], listKept);
    kept = listKept && kept;
  }
  return kept;
}

/** What the write path gets from the lists (see `StatusListUpkeep`). */
export const statusListUpkeep: StatusListUpkeep = {
  changed: changedStatusLists,
  refresh: refreshStatusLists,
  noteKept: noteStatusListsKept,
};
