/**
 * @module Embedded proofs: Data Integrity `eddsa-rdfc-2022` (W3C VC DI EdDSA) and
 * `Ed25519Signature2020` (its predecessor, still what most wallets and issuers emit). Both sign
 * the same bytes: hash(canonical proof options, under the document's context) ‖ hash(canonical
 * document without its proofs), with Ed25519. A document may carry several proofs; each is
 * reported on its own.
 */
import { overBudget, unknownContext } from './canonicalization-guard.ts';
import { canonize } from './canonize.ts';
import { ContextUnavailable, isBundledContext, type RemoteContexts, rootCauseOf } from './contexts.ts';
import { sign } from './keys.ts';
import { base58btc, fromBase58btc } from './multibase.ts';
import { proofMemoKey, rememberedProof, rememberProof } from './proof-memo.ts';
import type { VerifierKey } from './public-keys.ts';
import { verifyWith } from './public-keys.ts';
import { resolveSelfDescribing } from './self-describing-dids.ts';

export type Proof = {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-rdfc-2022';
  created: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
};

type Signed = { '@context': unknown; proof?: unknown };

const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

/** A proof's options canonicalized under the document's context (a proof's own `@context` is only a prefix of it, checked first). */
const canonicalOptions = (document: Signed, options: object, remote?: RemoteContexts) =>
  canonize({ ...options, '@context': document['@context'] }, remote);

/** `document` with one proof by the key `verificationMethod` names (`did…#z6Mk…`), made at `created`; contexts beyond the bundled ones from `remote`. */
export async function signDocument<T extends Signed>(
  document: T,
  verificationMethod: string,
  privateKey: CryptoKey,
  created: Date,
  remote?: RemoteContexts,
): Promise<T & { proof: Proof[] }> {
  const options = {
    type: 'DataIntegrityProof' as const,
    cryptosuite: 'eddsa-rdfc-2022' as const,
    created: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    verificationMethod,
    proofPurpose: 'assertionMethod' as const,
  };
  const { proof: _, ...unsigned } = document;
  const [proofHash, documentHash] = await Promise.all([
    canonicalOptions(document, options, remote).then(sha256),
    canonize(unsigned, remote).then(sha256),
  ]);
  const signature = await sign(privateKey, new Uint8Array([...proofHash, ...documentHash]));
  return { ...document, proof: [{ ...options, proofValue: base58btc(signature) }] };
}

/** A verification method's key and who controls it, or why it cannot be had (`unverifiable`: a fetch failed). */
export type MethodResolution =
  | {
      key: VerifierKey;
      controller: string;
      /** Checked only once the signature holds (so a forged proof costs no lookup): why the key is not the controller's, if it is not. */
      confirm?: () => Promise<MethodProblem | undefined>;
    }
  | MethodProblem;
/** Why a key cannot be used; `unverifiable` when a document it needs could not be fetched. */
export type MethodProblem = { problem: string; unverifiable?: boolean };
export type MethodResolver = (verificationMethod: string) => Promise<MethodResolution>;

/** What one proof showed. `unsupported`: a suite this verifier does not check; `unverifiable`: its key could not be fetched. */
export type ProofOutcome = {
  type: string;
  cryptosuite?: string | undefined;
  verificationMethod?: string | undefined;
  verdict: 'verified' | 'failed' | 'unsupported' | 'unverifiable';
  /** Who controls the key that made it (known once resolved). */
  controller?: string | undefined;
  reason?: string | undefined;
};

/** Every proof's outcome; `nquads` is the canonical document the proofs sign (present when it was built). */
export type ProofsCheck = { outcomes: ProofOutcome[]; nquads?: string };

/** What a proof is for: a credential's claims (`assertionMethod`), or a holder proving who it is (`authentication`, DID-Auth). */
export type ProofPurpose = 'assertionMethod' | 'authentication';

/** Proofs checked on one document: real ones carry one or two, and each may cost a key lookup and a canonicalization. */
export const MAX_PROOFS = 4;

/**
 * The JSON keys a proof of each suite may carry: the terms its context defines that this verifier
 * reads or knows. Any other key (a full IRI, an alias) could carry a signed option, such as
 * `https://w3id.org/security#expiration`, past the checks that read the term's own name.
 */
const COMMON_PROOF_KEYS = [
  '@context',
  'id',
  'type',
  'created',
  'expires',
  'verificationMethod',
  'proofPurpose',
  'proofValue',
  'challenge',
  'domain',
  'nonce',
];
const SUITES = new Map([
  ['DataIntegrityProof/eddsa-rdfc-2022', new Set([...COMMON_PROOF_KEYS, 'cryptosuite', 'previousProof'])],
  ['Ed25519Signature2020/', new Set(COMMON_PROOF_KEYS)],
]);

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The proofs a document carries, one object or an array (what issuers emit varies). */
export const proofsOf = (document: Signed): unknown[] =>
  Array.isArray(document.proof) ? document.proof : document.proof === undefined ? [] : [document.proof];

/** A proof's outcome when its key cannot be used. */
export const failure = (why: MethodProblem): Pick<ProofOutcome, 'verdict' | 'reason'> => ({
  verdict: why.unverifiable ? 'unverifiable' : 'failed',
  reason: why.problem,
});

/** Why a proof cannot be checked before any key or canonicalization, or undefined. */
function proofShapeProblem(
  proof: Record<string, unknown>,
  purpose: ProofPurpose,
  document: Signed,
): Pick<ProofOutcome, 'verdict' | 'reason'> | undefined {
  const suite = `${text(proof.type)}/${proof.type === 'DataIntegrityProof' ? text(proof.cryptosuite) : ''}`;
  const keys = SUITES.get(suite);
  if (!keys) return { verdict: 'unsupported', reason: `${suite.replace(/\/$/, '')} is not a suite this verifier checks` };
  const unknown = Object.keys(proof).find((key) => !keys.has(key));
  if (unknown !== undefined) return { verdict: 'failed', reason: `the proof carries ${JSON.stringify(unknown)}, not a term of its suite` };
  // Data Integrity: a proof's own `@context`, if any, is the start of the document's (the options are canonicalized under the latter).
  if (proof['@context'] !== undefined) {
    const own = [proof['@context']].flat();
    const documents = [document['@context']].flat();
    if (own.some((entry, i) => JSON.stringify(entry) !== JSON.stringify(documents[i])))
      return { verdict: 'failed', reason: 'its @context is not the start of the document’s' };
  }
  if (proof.proofPurpose !== purpose) return { verdict: 'failed', reason: `its purpose is not ${purpose}` };
  if (typeof proof.verificationMethod !== 'string') return { verdict: 'failed', reason: 'it names no verification method' };
  if (fromBase58btc(text(proof.proofValue) ?? '')?.length !== 64)
    return { verdict: 'failed', reason: 'the proof value is not a base58btc Ed25519 signature' };
  // Data Integrity: a proof past its `expires` no longer vouches (the document may still be valid under another proof).
  if (proof.expires !== undefined && !(Date.parse(String(proof.expires)) > Date.now()))
    return { verdict: 'failed', reason: 'the proof has expired' };
  return undefined;
}

/**
 * Checks every embedded proof of `document`, each key found by `resolve`; contexts beyond the
 * bundled ones come from `remote` (refused without it). Canonicalization is the costly part and a
 * made-up proof reaches it: the work is bounded first, and the document is canonicalized once.
 */
export async function verifyEmbeddedProofs(
  document: Signed,
  resolve: MethodResolver,
  remote?: RemoteContexts,
  purpose: ProofPurpose = 'assertionMethod',
): Promise<ProofsCheck> {
  const proofs = proofsOf(document).map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>) : {}));
  if (!proofs.length) return { outcomes: [] };
  if (proofs.length > MAX_PROOFS)
    return { outcomes: [{ type: 'proofs', verdict: 'failed', reason: `it carries ${proofs.length} proofs, more than ${MAX_PROOFS}` }] };
  const outcomes: ProofOutcome[] = proofs.map((proof) => ({
    type: text(proof.type) ?? 'unknown',
    cryptosuite: text(proof.cryptosuite),
    verificationMethod: text(proof.verificationMethod),
    verdict: 'failed',
  }));
  const failAll = (reason: string): ProofsCheck => ({
    outcomes: outcomes.map((o, i) => ({ ...o, ...(proofShapeProblem(proofs[i]!, purpose, document) ?? { verdict: 'failed', reason }) })),
  });
  const tooMuch = overBudget(document);
  if (tooMuch) return failAll(`the document is too large to canonicalize (${tooMuch})`);
  const context = unknownContext(document, remote ? (url) => typeof url === 'string' && /^https:\/\//.test(url) : isBundledContext);
  if (context) return failAll(`the document uses ${context}`);

  const { proof: _, ...unsigned } = document;
  let nquads: Promise<string> | undefined;
  const documentHash = () => {
    nquads ??= canonize(unsigned, remote);
    return nquads.then(sha256);
  };
  // A document over bundled contexts only canonicalizes the same way forever: its proofs' outcomes can be remembered.
  const memoable = !unknownContext(document, isBundledContext);
  await Promise.all(
    proofs.map(async (proof, i) => {
      const outcome = outcomes[i]!;
      const shape = proofShapeProblem(proof, purpose, document);
      if (shape) return Object.assign(outcome, shape);
      const method = await resolve(proof.verificationMethod as string);
      if ('problem' in method) return Object.assign(outcome, failure(method));
      outcome.controller = method.controller;
      const { proofValue, ...options } = proof;
      const memoKey = memoable ? await proofMemoKey(document, i, method.key.jwk) : undefined;
      const remembered = memoKey && rememberedProof(memoKey);
      if (remembered) nquads ??= Promise.resolve(remembered);
      else
        try {
          const [proofHash, docHash] = await Promise.all([canonicalOptions(document, options, remote).then(sha256), documentHash()]);
          const holds = await verifyWith(method.key, new Uint8Array([...proofHash, ...docHash]), fromBase58btc(proofValue as string)!);
          if (!holds) return Object.assign(outcome, { reason: 'the signature does not match the document' });
          if (memoKey) rememberProof(memoKey, await nquads!);
        } catch (error) {
          const cause = rootCauseOf(error);
          const reason = `the document cannot be canonicalized: ${cause instanceof Error ? cause.message : String(cause)}`;
          return Object.assign(outcome, { reason, ...(cause instanceof ContextUnavailable ? { verdict: 'unverifiable' } : {}) });
        }
      const notOwned = await method.confirm?.();
      return Object.assign(outcome, notOwned ? failure(notOwned) : { verdict: 'verified' });
    }),
  );
  return { outcomes, ...(nquads ? { nquads: await nquads.catch(() => undefined) } : {}) } as ProofsCheck;
}

/** A document's proofs checked offline (did:key and did:jwk keys only): verified when one holds and none fails. */
export async function verifyDocument(document: Signed): Promise<ProofsCheck & { verified: boolean }> {
  const check = await verifyEmbeddedProofs(
    document,
    async (method) => (await resolveSelfDescribing(method)) ?? { problem: 'not a did:key or did:jwk' },
  );
  const verdicts = check.outcomes.map((o) => o.verdict);
  return { ...check, verified: verdicts.includes('verified') && !verdicts.includes('failed') };
}
