/**
 * @module Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC DI EdDSA): both
 * the proof options and the document are canonicalized (RDFC-1.0), hashed with SHA-256, and the
 * two hashes (proof first) are signed with Ed25519.
 */
import { overBudget, unknownContext } from './canonicalization-guard.ts';
import { canonize } from './canonize.ts';
import { isBundledContext } from './contexts.ts';
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

/**
 * The bytes a proof signs: hash(canonical proof options) ‖ hash(canonical document without proof),
 * and that canonical document (the graph the proof covers).
 */
async function signedBytes(document: Signed, options: Omit<Proof, 'proofValue'>): Promise<{ bytes: Uint8Array; nquads: string }> {
  const { proof: _, ...unsigned } = document;
  const [proofHash, nquads] = await Promise.all([
    canonize({ '@context': document['@context'], ...options }).then(sha256),
    canonize(unsigned),
  ]);
  return { bytes: new Uint8Array([...proofHash, ...(await sha256(nquads))]), nquads };
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
  const signature = await sign(privateKey, (await signedBytes(document, options)).bytes);
  return { ...document, proof: [{ ...options, proofValue: base58btc(signature) }] };
}

/** A proof that holds comes with the canonical N-Quads it signs: the facts a verdict may rely on. */
export type ProofCheck = { verified: true; keyId: string; nquads: string } | { verified: false; keyId?: string; reason: string };

const MULTIBASE_KEY = /^z[1-9A-HJ-NP-Za-km-z]+$/;

/** The DID and key a verification method names: `{did}#{z…}`, one `#`; undefined for anything else. */
function keyOfMethod(verificationMethod: string): { did: string; keyId: string } | undefined {
  const hash = verificationMethod.indexOf('#');
  if (hash < 1 || hash !== verificationMethod.lastIndexOf('#')) return undefined;
  const keyId = verificationMethod.slice(hash + 1);
  return MULTIBASE_KEY.test(keyId) ? { did: verificationMethod.slice(0, hash), keyId } : undefined;
}

/**
 * Checks the document's one eddsa-rdfc-2022 proof: by a key of `signerDid` (by default any did:key).
 * A did:key names its own key; whether a key belongs to any other DID is the caller's to check,
 * after this, so a forged proof costs no lookup.
 */
export async function verifyDocument(document: Signed, signerDid?: string): Promise<ProofCheck> {
  const proofs = Array.isArray(document.proof) ? document.proof : document.proof ? [document.proof] : [];
  if (proofs.length !== 1) return { verified: false, reason: `expected one proof, found ${proofs.length}` };
  const { proofValue, ...options } = proofs[0]!;
  if (options.type !== 'DataIntegrityProof' || options.cryptosuite !== 'eddsa-rdfc-2022')
    return { verified: false, reason: 'not an eddsa-rdfc-2022 proof' };
  const method = keyOfMethod(String(options.verificationMethod));
  if (!method) return { verified: false, reason: 'the verification method is not a DID URL naming one multibase key' };
  const { did, keyId } = method;
  if (signerDid === undefined ? !did.startsWith('did:key:') : did !== signerDid)
    return { verified: false, keyId, reason: "signed by another key than the issuer's" };
  if (did.startsWith('did:key:') && did !== didKey(keyId)) return { verified: false, keyId, reason: 'a did:key names its own key only' };
  const signature = typeof proofValue === 'string' ? fromBase58btc(proofValue) : undefined;
  if (signature?.length !== 64) return { verified: false, keyId, reason: 'the proof value is not a base58btc Ed25519 signature' };
  // Canonicalization is the costly part, and a made-up proof reaches it: bound the work first.
  const tooMuch = overBudget(document);
  if (tooMuch) return { verified: false, keyId, reason: `the document is too large to canonicalize (${tooMuch})` };
  const context = unknownContext(document, isBundledContext);
  if (context) return { verified: false, keyId, reason: `the document uses ${context}` };
  try {
    const { bytes, nquads } = await signedBytes(document, options);
    const verified = await verifySignature(keyId, bytes, signature);
    return verified ? { verified, keyId, nquads } : { verified, keyId, reason: 'the signature does not match the document' };
  } catch (error) {
    return { verified: false, keyId, reason: `the document cannot be canonicalized: ${(error as Error).message}` };
  }
}
