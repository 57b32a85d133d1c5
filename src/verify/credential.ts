/**
 * @module Verification of an OB 3.0 credential, in the order of the spec (1EdTech OB 3.0 §9.1):
 * shape (the fields the AchievementCredential schema requires), the one proof (did:key offline,
 * a did:web of this deployment from its own tiers), status (a Bitstring Status List of this
 * deployment, from its own tiers), the validity window, then the recipient. What lives on another
 * origin is reported "not checked: remote", never fetched.
 */
import { z } from 'zod';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../credentials/contexts.ts';
import { didKeyResolver, type KeyResolver, type ProofCheck, verifyDocument } from '../credentials/data-integrity.ts';
import { didKey } from '../credentials/issuer-dids.ts';
import { statusBit } from '../credentials/status-list.ts';
import { type RecipientClaim, recipientMatches } from '../openbadges/recipient.ts';
import type { Check, VerificationReport } from './report.ts';

/** The fields OB 3.0 requires of an AchievementCredential (and this verifier reads). */
const achievementCredential = z.looseObject({
  '@context': z
    .array(z.string())
    .refine((c) => c[0] === VC_V2_CONTEXT && c.some((url) => url.startsWith('https://purl.imsglobal.org/spec/ob/v3p0/context')), {
      message: `must start with ${VC_V2_CONTEXT} and include an OB 3.0 context such as ${OB_V3_CONTEXT}`,
    }),
  id: z.string().min(1),
  type: z
    .array(z.string())
    .refine((t) => t.includes('VerifiableCredential') && (t.includes('OpenBadgeCredential') || t.includes('AchievementCredential'))),
  issuer: z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]),
  validFrom: z.iso.datetime({ offset: true }),
  validUntil: z.iso.datetime({ offset: true }).optional(),
  credentialSubject: z.looseObject({
    identifier: z
      .array(z.looseObject({ identityHash: z.string(), identityType: z.string(), hashed: z.boolean(), salt: z.string().optional() }))
      .optional(),
    achievement: z.looseObject({
      id: z.string(),
      type: z.array(z.string()),
      name: z.string(),
      description: z.string(),
      criteria: z.looseObject({}),
    }),
  }),
  credentialStatus: z
    .looseObject({
      type: z.literal('BitstringStatusListEntry'),
      statusPurpose: z.string(),
      statusListIndex: z.string(),
      statusListCredential: z.string(),
    })
    .optional(),
});
export type AchievementCredential = z.infer<typeof achievementCredential>;

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

type StatusVerdict = 'active' | 'revoked' | 'none' | 'not checked: remote';

/** The credential's status, from a list of this deployment (it built and signed it, whichever key signed it). */
async function statusOf(credential: AchievementCredential, local: LocalSources): Promise<StatusVerdict> {
  const entry = credential.credentialStatus;
  if (!entry) return 'none';
  const list = local.listOf(entry.statusListCredential);
  if (!list) return 'not checked: remote';
  const json = await local.readList(list.issuerId, list.listNumber);
  if (!json) return 'revoked'; // no such list here: nothing vouches for the credential
  const { credentialSubject } = JSON.parse(json) as { credentialSubject: { encodedList: string } };
  return (await statusBit(credentialSubject.encodedList, Number(entry.statusListIndex))) ? 'revoked' : 'active';
}

/** The recipient claim against the credential's identifiers (salted hashes, like OB 2.0). */
async function recipientOf(credential: AchievementCredential, claim: RecipientClaim | undefined): Promise<boolean | null> {
  if (!claim) return null;
  const identityTypes: Record<string, string> = { emailAddress: 'email', url: 'url', phoneNumber: 'telephone', identifier: 'id' };
  for (const identifier of credential.credentialSubject.identifier ?? []) {
    const stored = {
      recipientType: identityTypes[identifier.identityType] ?? identifier.identityType,
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
  const shape = achievementCredential.safeParse(supplied);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    return {
      valid: false,
      status: 'invalid',
      checks: [check('conformance', false, '', `Not an OB 3.0 credential: ${issue?.path.join('.') || 'document'}: ${issue?.message}.`)],
      recipient: { matched: null },
      verifiedAt,
      ob3: { conformance: 'failed', proof: 'not checked: remote', status: 'none' },
    };
  }
  const credential = shape.data;
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
            : proofVerdict === 'verified' && statusVerdict !== 'not checked: remote'
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
