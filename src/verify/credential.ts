/**
 * @module Verification of an OB 3.0 credential, in the order of the spec (1EdTech OB 3.0 §9.1):
 * shape (the fields the AchievementCredential schema requires), the one proof (did:key, offline),
 * status (a Bitstring Status List of this deployment, from its own tiers), the validity window,
 * then the recipient. What lives on another origin is reported "not checked: remote", never fetched.
 */
import { z } from 'zod';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../credentials/contexts.ts';
import { verifyDocument } from '../credentials/data-integrity.ts';
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

/** Where a status list of this deployment comes from (tiers, not the network). */
export type LocalStatusLists = {
  /** The issuer and list number of a list URL of this deployment; undefined for any other URL. */
  listOf(url: string): { issuerId: string; listNumber: number } | undefined;
  /** The list's signed JSON, or undefined when there is none. */
  read(issuerId: string, listNumber: number): Promise<string | undefined>;
};

const check = (name: string, passed: boolean, pass: string, fail: string): Check => ({ name, passed, message: passed ? pass : fail });
const issuerIdOf = (credential: AchievementCredential) =>
  typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;

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
  lists: LocalStatusLists,
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

  const proof = issuer.startsWith('did:key:') ? await verifyDocument(supplied as never) : undefined;
  const proofVerdict = !proof ? 'not checked: remote' : proof.verified && `did:key:${proof.keyId}` === issuer ? 'verified' : 'failed';

  let statusVerdict: 'active' | 'revoked' | 'none' | 'not checked: remote' = 'none';
  const entry = credential.credentialStatus;
  if (entry) {
    const local = lists.listOf(entry.statusListCredential);
    const listJson = local && (await lists.read(local.issuerId, local.listNumber));
    // A list of this deployment comes from its own tiers (it built and signed it), whichever key signed it.
    const list = listJson ? (JSON.parse(listJson) as { credentialSubject: { encodedList: string } }) : undefined;
    if (!local) statusVerdict = 'not checked: remote';
    else if (!list)
      statusVerdict = 'revoked'; // no such list here: nothing vouches for the credential
    else statusVerdict = (await statusBit(list.credentialSubject.encodedList, Number(entry.statusListIndex))) ? 'revoked' : 'active';
  }

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
        ? `Its proof does not verify: ${proof?.reason ?? `signed by another key than the issuer's`}.`
        : `Its issuer (${issuer}) is not a did:key: the proof was not checked (remote).`,
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
