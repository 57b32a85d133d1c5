/**
 * @module The HTTP contract's shared zod schemas: path parameters, problems, the Open Badges 2.0
 * documents and the write answers. Routes validate with them and `/openapi.json` is generated
 * from them, so the documentation cannot drift from the code.
 */
import { z } from '@hono/zod-openapi';
import { PUBLIC_ID } from '../lib/ids.ts';
import { OB2_CONTEXT } from '../openbadges/documents.ts';

/** Where examples point: the documentation's stand-in for this deployment's public origin. */
export const EXAMPLE_BASE = 'https://badges.example.org';

export const ID_MESSAGE = 'ids are 1-64 letters, digits, "-" or "_"';

export const publicId = z.string().regex(PUBLIC_ID, ID_MESSAGE);

export const idParams = (example: string) => z.object({ id: publicId.openapi({ param: { name: 'id', in: 'path' }, example }) });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('machine-readable reason, e.g. `not_found`'),
    detail: z.string(),
  })
  .openapi('Problem', {
    example: { type: '/problems/not_found', title: 'Not Found', status: 404, code: 'not_found', detail: 'No assertion with this id.' },
  });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed id or invalid body',
  401: 'Missing or wrong bearer token',
  403: "The API key may not do this, or not to this issuer's records",
  404: 'No such record',
  409: 'A record with this id already exists',
  410: 'Revoked',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Refers to a record that does not exist, or a value the data refuses',
  429: 'Rate limited (see Retry-After)',
  503: 'A dependency is unavailable (see Retry-After)',
};

/** Problem+json responses (RFC 9457) for `statuses`. */
export function problems<S extends keyof typeof PROBLEM_DESCRIPTIONS & number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: PROBLEM_DESCRIPTIONS[status]!, content: { 'application/problem+json': { schema: problem } } },
    ]),
  ) as Record<S, { description: string; content: { 'application/problem+json': { schema: typeof problem } } }>;
}

const ob2 = <T extends z.ZodRawShape>(type: string, shape: T) =>
  z.looseObject({ '@context': z.literal(OB2_CONTEXT), type: z.literal(type), id: z.url(), ...shape });

export const issuerDocument = ob2('Issuer', {
  name: z.string(),
  url: z.string(),
  email: z.string(),
  description: z.string().optional(),
  image: z.string().optional(),
  revocationList: z.url(),
}).openapi('Issuer', {
  example: {
    '@context': OB2_CONTEXT,
    type: 'Issuer',
    id: `${EXAMPLE_BASE}/issuers/demo-issuer`,
    name: 'Demo Academy',
    url: 'https://academy.example.org',
    email: 'badges@academy.example.org',
    revocationList: `${EXAMPLE_BASE}/issuers/demo-issuer/revocations`,
  },
});

export const badgeClassDocument = ob2('BadgeClass', {
  name: z.string(),
  description: z.string(),
  image: z.string(),
  criteria: z.union([z.string(), z.looseObject({ narrative: z.string().optional(), id: z.string().optional() })]),
  issuer: z.url(),
}).openapi('BadgeClass', {
  example: {
    '@context': OB2_CONTEXT,
    type: 'BadgeClass',
    id: `${EXAMPLE_BASE}/badges/demo-badge`,
    name: 'Demo Badge',
    description: 'Awarded for completing the demo course.',
    image: `${EXAMPLE_BASE}/badges/demo-badge/image`,
    criteria: { narrative: 'Complete every module.' },
    issuer: `${EXAMPLE_BASE}/issuers/demo-issuer`,
  },
});

export const assertionDocument = ob2('Assertion', {
  recipient: z.looseObject({ type: z.string(), hashed: z.boolean(), identity: z.string(), salt: z.string().optional() }),
  badge: z.url(),
  verification: z.looseObject({ type: z.literal('hosted') }),
  issuedOn: z.string(),
}).openapi('Assertion', {
  example: {
    '@context': OB2_CONTEXT,
    type: 'Assertion',
    id: `${EXAMPLE_BASE}/assertions/demo-valid`,
    recipient: { type: 'email', hashed: true, identity: 'sha256$198666fe…', salt: 'demo-salt-7f3a' },
    badge: `${EXAMPLE_BASE}/badges/demo-badge`,
    verification: { type: 'hosted' },
    issuedOn: '2026-01-15T09:00:00.000Z',
  },
});

export const revokedAssertionDocument = ob2('Assertion', { revoked: z.literal(true), revocationReason: z.string().optional() }).openapi(
  'RevokedAssertion',
  {
    example: {
      '@context': OB2_CONTEXT,
      type: 'Assertion',
      id: `${EXAMPLE_BASE}/assertions/demo-revoked`,
      revoked: true,
      revocationReason: 'Issued in error',
    },
  },
);

export const revocationListDocument = ob2('RevocationList', {
  issuer: z.url(),
  revokedAssertions: z.array(z.object({ id: z.url(), revocationReason: z.string().optional() })),
}).openapi('RevocationList', {
  example: {
    '@context': OB2_CONTEXT,
    type: 'RevocationList',
    id: `${EXAMPLE_BASE}/issuers/demo-issuer/revocations`,
    issuer: `${EXAMPLE_BASE}/issuers/demo-issuer`,
    revokedAssertions: [{ id: `${EXAMPLE_BASE}/assertions/demo-revoked`, revocationReason: 'Issued in error' }],
  },
});

/** A document's answers: JSON-LD for machines, `application/json` when that is all they accept, HTML for browsers. */
export const documentContent = <T extends z.ZodType>(schema: T) => ({
  'application/ld+json': { schema },
  'application/json': { schema },
  'text/html': { schema: z.string().openapi({ description: 'a page for people, with the same facts' }) },
});

/** A response that is a page for people. */
export const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

export const imageContent = {
  'image/png': { schema: z.string().openapi({ format: 'binary' }) },
  'image/svg+xml': { schema: z.string().openapi({ format: 'binary' }) },
};

export const cacheUpdate = z
  .object({
    redis: z.enum(['done', 'pending', 'off']),
    edge: z.enum(['done', 'pending', 'off']),
  })
  .describe('`pending`: Redis did not take the new records, or the edge refused the purge; the cache outbox applies them later');

/** Who a verifier asks about; e-mail unless said otherwise. Only ever in POST bodies. */
export const recipientClaim = z
  .object({
    type: z.enum(['email', 'url', 'telephone', 'id']).default('email'),
    identity: z.string().trim().min(1).max(512),
  })
  .openapi('RecipientClaim', { example: { type: 'email', identity: 'alice@example.org' } });

export const didDocument = z
  .object({
    '@context': z.array(z.string()),
    id: z.string().startsWith('did:web:'),
    verificationMethod: z.array(
      z.object({ id: z.string(), type: z.literal('Multikey'), controller: z.string(), publicKeyMultibase: z.string().startsWith('z6Mk') }),
    ),
    assertionMethod: z.array(z.string()),
  })
  .openapi('DidDocument', {
    example: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: 'did:web:badges.example.org:issuers:demo-issuer',
      verificationMethod: [
        {
          id: 'did:web:badges.example.org:issuers:demo-issuer#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
          type: 'Multikey',
          controller: 'did:web:badges.example.org:issuers:demo-issuer',
          publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        },
      ],
      assertionMethod: ['did:web:badges.example.org:issuers:demo-issuer#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'],
    },
  });
