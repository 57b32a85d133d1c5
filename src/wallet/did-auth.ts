/**
 * @module DID Authentication: a wallet proves it controls a DID by a presentation it signs over
 * our challenge (VC-API exchanges, as the Learner Credential Wallet speaks them). Keys are did:key
 * or did:jwk, resolved offline; the proof must be for `authentication` and carry the challenge,
 * which its signature covers.
 */
import { type ProofOutcome, proofsOf, verifyEmbeddedProofs } from '../credentials/data-integrity.ts';
import { resolveSelfDescribing } from '../credentials/self-describing-dids.ts';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The DID the presentation authenticates, or why it does not. */
export type DidAuthentication = { holder: string } | { refused: string };

/** The presentation in a VC-API exchange body: `{verifiablePresentation}`, or the presentation itself. */
export function presentationIn(body: unknown): Node | undefined {
  const presentation = isNode(body) && 'verifiablePresentation' in body ? body.verifiablePresentation : body;
  if (!isNode(presentation)) return undefined;
  const types = [presentation.type].flat();
  return types.includes('VerifiablePresentation') ? presentation : undefined;
}

export async function authenticate(presentation: Node, challenge: string): Promise<DidAuthentication> {
  const proofs = proofsOf(presentation as { '@context': unknown; proof?: unknown });
  if (!proofs.length) return { refused: 'The presentation carries no proof.' };
  const { outcomes } = await verifyEmbeddedProofs(
    presentation as { '@context': unknown },
    async (method) => (await resolveSelfDescribing(method)) ?? { problem: 'the key is not a did:key or did:jwk' },
    undefined,
    'authentication',
  );
  const failed = outcomes.find((outcome: ProofOutcome) => outcome.verdict !== 'verified');
  if (failed) return { refused: `Its ${failed.type} proof does not verify: ${failed.reason}.` };
  if (proofs.some((proof) => !isNode(proof) || proof.challenge !== challenge))
    return { refused: "The presentation is not signed over this exchange's challenge." };
  const holder = typeof presentation.holder === 'string' ? presentation.holder : outcomes[0]!.controller;
  if (!holder || outcomes.some((outcome) => outcome.controller !== holder))
    return { refused: 'The presentation is signed by a key its holder does not control.' };
  return { holder };
}
