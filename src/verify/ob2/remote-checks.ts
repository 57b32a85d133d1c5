/** @module The OB 2.0 checks both verification types make on a stranger's assertion, badge class and issuer. */
import {
  assertionVersion,
  dateOf,
  idOf,
  isObject,
  type Json,
  many,
  missingEmail,
  missingProperties,
  text,
  typesOf,
} from '../../openbadges/ob2-shape.ts';
import { type RecipientClaim, recipientMatches } from '../../openbadges/recipient.ts';
import { check, type Findings, recipientOf } from './remote-findings.ts';

/** Whether the assertion (a document just read) is OB 2.0 and the other checks apply; when not, why, in `f`. */
export function isOb2(f: Findings, assertion: Json): boolean {
  f.read++;
  const version = assertionVersion(assertion);
  if (version === '1.x')
    f.checks.push(check('unsupported_version', false, '', 'Open Badges 1.x is not supported; ask the issuer for an OB 2.0 or 3.0 badge.'));
  if (version === 'other')
    f.contextless.push('The assertion does not use the Open Badges 2.0 JSON-LD context (https://w3id.org/openbadges/v2).');
  return version === '2.0';
}

export const assertionTypeCheck = (assertion: Json) =>
  check(
    'assertion_type',
    typesOf(assertion.type).includes('Assertion'),
    'The document is an Assertion.',
    'The document type is not Assertion.',
  );

/**
 * OB 2.0 hosted scope: the assertion URL starts with one of the issuer's `verification.startsWith`
 * (when set) and its authority is one of `verification.allowedOrigins`, by default the issuer id's
 * (as the 1EdTech validator's HOSTED_ID_IN_VERIFICATION_SCOPE reads the spec).
 */
export function inScope(assertionUrl: string, issuer: Json): boolean {
  const policy: Json = isObject(issuer.verification) ? issuer.verification : {};
  const startsWith = many(policy.startsWith).map(text).filter(Boolean);
  // The URL as it is fetched: `..` and `%2e%2e` resolved, so a path cannot climb out of the prefix it starts with.
  const url = URL.parse(assertionUrl);
  if (!url) return false;
  if (startsWith.length && !startsWith.some((prefix) => url.href.startsWith(prefix))) return false;
  const allowed = many(policy.allowedOrigins)
    .map((origin) => text(origin).toLowerCase())
    .filter(Boolean);
  if (allowed.length) return allowed.includes(url.host) || allowed.includes(url.hostname);
  try {
    return new URL(text(issuer.id)).host === url.host;
  } catch {
    return false;
  }
}

/** Required properties, the issuer's email (reported only), the issue date: what holds for any OB 2.0 assertion, hosted or signed. */
export function documentChecks(f: Findings, assertion: Json, now: Date): void {
  const { badge, issuer } = f;
  const missing = [
    ...missingProperties(assertion, 'Assertion'),
    ...(badge ? missingProperties(badge, 'BadgeClass') : []),
    ...(issuer ? missingProperties(issuer, 'Issuer') : []),
  ];
  f.checks.push(
    check(
      'required_properties',
      !missing.length,
      'Every required property is there.',
      `Missing or of the wrong type: ${missing.join(', ')}.`,
    ),
  );
  if (issuer)
    f.checks.push(
      check(
        'issuer_email',
        !missingEmail(issuer),
        'The issuer profile gives an email address.',
        'The issuer profile gives no email address (OB 2.0 asks for one; many issuers omit it, so this is not held against the badge).',
      ),
    );

  const issuedOn = dateOf(assertion.issuedOn);
  const expires = assertion.expires === undefined ? undefined : dateOf(assertion.expires);
  const dateProblem = !issuedOn
    ? 'The issue date is missing or not an ISO 8601 date.'
    : issuedOn.getTime() > now.getTime()
      ? 'The issue date is in the future.'
      : assertion.expires !== undefined && !expires
        ? 'The expiry date is not an ISO 8601 date.'
        : expires && expires.getTime() < issuedOn.getTime()
          ? 'It expires before it was issued.'
          : undefined;
  f.checks.push(check('issued_on', !dateProblem, 'The issue date is not in the future.', dateProblem ?? ''));
}

/** Revoked (by every source of revocation read into `f.revoked`) and expired: the checks whose failure has its own status. */
export function lifecycleChecks(f: Findings, assertion: Json, now: Date): void {
  const expires = dateOf(assertion.expires);
  const expired = expires !== undefined && expires.getTime() <= now.getTime();
  f.checks.push(
    check('not_revoked', !f.revoked, 'The issuer has not revoked it.', `Revoked by the issuer: ${f.revoked?.reason ?? 'no reason given'}.`),
    check(
      'not_expired',
      !expired,
      expires ? `It expires on ${expires.toISOString()}.` : 'It does not expire.',
      `It expired on ${expires?.toISOString()}.`,
    ),
  );
}

/** Whether the copy a verifier holds says what the hosted one does: the same recipient identity and badge class. */
export function matchesHostedCheck(held: Json, hosted: Json) {
  const identity = text(recipientOf(held).identity).toLowerCase();
  const same = identity !== '' && identity === text(recipientOf(hosted).identity).toLowerCase() && idOf(held.badge) === idOf(hosted.badge);
  return check(
    'matches_hosted',
    same,
    'The document matches the hosted assertion.',
    'The document differs from the hosted assertion (recipient or badge).',
  );
}

/** Whether `claim` is the assertion's recipient (salted `sha256$` / `md5$` or plain), and its check. */
export async function recipientCheck(assertion: Json, claim: RecipientClaim) {
  const recipient = recipientOf(assertion);
  const matched = await recipientMatches(
    {
      recipientType: text(recipient.type),
      recipientHashed: recipient.hashed === true,
      recipientIdentity: text(recipient.identity),
      recipientSalt: text(recipient.salt) || null,
    },
    claim,
  );
  return {
    matched,
    check: check('recipient', matched, `It was issued to this ${claim.type}.`, `It was not issued to this ${claim.type}.`),
  };
}
