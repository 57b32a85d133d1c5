/**
 * @module Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC DI EdDSA): both
 * the proof options and the document are canonicalized (RDFC-1.0), hashed with SHA-256, and the
 * two hashes (proof first) are signed with Ed25519.
 */
import { canonize } from './canonize.ts';
import { didKey } from './issuer-dids.ts';
import { sign, verifySignature } from './keys.ts';
import { base58btc, fromBase58btc } from './multibase.ts';

export type Proof = {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-rdfc-2022';
  created: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
};

type Signed = { '@context': unknown; proof?: Proof | Proof[] };

const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

/** The bytes a proof signs: hash(canonical proof options) ‖ hash(canonical document without proof). */
async function signedBytes(document: Signed, options: Omit<Proof, 'proofValue'>): Promise<Uint8Array> {
  const { proof: _, ...unsigned } = document;
  const [proofHash, documentHash] = await Promise.all([
    canonize({ '@context': document['@context'], ...options }).then(sha256),
    canonize(unsigned).then(sha256),
  ]);
  return new Uint8Array([...proofHash, ...documentHash]);
}

/** `document` with one proof by the key `verificationMethod` names (`did…#z6Mk…`), made at `created`. */
export async function signDocument<T extends Signed>(
  document: T,
  verificationMethod: string,
  privateKey: CryptoKey,
  created: Date,
): Promise<T & { proof: Proof[] }> {
  const options = {
    type: 'DataIntegrityProof' as const,
    cryptosuite: 'eddsa-rdfc-2022' as const,
    created: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    verificationMethod,
    proofPurpose: 'assertionMethod' as const,
  };
  const signature = await sign(privateKey, await signedBytes(document, options));
  return { ...document, proof: [{ ...options, proofValue: base58btc(signature) }] };
}

export type ProofCheck = { verified: boolean; keyId?: string; reason?: string };

/**
 * The public key (multibase `z6Mk…`) a verification method names, when it is one of the signer's
 * keys; a string says why not.
 */
export type KeyResolver = (verificationMethod: string) => Promise<{ keyId: string } | string>;

const MULTIBASE_KEY = /^z[1-9A-HJ-NP-Za-km-z]+$/;

/** did:key resolves itself: `did:key:z…#z…` names its own key. */
export const didKeyResolver: KeyResolver = async (verificationMethod) => {
  const [did, keyId] = verificationMethod.split('#');
  return keyId && MULTIBASE_KEY.test(keyId) && did === didKey(keyId) ? { keyId } : 'the verification method is not a did:key';
};

/** Checks the document's one eddsa-rdfc-2022 proof, by a key `resolveKey` vouches for. */
export async function verifyDocument(document: Signed, resolveKey: KeyResolver = didKeyResolver): Promise<ProofCheck> {
  const proofs = Array.isArray(document.proof) ? document.proof : document.proof ? [document.proof] : [];
  if (proofs.length !== 1) return { verified: false, reason: `expected one proof, found ${proofs.length}` };
  const { proofValue, ...options } = proofs[0]!;
  if (options.type !== 'DataIntegrityProof' || options.cryptosuite !== 'eddsa-rdfc-2022')
    return { verified: false, reason: 'not an eddsa-rdfc-2022 proof' };
  const resolved = await resolveKey(String(options.verificationMethod));
  if (typeof resolved === 'string') return { verified: false, reason: resolved };
  const { keyId } = resolved;
  const signature = typeof proofValue === 'string' ? fromBase58btc(proofValue) : undefined;
  if (!signature) return { verified: false, keyId, reason: 'the proof value is not base58btc' };
  try {
    const verified = await verifySignature(keyId, await signedBytes(document, options), signature);
    return verified ? { verified, keyId } : { verified, keyId, reason: 'the signature does not match the document' };
  } catch (error) {
    return { verified: false, keyId, reason: `the document cannot be canonicalized: ${(error as Error).message}` };
  }
}
