/**
 * @module Who signs an issuer's OB 3.0 documents. With did:web an issuer keeps one id across key
 * rotations (`did:web:{host}:issuers:{id}`, its DID document served at `/issuers/{id}/did.json`,
 * listing every key it ever had); with did:key the id is the current key itself, self-contained
 * and verifiable offline, and changes with every rotation.
 */
import { isPublicId } from '../lib/ids.ts';

export type DidMethod = 'web' | 'key';

/** A did:key names its one key: the multibase public key (`z6Mk…`) is the whole method-specific id. */
export const didKey = (keyId: string) => `did:key:${keyId}`;
export type IssuerDids = ReturnType<typeof issuerDids>;

/** `did:web:` plus the base URL's host (its port `%3A`-encoded) and path segments, as the did:web method spells them. */
function didWebOf(base: string): string {
  const url = new URL(base);
  const segments = url.pathname.split('/').filter(Boolean);
  return ['did:web', encodeURIComponent(url.host), ...segments].join(':');
}

export function issuerDids(method: DidMethod, base: string) {
  const webPrefix = `${didWebOf(base)}:issuers:`;
  const web = (issuerId: string) => `${webPrefix}${issuerId}`;
  const issuer = (issuerId: string, keyId: string) => (method === 'web' ? web(issuerId) : didKey(keyId));
  return {
    method,
    /** What kept documents are filed under: they name issuers by this method and carry this host's URLs. */
    keyspace: `${method}@${new URL(base).host}`,
    /** The issuer's DID as documents signed with `keyId` name it. */
    issuer,
    /** The issuer's did:web, served whichever method signs now (documents signed under it stay verifiable). */
    web,
    /** What a proof by `keyId` names: the DID and the key as its fragment. */
    verificationMethod: (issuerId: string, keyId: string) => `${issuer(issuerId, keyId)}#${keyId}`,
    /** The issuer id of one of this deployment's did:web DIDs, or undefined for any other DID. */
    issuerOfWeb(did: string): string | undefined {
      const id = did.startsWith(webPrefix) ? did.slice(webPrefix.length) : undefined;
      return isPublicId(id) ? id : undefined;
    },
  };
}

/**
 * Every public key of an issuer, oldest first: its key list, and its current key in case a writer
 * older than that list (a deploy in progress) set the key without listing it.
 */
export function publicKeysOf(issuer: { publicKeyIds: readonly string[]; signingKeyId: string | null }): string[] {
  const keys = [...issuer.publicKeyIds];
  if (issuer.signingKeyId && !keys.includes(issuer.signingKeyId)) keys.push(issuer.signingKeyId);
  return keys;
}

/** DID Core's media type of a DID document in JSON-LD. */
export const DID_DOCUMENT_TYPE = 'application/did+ld+json';
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1';

/** The DID document of `did`: every key it ever had, each one able to sign assertions (old proofs stay verifiable). */
export function didDocument(did: string, publicKeyIds: readonly string[]) {
  const methods = publicKeyIds.map((keyId) => ({ id: `${did}#${keyId}`, type: 'Multikey', controller: did, publicKeyMultibase: keyId }));
  return {
    '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((method) => method.id),
  };
}
