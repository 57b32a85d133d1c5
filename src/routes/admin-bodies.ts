/** @module Request bodies of the admin routes, validated with zod. */
import { z } from 'zod';
import { PUBLIC_ID } from '../ids.ts';
import { recipientClaim } from '../verify/input.ts';

const publicId = z.string().regex(PUBLIC_ID, 'ids are 1-64 letters, digits, "-" or "_"');
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
  verification: z
    .object({
      startsWith: z.array(httpUrl).max(20).optional(),
      // OB 2.0: host names only (no scheme, no port), as validators check them.
      allowedOrigins: z.array(z.string().max(253).regex(HOST_NAME, 'a host name, without scheme or port')).max(20).optional(),
    })
    .nullish(),
};

export const newIssuerBody = z.strictObject({ id: publicId.optional(), ...issuerFields });
export const issuerPatchBody = z.strictObject(issuerFields).partial().refine(changesSomething, 'give at least one field to change');

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
  .refine((b) => b.image || b.imageUrl, { message: 'give image or imageUrl', path: ['image'] });
export const badgePatchBody = z.strictObject(badgeFields).partial().refine(changesSomething, 'give at least one field to change');

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

export const newAssertionBody = z
  .strictObject({ id: publicId.optional(), badgeId: publicId, recipient: recipientClaim, ...awardFields })
  .refine(...expiresAfterIssuedOn);

/** The most awards one batch request may issue (one statement, one Redis write). */
export const MAX_BATCH_AWARDS = 1000;

export const newAssertionsBatchBody = z
  .strictObject({
    badgeId: publicId,
    recipients: z
      .array(recipientClaim.extend({ id: publicId.optional() }))
      .min(1)
      .max(MAX_BATCH_AWARDS),
    ...awardFields,
  })
  .refine(...expiresAfterIssuedOn)
  .refine((b) => new Set(b.recipients.flatMap((r) => (r.id ? [r.id] : []))).size === b.recipients.filter((r) => r.id).length, {
    message: 'recipient ids must be distinct',
    path: ['recipients'],
  });

/** What one award needs, whether it came alone or in a batch. */
export type AwardFields = Omit<z.output<typeof newAssertionBody>, 'badgeId'>;

export const revokeBody = z.strictObject({ reason: text(500) });
