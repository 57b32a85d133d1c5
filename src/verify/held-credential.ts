/**
 * @module Verification of an OB 3.0 credential, in the order of the spec (1EdTech OB 3.0 §9.1):
 * conformance (conformance.ts: the AchievementCredential JSON Schema), the one proof (did:key offline,
 * a did:web of this deployment from its own tiers), status (a Bitstring Status List of this
 * deployment, from its own tiers), the validity window, then the recipient. What lives on another
 * origin is reported "not checked: remote", never fetched.
 */
import { z } from 'zod';
import { overBudget } from '../credentials/canonicalization-guard.ts';
import { verifyDocument } from '../credentials/data-integrity.ts';
import { parseNQuads } from '../credentials/nquads.ts';
import { IDENTITY_TYPES } from '../credentials/open-badge-credential.ts';
import { statusBit } from '../credentials/status-list.ts';
import { type RecipientClaim, recipientMatches } from '../openbadges/recipient.ts';
import { type AchievementCredential, conformanceOf } from './conformance.ts';
import type { Check, VerificationReport } from './report.ts';
import { disagreement, factsOfGraph, factsOfJson } from './signed-facts.ts';

/** What this deployment knows of itself, from its own tiers (never the network): its status lists and its issuers' keys. */
export type LocalSources = {
  /** The issuer and list number of a list URL of this deployment; undefined for any other URL. */
  listOf(url: string): { issuerId: string; listNumber: number } | undefined;
  /** The list's signed JSON, or undefined when there is none. */
  readList(issuerId: string, listNumber: number): Promise<string | undefined>;
  /** The issuer id of one of this deployment's did:web DIDs; undefined for any other DID. */
  issuerOfWeb(did: string): string | undefined;
  /**
   * Every public key the issuer ever had (its DID document), as the tiers have it, or from the
   * primary when `fromPrimary`; undefined when there is no such issuer.
   */
  issuerKeys(issuerId: string, fromPrimary?: boolean): Promise<readonly string[] | undefined>;
  /**
   * The issuer of the record a URL of this deployment names (an award, a badge class, an issuer);
   * null for a URL of this deployment that names no record; undefined for any other URL.
   */
  ownerOf(url: string): Promise<string | null | undefined>;
};

const check = (name: string, passed: boolean, pass: string, fail: string): Check => ({ name, passed, message: passed ? pass : fail });
const issuerIdOf = (credential: AchievementCredential) =>
  typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;

type StatusVerdict = 'active' | 'revoked' | 'none' | 'not checked: remote' | 'not checked: unsupported';

/** The one status entry this verifier checks (W3C Bitstring Status List); other types are reported unchecked. */
const bitstringStatusListEntry = z.looseObject({
  type: z.literal('BitstringStatusListEntry'),
  statusPurpose: z.literal('revocation'),
  statusListIndex: z.string().regex(/^(0|[1-9][0-9]*)$/),
  statusListCredential: z.string(),
});

type StatusEntry = z.infer<typeof bitstringStatusListEntry>;

/** The entry's bit in a list of this deployment (it built and signed the list); undefined when there is no such list. */
async function statusBitOf(entry: StatusEntry, list: { issuerId: string; listNumber: number }, local: LocalSources) {
  const json = await local.readList(list.issuerId, list.listNumber);
  if (!json) return undefined;
  const { credentialSubject } = JSON.parse(json) as { credentialSubject: { encodedList: string } };
  return statusBit(credentialSubject.encodedList, Number(entry.statusListIndex));
}

/** What the proof's graph says against what the JSON says: a reason when they differ (or the graph cannot be read). */
function graphProblem(credential: AchievementCredential, nquads: string): string | undefined {
  try {
    const differs = disagreement(factsOfJson(credential), factsOfGraph(parseNQuads(nquads)));
    return differs && `what the document shows differs from what its proof signs (${differs})`;
  } catch (error) {
    return `its signed graph cannot be read: ${(error as Error).message}`;
  }
}

/**
 * The issuers of the records of this deployment a credential names as its id, issuer or
 * achievement (null for a named record that does not exist), and its did:web issuer of ours.
 */
async function claimsOf(
  credential: AchievementCredential,
  issuer: string,
  webIssuerId: string | undefined,
  local: LocalSources,
): Promise<Set<string | null>> {
  const named = [credential.id, ...(issuer.startsWith('did:') ? [] : [issuer]), credential.credentialSubject.achievement.id];
  const owners = new Set<string | null>();
  for (const owner of await Promise.all(named.map(local.ownerOf))) if (owner !== undefined) owners.add(owner);
  if (webIssuerId) owners.add(webIssuerId);
  return owners;
}

/** Why a credential naming this deployment's records is not theirs (their issuer must have signed it); undefined when it is, or names none. */
async function impersonationOf(
  claims: Set<string | null>,
  webIssuerId: string | undefined,
  signedBy: (issuerId: string) => Promise<boolean>,
): Promise<string | undefined> {
  if (!claims.size) return undefined;
  if (claims.has(null)) return 'It names a record of this deployment that does not exist.';
  if (claims.size > 1) return 'It names records of different issuers of this deployment.';
  const [owner] = claims as Set<string>;
  const signed = webIssuerId ? webIssuerId === owner : await signedBy(owner!);
  return signed ? undefined : "It names records of this deployment, but their issuer's key did not sign it.";
}

/** OB 3.0 identity types back to the OB 2.0 recipient types a claim names. */
const RECIPIENT_TYPES = Object.fromEntries(Object.entries(IDENTITY_TYPES).map(([ob2, ob3]) => [ob3, ob2]));

/** The recipient claim against the credential's identifiers (salted hashes, like OB 2.0). */
async function recipientOf(credential: AchievementCredential, claim: RecipientClaim | undefined): Promise<boolean | null> {
  if (!claim) return null;
  for (const identifier of credential.credentialSubject.identifier ?? []) {
    const stored = {
      recipientType: RECIPIENT_TYPES[identifier.identityType] ?? identifier.identityType,
      recipientHashed: identifier.hashed,
      recipientIdentity: identifier.identityHash,
      recipientSalt: identifier.salt ?? null,
    };
    if (await recipientMatches(stored, claim)) return true;
  }
  return false;
}

export async function verifyCredential(
  supplied: unknown,
  recipient: RecipientClaim | undefined,
  local: LocalSources,
  now: Date,
): Promise<VerificationReport> {
  const verifiedAt = now.toISOString();
  // Bounded before any work on it, the schema's included: a long array costs zod as much as canonicalization.
  const tooMuch = overBudget(supplied);
  const conformance = tooMuch ? { problem: `document: too large to verify (${tooMuch})` } : conformanceOf(supplied);
  if ('problem' in conformance) {
    return {
      valid: false,
      status: 'invalid',
      checks: [check('conformance', false, '', `Not an OB 3.0 credential: ${conformance.problem}.`)],
      recipient: { matched: null },
      verifiedAt,
      ob3: { conformance: 'failed', proof: 'not checked: remote', status: 'none' },
    };
  }
  const { credential } = conformance;
  const issuer = issuerIdOf(credential);

  const webIssuerId = local.issuerOfWeb(issuer);
  const checkable = issuer.startsWith('did:key:') || webIssuerId !== undefined;
  const entry = credential.credentialStatus && bitstringStatusListEntry.safeParse(credential.credentialStatus).data;
  const list = entry && local.listOf(entry.statusListCredential);
  // Whose keys decide: a did:web issuer's (the proof), else the list's issuer's (did the did:key signer issue on it?).
  const ownerId = webIssuerId ?? list?.issuerId;
  // The proof, the list and the keys may each need a statement when cold: they run side by side.
  const [proof, revokedBit, ownerKeys] = await Promise.all([
    checkable ? verifyDocument(supplied as never, issuer) : undefined,
    entry && list ? statusBitOf(entry, list, local) : undefined,
    ownerId ? local.issuerKeys(ownerId) : undefined,
  ]);
  /** Whether `issuerId` had `keyId`. A key the tiers do not know may be newer than their copy: the primary decides (only for a proof that holds). */
  const issuerHad = async (issuerId: string, keyId: string) =>
    Boolean(
      (issuerId === ownerId ? ownerKeys : await local.issuerKeys(issuerId))?.includes(keyId) ||
        (await local.issuerKeys(issuerId, true))?.includes(keyId),
    );
  const ownerHad = (keyId: string) => (ownerId ? issuerHad(ownerId, keyId) : Promise.resolve(false));

  let proofVerdict: 'verified' | 'failed' | 'not checked: remote' = !proof ? 'not checked: remote' : proof.verified ? 'verified' : 'failed';
  let proofProblem = proof && !proof.verified ? proof.reason : undefined;
  if (proof?.verified) {
    proofProblem = graphProblem(credential, proof.nquads);
    if (!proofProblem && webIssuerId && !(await ownerHad(proof.keyId))) proofProblem = "its key is not in the issuer's DID document";
    if (proofProblem) proofVerdict = 'failed';
  }
  const signedByListIssuer = proof?.verified && list ? (webIssuerId ? webIssuerId === list.issuerId : await ownerHad(proof.keyId)) : true;
  const statusVerdict: StatusVerdict = !credential.credentialStatus
    ? 'none'
    : !entry
      ? 'not checked: unsupported'
      : !list
        ? 'not checked: remote'
        : // No such list here, or a list of another issuer: nothing vouches for the credential.
          revokedBit !== false || !signedByListIssuer
          ? 'revoked'
          : 'active';

  // Looked up after the proof, so a forged proof costs no lookup, and the issuer just read is in L1.
  const claims = proof?.verified ? await claimsOf(credential, issuer, webIssuerId, local) : undefined;
  const impersonation =
    claims && proof?.verified ? await impersonationOf(claims, webIssuerId, (owner) => issuerHad(owner, proof.keyId)) : undefined;

  const validFrom = new Date(credential.validFrom);
  const validUntil = credential.validUntil ? new Date(credential.validUntil) : null;
  const matched = await recipientOf(credential, recipient);
  const checks = [
    check('conformance', true, 'It has the shape of an OB 3.0 AchievementCredential.', ''),
    check(
      'proof',
      proofVerdict === 'verified',
      `Its eddsa-rdfc-2022 proof verifies with the issuer's key (${issuer}).`,
      proofVerdict === 'failed'
        ? `Its proof does not verify: ${proofProblem}.`
        : `Its issuer (${issuer}) is neither a did:key nor a DID of this deployment: the proof was not checked (remote).`,
    ),
    check(
      'not_revoked',
      statusVerdict === 'active' || statusVerdict === 'none',
      statusVerdict === 'none' ? 'It names no status list.' : 'Its status list says it is not revoked.',
      statusVerdict === 'revoked'
        ? 'Its status list says it is revoked (or the list is not the issuer’s).'
        : statusVerdict === 'not checked: unsupported'
          ? 'Its status entry is not a revocation BitstringStatusListEntry: not checked.'
          : 'Its status list is on another origin: not checked (remote).',
    ),
    ...(!proof?.verified
      ? []
      : [
          check(
            'issuer_of_claims',
            !impersonation,
            claims?.size
              ? "The records of this deployment it names are signed by their issuer's key."
              : 'It names no record of this deployment.',
            impersonation ?? '',
          ),
        ]),
    check('valid_from', validFrom.getTime() <= now.getTime(), 'It is valid from a date that has passed.', 'It is not valid yet.'),
    check('not_expired', !validUntil || validUntil.getTime() > now.getTime(), 'It has not expired.', 'It has expired.'),
    ...(matched === null ? [] : [check('recipient', matched, 'It was issued to this recipient.', 'It was not issued to this recipient.')]),
  ];
  const status =
    proofVerdict === 'failed'
      ? 'invalid'
      : statusVerdict === 'revoked'
        ? 'revoked'
        : impersonation
          ? 'invalid'
          : validFrom.getTime() > now.getTime()
            ? 'not_yet_valid'
            : validUntil && validUntil.getTime() <= now.getTime()
              ? 'expired'
              : proofVerdict === 'verified' && (statusVerdict === 'active' || statusVerdict === 'none')
                ? 'valid'
                : 'invalid';
  return {
    valid: status === 'valid',
    status,
    checks,
    recipient: { matched },
    verifiedAt,
    ob3: { conformance: 'passed', proof: proofVerdict, status: statusVerdict },
    credential: { id: credential.id, issuer, validFrom: credential.validFrom, validUntil: credential.validUntil ?? null },
  };
}
