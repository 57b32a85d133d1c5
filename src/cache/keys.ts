/**
 * @module Cache keys of the records, shared by L1 and Redis. The prefix names the stored format:
 * a new format gets a new prefix, so it never reads values written in an older one.
 */
import type { RecordKind } from '../db/schema.ts';

export const recordKeyPrefix: Record<RecordKind, string> = {
  assertion: 'v3:a:',
  badge: 'v3:b:',
  issuer: 'v4:i:',
  apiKey: 'v1:k:',
};

export const recordKey = (kind: RecordKind, id: string) => `${recordKeyPrefix[kind]}${id}`;

/** A badge image under its badge's version: a new upload is a new version, so a stored image never goes stale. */
export const imageKey = (badgeClassId: string, version: number) => `v3:img:${badgeClassId}:${version}`;

/**
 * A signed OB 3.0 credential under the versions of the records it was built from and the keyspace
 * of what it names (DID method and host, `IssuerDids.keyspace`): a change to any of them is a new key.
 */
export const credentialKey = (assertionId: string, versions: readonly number[], keyspace: string) =>
  `v3:cred:${keyspace}:${assertionId}:${versions.join('.')}`;

/** A signed status list credential, `version|json` (written with the records' compare-and-set), per keyspace. */
export const statusListKey = (issuerId: string, listNumber: number, keyspace: string) => `v3:sl:${keyspace}:${issuerId}:${listNumber}`;

/**
 * Whether an issuer has allocated status list `listNumber` (the same under every DID method), in
 * the records' `version|…` format for their compare-and-set: `0|` (none yet, kept briefly, as for a
 * missing record) is replaced by `1|allocated`, written when an award first takes a position on the
 * list, and never the other way round.
 */
export const statusListAllocationKey = (issuerId: string, listNumber: number) => `v1:sla:${issuerId}:${listNumber}`;

/**
 * Another issuer's document, `version|json` with the time it was received as its version (written
 * compare-and-set, so an older fetch never replaces a newer copy), per what was accepted: the
 * same URL may answer JSON to one Accept and a JWT to another.
 */
export const remoteDocumentKey = (accept: string, url: string) => `v1:remote:${accept}:${url}`;
