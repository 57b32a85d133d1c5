/**
 * @module DIDs that carry their own key: did:key (Ed25519, `z6Mk…`) and did:jwk (a base64url JWK).
 * They resolve offline; a verification method of either names its one key.
 */
import { fromBase64 } from '../lib/base64.ts';
import { didKey } from './issuer-dids.ts';
import { rawPublicKeyOf } from './keys.ts';
import { keyOfEd25519, keyOfJwk, type VerifierKey } from './public-keys.ts';

export type SelfDescribed = { controller: string; key: VerifierKey } | { problem: string };

/** The key of a did:key or did:jwk verification method; undefined for any other DID. */
export async function resolveSelfDescribing(verificationMethod: string): Promise<SelfDescribed | undefined> {
  const [did = '', fragment] = verificationMethod.split('#', 2);
  if (did.startsWith('did:key:')) {
    const keyId = did.slice('did:key:'.length);
    const raw = rawPublicKeyOf(keyId);
    if (!raw) return { problem: 'the did:key is not an Ed25519 key (the only kind supported)' };
    if (fragment !== undefined && fragment !== keyId) return { problem: 'a did:key names its own key only' };
    const key = await keyOfEd25519(raw);
    return key ? { controller: didKey(keyId), key } : { problem: 'the did:key cannot be read' };
  }
  if (did.startsWith('did:jwk:')) {
    if (fragment !== undefined && fragment !== '0') return { problem: 'a did:jwk names its one key as #0' };
    let jwk: unknown;
    try {
      jwk = JSON.parse(new TextDecoder().decode(fromBase64(did.slice('did:jwk:'.length))));
    } catch {
      return { problem: 'the did:jwk is not base64url JSON' };
    }
    const key = await keyOfJwk(jwk);
    return key ? { controller: did, key } : { problem: 'the did:jwk holds no supported public key' };
  }
  return undefined;
}
