/** @module Open Badges 2.0 JSON-LD documents (hosted verification) from database records. */
import type { AssertionRecord, BadgeClassRecord, IssuerRecord } from '../db/records.ts';
import type { PublicUrls } from './urls.ts';

export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';

type Json = Record<string, unknown>;

/** Drops null and undefined members: OB 2.0 optional properties are absent, not null. */
function compact(doc: Json): Json {
  return Object.fromEntries(Object.entries(doc).filter(([, value]) => value !== null && value !== undefined));
}

/** The issuer's hosted-verification policy, present only when it narrows the default (same host). */
function verificationPolicy(issuer: IssuerRecord): Json | undefined {
  if (!issuer.verificationStartsWith?.length && !issuer.verificationAllowedOrigins?.length) return undefined;
  return compact({ type: 'hosted', startsWith: issuer.verificationStartsWith, allowedOrigins: issuer.verificationAllowedOrigins });
}

export function issuerDocument(issuer: IssuerRecord, urls: PublicUrls): Json {
  return compact({
    '@context': OB2_CONTEXT,
    type: 'Issuer',
    id: urls.issuer(issuer.id),
    name: issuer.name,
    url: issuer.url,
    email: issuer.email,
    description: issuer.description,
    image: issuer.imageUrl,
    revocationList: urls.revocationList(issuer.id),
    verification: verificationPolicy(issuer),
  });
}

export function badgeClassDocument(badge: BadgeClassRecord, urls: PublicUrls): Json {
  return compact({
    '@context': OB2_CONTEXT,
    type: 'BadgeClass',
    id: urls.badge(badge.id),
    name: badge.name,
    description: badge.description,
    image: badge.imageUrl ?? urls.badgeImage(badge.id),
    criteria: compact({ id: badge.criteriaUrl, narrative: badge.criteriaNarrative }),
    issuer: urls.issuer(badge.issuerId),
    tags: badge.tags.length ? badge.tags : undefined,
  });
}

export function assertionDocument(assertion: AssertionRecord, urls: PublicUrls): Json {
  return compact({
    '@context': OB2_CONTEXT,
    type: 'Assertion',
    id: urls.assertion(assertion.id),
    recipient: compact({
      type: assertion.recipientType,
      hashed: assertion.recipientHashed,
      identity: assertion.recipientIdentity,
      salt: assertion.recipientSalt,
    }),
    badge: urls.badge(assertion.badgeClassId),
    verification: { type: 'hosted' },
    issuedOn: assertion.issuedOn.toISOString(),
    expires: assertion.expires?.toISOString(),
    image: urls.assertionImage(assertion.id),
    evidence: assertion.evidence?.length ? assertion.evidence : undefined,
    narrative: assertion.narrative,
  });
}

/** The 410 body of a revoked hosted assertion: validators read `revoked` or the status. */
export function revokedAssertionDocument(assertion: AssertionRecord, urls: PublicUrls): Json {
  return {
    '@context': OB2_CONTEXT,
    id: urls.assertion(assertion.id),
    type: 'Assertion',
    revoked: true,
    revocationReason: assertion.revocationReason ?? 'Revoked by the issuer',
  };
}
