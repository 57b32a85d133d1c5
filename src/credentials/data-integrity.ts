/**
 * @module Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC DI EdDSA): both
 * the proof options and the document are canonicalized (RDFC-1.0), hashed with SHA-256, and the
 * two hashes (proof first) are signed with Ed25519.
 */
import { canonize } from './canonize.ts';
import { sign, verificationMethodOf, verifySignature } from './keys.ts';
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

/** `document` with one proof by the did:key `keyId`, made at `created`. */
export async function signDocument<T extends Signed>(
  document: T,
  keyId: string,
  privateKey: CryptoKey,
  created: Date,
): Promise<T & { proof: Proof[] }> {
  const options = {
    type: 'DataIntegrityProof' as const,
    cryptosuite: 'eddsa-rdfc-2022' as const,
    created: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    verificationMethod: verificationMethodOf(keyId),
    proofPurpose: 'assertionMethod' as const,
  };
  const signature = await sign(privateKey, await signedBytes(document, options));
  return { ...document, proof: [{ ...options, proofValue: base58btc(signature) }] };
}

export type ProofCheck = { verified: boolean; keyId?: string; reason?: string };

/** Checks the document's one eddsa-rdfc-2022 proof by a did:key (the only keys this checks offline). */
export async function verifyDocument(document: Signed): Promise<ProofCheck> {
  const proofs = Array.isArray(document.proof) ? document.proof : document.proof ? [document.proof] : [];
  if (proofs.length !== 1) return { verified: false, reason: `expected one proof, found ${proofs.length}` };
  const { proofValue, ...options } = proofs[0]!;
  if (options.type !== 'DataIntegrityProof' || options.cryptosuite !== 'eddsa-rdfc-2022')
    return { verified: false, reason: 'not an eddsa-rdfc-2022 proof' };
  const match = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)#(z[1-9A-HJ-NP-Za-km-z]+)$/.exec(String(options.verificationMethod));
  if (!match || match[1] !== match[2]) return { verified: false, reason: 'the verification method is not a did:key' };
  const keyId = match[1]!;
  const signature = typeof proofValue === 'string' ? fromBase58btc(proofValue) : undefined;
  if (!signature) return { verified: false, keyId, reason: 'the proof value is not base58btc' };
  try {
    const verified = await verifySignature(keyId, await signedBytes(document, options), signature);
    return verified ? { verified, keyId } : { verified, keyId, reason: 'the signature does not match the document' };
  } catch (error) {
    return { verified: false, keyId, reason: `the document cannot be canonicalized: ${(error as Error).message}` };
  }
}
