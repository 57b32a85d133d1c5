/**
 * @module OB 2.0 signed verification of a stranger's assertion (1EdTech validator tasks VERIFY_JWS,
 * VERIFY_KEY_OWNERSHIP, VERIFY_SIGNED_ASSERTION_NOT_REVOKED): the JWS with the key its creator
 * names, the key owned by the issuer, then the issuer's RevocationList.
 */
import { readJws, verifyRs256 } from '../../openbadges/jws.ts';
import { idOf, isObject, type Json, many, text, typesOf, verificationTypeOf, withVerificationAlias } from '../../openbadges/ob2-shape.ts';
import { assertionTypeCheck, documentChecks, isOb2, lifecycleChecks } from './remote-checks.ts';
import { badgeAndIssuer, type Documents, readDocument } from './remote-documents.ts';
import { check, type Findings, shown } from './remote-findings.ts';

/** Whether the key signs this JWS: undefined when the key could not be had (the verdict is then unverifiable). */
async function signatureOf(
  jws: string,
  key: Json | undefined,
  creator: string,
): Promise<{ verified: boolean; problem?: string } | undefined> {
  if (!creator) return { verified: false, problem: 'It names no signing key (verification.creator).' };
  if (!key) return undefined;
  const pem = text(key.publicKeyPem);
  if (!typesOf(key.type).includes('CryptographicKey') || !pem)
    return { verified: false, problem: `The signing key at ${creator} is not a CryptographicKey with a publicKeyPem.` };
  return verifyRs256(jws, pem);
}

/** Why the issuer does not own the key, or undefined when it does: the key names the issuer as owner, and the issuer lists the key. */
function ownershipProblem(key: Json, creator: string, issuer: Json): string | undefined {
  if (text(key.owner) !== text(issuer.id)) return `The key is owned by ${shown(key.owner)}, not by the issuer ${shown(issuer.id)}.`;
  if (!many(issuer.publicKey).map(idOf).includes(creator)) return `The issuer profile does not list the key ${creator} in its publicKey.`;
  return undefined;
}

/** The entry revoking the assertion in a RevocationList: its id, an object with its id, or (legacy) with its `uid`. */
function revocationEntry(list: Json, assertion: Json): { reason: string | null } | undefined {
  const id = text(assertion.id);
  const uid = text(assertion.uid);
  for (const entry of many(list.revokedAssertions)) {
    if (typeof entry === 'string' && id && entry === id) return { reason: null };
    if (isObject(entry) && ((id && text(entry.id) === id) || (uid && text(entry.uid) === uid)))
      return { reason: text(entry.revocationReason) || null };
  }
  return undefined;
}

/** Reads the issuer's RevocationList (kind `status`) into `f.revoked`; no list means nothing is revoked. */
async function readRevocation(docs: Documents, f: Findings, issuer: Json, assertion: Json): Promise<void> {
  const url = idOf(issuer.revocationList);
  if (!url) return;
  const list = await readDocument(docs, f, url, 'revocation list', 'status');
  if (!list) return;
  if (!typesOf(list.type).includes('RevocationList')) f.unfetched.push(`The revocation list at ${url} is not a RevocationList.`);
  else f.revoked = revocationEntry(list, assertion);
}

/** Every check of a signed assertion held as a compact JWS, into `f`. */
export async function verifySigned(docs: Documents, f: Findings, held: string, now: Date): Promise<void> {
  const read = readJws(held);
  if ('problem' in read) {
    f.checks.push(check('signature', false, '', read.problem));
    return;
  }
  if (!isObject(read.payload)) {
    f.malformed.push('The JWS payload is not a JSON object.');
    return;
  }
  if (!isOb2(f, read.payload)) return;
  const assertion = withVerificationAlias(read.payload);
  f.assertion = assertion;
  f.checks.push(
    assertionTypeCheck(assertion),
    check(
      'verification_type',
      verificationTypeOf(assertion) === 'SignedBadge',
      'It asks for signed verification.',
      'It is held as a JWS but does not ask for signed verification.',
    ),
  );

  const creator = idOf(isObject(assertion.verification) ? assertion.verification.creator : undefined);
  // The key and the badge class (then its issuer) at once: neither needs the other.
  const [key, { issuer }] = await Promise.all([
    creator ? readDocument(docs, f, creator, 'signing key', 'definition') : undefined,
    badgeAndIssuer(docs, f, assertion),
  ]);
  const signature = await signatureOf(read.jws, key, creator);
  if (signature)
    f.checks.push(check('signature', signature.verified, 'The JWS signature verifies with the key it names.', signature.problem ?? ''));
  const owned = key && issuer ? ownershipProblem(key, creator, issuer) : undefined;
  if (key && issuer) f.checks.push(check('key_owner', !owned, 'The issuer owns the signing key.', owned ?? ''));
  f.proof = {
    type: 'RS256',
    ...(creator ? { verificationMethod: creator } : {}),
    verified: signature?.verified ?? false,
    byIssuer: Boolean(key && issuer && !owned),
    message: signature ? (signature.problem ?? 'Verified with the key it names.') : 'Not checked: the key could not be fetched.',
  };

  documentChecks(f, assertion, now);
  // Revocation is the issuer's word only once the assertion is known to be the issuer's.
  if (signature?.verified && key && issuer && !owned) await readRevocation(docs, f, issuer, assertion);
  lifecycleChecks(f, assertion, now);
}
