/** @module Open Badges 2.0 hosted verification of one assertion bundle, as a list of checks. */
import type { AssertionBundle, IssuerRecord } from '../../db/records.ts';
import { type RecipientClaim, recipientMatches } from '../../openbadges/recipient.ts';
import type { PublicUrls } from '../../openbadges/urls.ts';
import type { Check, VerificationReport, VerificationStatus } from '../report.ts';

/** What a verifier may add to the id: a person to check, and the document they were given. */
export type VerificationRequest = {
  id: string;
  recipient?: RecipientClaim | undefined;
  /** An assertion document as the verifier received it (JSON or baked), compared with ours. */
  supplied?: Record<string, unknown> | undefined;
};

const check = (name: string, passed: boolean, pass: string, fail: string): Check => ({ name, passed, message: passed ? pass : fail });

/** OB 2.0 scope rule: the issuer's startsWith / allowedOrigins, else the issuer id's host. */
function inScope(assertionUrl: string, issuer: IssuerRecord, urls: PublicUrls): boolean {
  const url = new URL(assertionUrl);
  if (issuer.verificationStartsWith?.length) return issuer.verificationStartsWith.some((prefix) => assertionUrl.startsWith(prefix));
  if (issuer.verificationAllowedOrigins?.length)
    return issuer.verificationAllowedOrigins.some((host) => host.toLowerCase() === url.hostname);
  return url.host === new URL(urls.issuer(issuer.id)).host;
}

/** A supplied (unvalidated) value as text: strings as they are, anything else as nothing (never its own toString). */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function typesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text) : [text(value)];
}

function suppliedChecks(supplied: Record<string, unknown>, bundle: AssertionBundle, urls: PublicUrls): Check[] {
  const verification = supplied.verification as { type?: unknown } | undefined;
  const recipient = supplied.recipient as { identity?: unknown } | undefined;
  const badge = typeof supplied.badge === 'string' ? supplied.badge : (supplied.badge as { id?: unknown } | undefined)?.id;
  return [
    check(
      'assertion_type',
      typesOf(supplied.type).includes('Assertion'),
      'The document is an Assertion.',
      'The document type is not Assertion.',
    ),
    check(
      'verification_type',
      typesOf(verification?.type).some((t) => t === 'hosted' || t === 'HostedBadge'),
      'The document asks for hosted verification.',
      'The document does not ask for hosted verification.',
    ),
    check(
      'matches_hosted',
      text(recipient?.identity).toLowerCase() === bundle.assertion.recipientIdentity.toLowerCase() && badge === urls.badge(bundle.badge.id),
      'The document matches the hosted assertion.',
      'The document differs from the hosted assertion (recipient or badge).',
    ),
  ];
}

/** The report for an id that matches no assertion. */
export function notFoundReport(now: Date): VerificationReport {
  return {
    valid: false,
    status: 'not_found',
    checks: [{ name: 'exists', passed: false, message: 'No assertion with this id is hosted here.' }],
    recipient: { matched: null },
    verifiedAt: now.toISOString(),
  };
}

/** Every OB 2.0 hosted-verification check on one bundle, and the status they add up to. */
export async function verifyBundle(
  bundle: AssertionBundle,
  request: VerificationRequest,
  urls: PublicUrls,
  now: Date,
): Promise<VerificationReport> {
  const { assertion, badge, issuer } = bundle;
  const assertionUrl = urls.assertion(assertion.id);
  const structural = [
    check(
      'hosted_scope',
      inScope(assertionUrl, issuer, urls),
      "The assertion is hosted within the issuer's verification scope.",
      "The assertion URL is outside the issuer's verification scope.",
    ),
    check(
      'issued_on',
      assertion.issuedOn.getTime() <= now.getTime(),
      'The issue date is not in the future.',
      'The issue date is in the future.',
    ),
    ...(request.supplied ? suppliedChecks(request.supplied, bundle, urls) : []),
  ];
  const revoked = assertion.revokedAt !== null;
  const expired = assertion.expires !== null && assertion.expires.getTime() <= now.getTime();
  const lifecycle = [
    check(
      'not_revoked',
      !revoked,
      'The issuer has not revoked it.',
      `Revoked by the issuer: ${assertion.revocationReason ?? 'no reason given'}.`,
    ),
    check(
      'not_expired',
      !expired,
      assertion.expires ? `It expires on ${assertion.expires.toISOString()}.` : 'It does not expire.',
      `It expired on ${assertion.expires?.toISOString()}.`,
    ),
  ];
  const matched = request.recipient ? await recipientMatches(assertion, request.recipient) : null;
  const recipientCheck =
    matched === null
      ? []
      : [
          check(
            'recipient',
            matched,
            `It was issued to this ${request.recipient!.type}.`,
            `It was not issued to this ${request.recipient!.type}.`,
          ),
        ];

  const status: VerificationStatus = revoked
    ? 'revoked'
    : structural.some((c) => !c.passed)
      ? 'invalid'
      : expired
        ? 'expired'
        : matched === false
          ? 'invalid'
          : 'valid';
  return {
    valid: status === 'valid',
    status,
    checks: [...structural, ...lifecycle, ...recipientCheck],
    recipient: { matched },
    assertion: {
      id: assertionUrl,
      issuedOn: assertion.issuedOn.toISOString(),
      expires: assertion.expires?.toISOString() ?? null,
      revoked,
      revocationReason: assertion.revocationReason,
    },
    badge: {
      id: urls.badge(badge.id),
      name: badge.name,
      description: badge.description,
      image: badge.imageUrl ?? urls.badgeImage(badge.id),
    },
    issuer: { id: urls.issuer(issuer.id), name: issuer.name, url: issuer.url },
    verifiedAt: now.toISOString(),
  };
}
