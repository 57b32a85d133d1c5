/** Signers from outside this deployment, for the verifier's tests: a fresh did:key and the credentials it makes. */
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';

/** A fresh Ed25519 did:key and a signer of documents as that key's issuer. */
export async function stranger() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const key = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  const did = `did:key:${key}`;
  return { did, key, sign: (document: object) => signDocument(document as never, `${did}#${key}`, pair.privateKey, new Date()) };
}

type Credential = { issuer: object; credentialSubject: { achievement: object } } & Record<string, unknown>;

/** One of our credentials made a stranger's own, unsigned: its id, issuer (`did`) and achievement name nothing of ours, and it has no status. */
export function strangersOwn(credential: Credential, did: string) {
  const { proof: _, credentialStatus: __, ...unsigned } = credential;
  return {
    ...unsigned,
    id: `urn:uuid:${crypto.randomUUID()}`,
    issuer: { ...credential.issuer, id: did },
    credentialSubject: {
      ...credential.credentialSubject,
      achievement: { ...credential.credentialSubject.achievement, id: 'https://elsewhere.example/achievements/1' },
    },
  };
}
