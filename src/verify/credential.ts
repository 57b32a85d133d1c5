/**
 * @module Verification of an OB 3.0 credential, in the order of the spec (1EdTech OB 3.0 §9.1):
 * conformance (conformance.ts: the AchievementCredential JSON Schema), the one proof (did:key offline,
 * a did:web of this deployment from its own tiers), status (a Bitstring Status List of this
 * deployment, from its own tiers), the validity window, then the recipient. What lives on another
 * origin is reported "not checked: remote", never fetched.
 */
import { z } from 'zod';
import { IDENTITY_TYPES } from '../credentials/credential.ts';
import { didKeyResolver, type KeyResolver, type ProofCheck, verifyDocument } from '../credentials/data-integrity.ts';
import { didKey } from '../credentials/issuer-dids.ts';
import { statusBit } from '../credentials/status-list.ts';
import { type RecipientClaim, recipientMatches } from '../openbadges/recipient.ts';
import { type AchievementCredential, conformanceOf } from './conformance.ts';
import type { Check, VerificationReport } from './report.ts';

/** What this deployment knows of itself, from its own tiers (never the network): its status lists and its issuers' keys. */
export type LocalSources = {
  /** The issuer and list number of a list URL of this deployment; undefined for any other URL. */
  listOf(url: string): { issuerId: string; listNumber: number } | undefined;
  /** The list's signed JSON, or undefined when there is none. */
  readList(issuerId: string, listNumber: number): Promise<string | undefined>;
  /** The issuer id of one of this deployment's did:web DIDs; undefined for any other DID. */
  issuerOfWeb(did: string): string | undefined;
  /** Whether `keyId` is in the issuer's DID document; undefined when there is no such issuer. */
  issuerHasKey(issuerId: string, keyId: string): Promise<boolean | undefined>;
};

const check = (name: string, passed: boolean, pass: string, fail: string): Check => ({ name, passed, message: passed ? pass : fail });
const issuerIdOf = (credential: AchievementCredential) =>
  typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;

const NOT_THE_ISSUERS = "signed by another key than the issuer's";

/** Which keys may sign for `issuer`: a did:key its own, a did:web of this deployment those of its DID document; undefined for a remote DID. */
function keysOfIssuer(issuer: string, local: LocalSources): KeyResolver | undefined {
  if (issuer.startsWith('did:key:'))
    return async (method) => {
      const resolved = await didKeyResolver(method);
      return typeof resolved === 'string' || didKey(resolved.keyId) === issuer ? resolved : NOT_THE_ISSUERS;
    };
  const issuerId = local.issuerOfWeb(issuer);
  if (!issuerId) return undefined;
  return async (method) => {
    const [did, keyId] = method.split('#');
    if (did !== issuer || !keyId) return NOT_THE_ISSUERS;
    const known = await local.issuerHasKey(issuerId, keyId);
    if (known === undefined) return 'its issuer is not known to this deployment';
    return known ? { keyId } : "its key is not in the issuer's DID document";
  };
}

type StatusVerdict = 'active' | 'revoked' | 'none' | 'not checked: remote' | 'not checked: unsupported';

/** The one status entry this verifier checks (W3C Bitstring Status List); other types are reported unchecked. */
const bitstringStatusListEntry = z.looseObject({
  type: z.literal('BitstringStatusListEntry'),
  statusPurpose: z.literal('revocation'),
  statusListIndex: z.string().regex(/^(0|[1-9][0-9]*)$/),
  statusListCredential: z.string(),
});

/** The credential's status, from a list of this deployment (it built and signed it, whichever key signed it). */
async function statusOf(credential: AchievementCredential, local: LocalSources): Promise<StatusVerdict> {
  if (!credential.credentialStatus) return 'none';
  const parsed = bitstringStatusListEntry.safeParse(credential.credentialStatus);
  if (!parsed.success) return 'not checked: unsupported';
  const entry = parsed.data;
  const list = local.listOf(entry.statusListCredential);
  if (!list) return 'not checked: remote';
  const json = await local.readList(list.issuerId, list.listNumber);
  if (!json) return 'revoked'; // no such list here: nothing vouches for the credential
  const { credentialSubject } = JSON.parse(json) as { credentialSubject: { encodedList: string } };
  return (await statusBit(credentialSubject.encodedList, Number(entry.statusListIndex))) ? 'revoked' : 'active';
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
  const conformance = conformanceOf(supplied);
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

  const resolveKey = keysOfIssuer(issuer, local);
  // Both may need a statement when cold: they run side by side.
  const [proof, statusVerdict] = await Promise.all([
    resolveKey ? verifyDocument(supplied as never, resolveKey) : Promise.resolve<ProofCheck | undefined>(undefined),
    statusOf(credential, local),
  ]);
  const proofVerdict = !proof ? 'not checked: remote' : proof.verified ? 'verified' : 'failed';

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
        ? `Its proof does not verify: ${proof?.reason}.`
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
    check('valid_from', validFrom.getTime() <= now.getTime(), 'It is valid from a date that has passed.', 'It is not valid yet.'),
    check('not_expired', !validUntil || validUntil.getTime() > now.getTime(), 'It has not expired.', 'It has expired.'),
    ...(matched === null ? [] : [check('recipient', matched, 'It was issued to this recipient.', 'It was not issued to this recipient.')]),
  ];
  const status =
    proofVerdict === 'failed'
      ? 'invalid'
      : statusVerdict === 'revoked'
        ? 'revoked'
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
