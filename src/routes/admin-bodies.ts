/** @module Request and response bodies of the admin routes: zod schemas with examples (they are the OpenAPI document too). */
import { z } from '@hono/zod-openapi';
import { cacheUpdate, EXAMPLE_BASE, publicId, recipientClaim } from './schemas.ts';

/** A patch must change something: an empty one would only bump the version and purge the edge. */
const changesSomething = (patch: object) => Object.values(patch).some((value) => value !== undefined);
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
/** DNS labels of letters, digits and inner hyphens, dot-separated. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
// Postgres text cannot hold NUL: refused here rather than failing in the database.
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
/** An instant with its offset, in years 1900–9999 (UTC): what Postgres and every client read back the same way. */
const instant = z.iso.datetime({ offset: true }).refine((value) => {
  const year = new Date(value).getUTCFullYear();
  return year >= 1900 && year <= 9999;
}, 'a year from 1900 to 9999');
const MAX_IMAGE_BYTES = 1024 * 1024;

const issuerFields = {
  name: text(200),
  url: httpUrl,
  email: z.email().max(320),
  description: text(5000).nullish(),
  imageUrl: httpUrl.nullish(),
  linkedInOrganizationId: z
    .string()
    .regex(/^[0-9]{1,20}$/, "LinkedIn's numeric organization id")
    .nullish()
    .describe('the issuer\'s LinkedIn company id: "Add to profile" then shows its logo'),
  verification: z
    .object({
      startsWith: z.array(httpUrl).max(20).optional(),
      // OB 2.0: host names only (no scheme, no port), as validators check them.
      allowedOrigins: z.array(z.string().max(253).regex(HOST_NAME, 'a host name, without scheme or port')).max(20).optional(),
    })
    .nullish(),
};

export const newIssuerBody = z
  .strictObject({ id: publicId.optional(), ...issuerFields })
  .openapi({ example: { name: 'Demo Academy', url: 'https://academy.example.org', email: 'badges@academy.example.org' } });
export const issuerPatchBody = z
  .strictObject(issuerFields)
  .partial()
  .refine(changesSomething, 'give at least one field to change')
  .openapi({ example: { name: 'Demo Academy (renamed)' } });

const image = z
  .strictObject({
    type: z.enum(['image/png', 'image/svg+xml']),
    base64: z.base64().max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3)),
  })
  .describe('the badge image, stored and served at /badges/{id}/image');

const badgeFields = {
  name: text(200),
  description: text(5000),
  criteria: z
    .strictObject({ url: httpUrl.optional(), narrative: text(10_000).optional() })
    .refine((c) => c.url || c.narrative, 'give criteria.url or criteria.narrative'),
  image: image.optional(),
  imageUrl: httpUrl.optional(),
  tags: z.array(text(100)).max(50).optional(),
};

export const newBadgeBody = z
  .strictObject({ id: publicId.optional(), issuerId: publicId, ...badgeFields })
  .refine((b) => b.image || b.imageUrl, { message: 'give image or imageUrl', path: ['image'] })
  .openapi({
    example: {
      issuerId: 'demo-issuer',
      name: 'Demo Badge',
      description: 'For the demo.',
      criteria: { narrative: 'Finish it.' },
      imageUrl: 'https://academy.example.org/badge.png',
    },
  });
export const badgePatchBody = z
  .strictObject(badgeFields)
  .partial()
  .refine(changesSomething, 'give at least one field to change')
  .openapi({ example: { name: 'Demo Badge v2' } });

const awardFields = {
  issuedOn: instant.optional(),
  expires: instant.optional(),
  evidence: z
    .array(
      z.strictObject({
        id: httpUrl.optional(),
        narrative: text(5000).optional(),
        name: text(200).optional(),
        description: text(5000).optional(),
      }),
    )
    .max(20)
    .optional(),
  narrative: text(10_000).optional(),
};

const expiresAfterIssuedOn: [
  (a: { issuedOn?: string | undefined; expires?: string | undefined }) => boolean,
  { message: string; path: string[] },
] = [
  (a) => !a.expires || Date.parse(a.expires) > (a.issuedOn ? Date.parse(a.issuedOn) : Date.now()),
  { message: 'expires must be after issuedOn (default: now)', path: ['expires'] },
];

/** A recipient as awarded: the identity (hashed, never stored) and, if the issuer wants it printed on the certificate, a display name. */
const awardedRecipient = recipientClaim.extend({
  name: text(200).optional().describe('display name printed on the certificate (optional; never the identity)'),
});

export const newAssertionBody = z
  .strictObject({ id: publicId.optional(), badgeId: publicId, recipient: awardedRecipient, ...awardFields })
  .refine(...expiresAfterIssuedOn)
  .openapi({ example: { badgeId: 'demo-badge', recipient: { type: 'email', identity: 'bob@example.org' } } });

/** The most awards one batch request may issue (one statement, one Redis write). */
export const MAX_BATCH_AWARDS = 1000;

export const newAssertionsBatchBody = z
  .strictObject({
    badgeId: publicId,
    recipients: z
      .array(awardedRecipient.extend({ id: publicId.optional() }))
      .min(1)
      .max(MAX_BATCH_AWARDS),
    ...awardFields,
  })
  .refine(...expiresAfterIssuedOn)
  .refine((b) => new Set(b.recipients.flatMap((r) => (r.id ? [r.id] : []))).size === b.recipients.filter((r) => r.id).length, {
    message: 'recipient ids must be distinct',
    path: ['recipients'],
  })
  .openapi({
    example: { badgeId: 'demo-badge', recipients: [{ type: 'email', identity: 'bob@example.org' }, { identity: 'carol@example.org' }] },
  });

/** What one award needs, whether it came alone or in a batch. */
export type AwardFields = Omit<z.output<typeof newAssertionBody>, 'badgeId'>;

export const claimCodeBody = z
  .strictObject({ expiresInDays: z.number().int().min(1).max(365).optional().describe('default 30') })
  .openapi({ example: { expiresInDays: 30 } });

export const claimCodeIssued = z
  .object({
    claimCode: z.string().describe('shown only here: only its SHA-256 is stored'),
    expiresAt: z.string(),
    pickupUrl: z.url().describe("the earner's page, where the code opens a wallet exchange"),
  })
  .openapi('ClaimCode');

export const revokeBody = z.strictObject({ reason: text(500) }).openapi({ example: { reason: 'Issued in error' } });

const version = z.number().int().describe('the record version this write made');

export const issuerWritten = z.object({ id: z.string(), version, url: z.url(), cache: cacheUpdate }).openapi('IssuerWritten', {
  example: { id: 'demo-issuer', version: 2, url: `${EXAMPLE_BASE}/issuers/demo-issuer`, cache: { redis: 'done', edge: 'done' } },
});

export const badgeWritten = z
  .object({ id: z.string(), issuerId: z.string(), version, url: z.url(), cache: cacheUpdate })
  .openapi('BadgeWritten', {
    example: {
      id: 'demo-badge',
      issuerId: 'demo-issuer',
      version: 2,
      url: `${EXAMPLE_BASE}/badges/demo-badge`,
      cache: { redis: 'done', edge: 'done' },
    },
  });

const issuedLinks = z.object({
  id: z.string(),
  badgeClassId: z.string(),
  issuerId: z.string(),
  version,
  url: z.url(),
  verifyUrl: z.url(),
  imageUrl: z.url(),
});
const issuedExample = {
  id: 'Zx1yQ2mP0aZk',
  badgeClassId: 'demo-badge',
  issuerId: 'demo-issuer',
  version: 1,
  url: `${EXAMPLE_BASE}/assertions/Zx1yQ2mP0aZk`,
  verifyUrl: `${EXAMPLE_BASE}/assertions/Zx1yQ2mP0aZk/verify`,
  imageUrl: `${EXAMPLE_BASE}/assertions/Zx1yQ2mP0aZk/image`,
};

export const assertionIssued = issuedLinks
  .extend({ cache: cacheUpdate })
  .openapi('AssertionIssued', { example: { ...issuedExample, cache: { redis: 'done', edge: 'done' } } });

export const assertionsIssued = z
  .object({ count: z.number().int(), assertions: z.array(issuedLinks), cache: cacheUpdate })
  .openapi('AssertionsIssued', { example: { count: 1, assertions: [issuedExample], cache: { redis: 'done', edge: 'done' } } });

export const assertionRevoked = z
  .object({ id: z.string(), version, revoked: z.literal(true), url: z.url(), cache: cacheUpdate })
  .openapi('AssertionRevoked', {
    example: {
      id: 'demo-valid',
      version: 2,
      revoked: true,
      url: `${EXAMPLE_BASE}/assertions/demo-valid`,
      cache: { redis: 'done', edge: 'done' },
    },
  });

export const keyRotated = z
  .object({
    id: z.string(),
    keyId: z.string(),
    did: z.string().describe("the issuer's DID as new documents name it (did:web keeps one across rotations)"),
    verificationMethod: z.string(),
    version,
    url: z.url(),
    cache: cacheUpdate,
  })
  .openapi('KeyRotated', {
    example: {
      id: 'demo-issuer',
      keyId: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      did: 'did:web:badges.example.org:issuers:demo-issuer',
      verificationMethod: 'did:web:badges.example.org:issuers:demo-issuer#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      version: 3,
      url: `${EXAMPLE_BASE}/issuers/demo-issuer`,
      cache: { redis: 'done', edge: 'done' },
    },
  });
