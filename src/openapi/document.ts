/**
 * @module The OpenAPI 3.1 document, built from the zod schemas the routes validate with (request
 * bodies) and return (the verification report), so the contract and the code cannot drift apart.
 */
import { z } from 'zod';
import {
  badgePatchBody,
  issuerPatchBody,
  newAssertionBody,
  newAssertionsBatchBody,
  newBadgeBody,
  newIssuerBody,
  revokeBody,
} from '../routes/admin-bodies.ts';
import { batchBody, verifyBody } from '../verify/input.ts';
import { verificationReport } from '../verify/report.ts';

type Schema = Record<string, unknown>;
type Response = { description: string; schema?: Schema; example?: unknown; contentType?: string };
type Operation = {
  method: 'get' | 'post' | 'patch';
  path: string;
  summary: string;
  tag: 'Documents' | 'Verification' | 'Admin' | 'Pages' | 'Service';
  body?: { schema: Schema; example: unknown; contentType?: string; alternatives?: string[] };
  responses: Record<string, Response>;
};

const json = (schema: z.ZodType): Schema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return rest;
};

const problem: Response = {
  description: 'Problem details (RFC 9457) with a machine-readable `code`',
  contentType: 'application/problem+json',
  schema: json(z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() })),
  example: { type: '/problems/not_found', title: 'Not Found', status: 404, code: 'not_found', detail: 'No assertion with this id.' },
};

const BASE = 'https://badges.example.org';
const reportExample = {
  valid: true,
  status: 'valid',
  checks: [
    { name: 'hosted_scope', passed: true, message: "The assertion is hosted within the issuer's verification scope." },
    { name: 'issued_on', passed: true, message: 'The issue date is not in the future.' },
    { name: 'not_revoked', passed: true, message: 'The issuer has not revoked it.' },
    { name: 'not_expired', passed: true, message: 'It does not expire.' },
    { name: 'recipient', passed: true, message: 'It was issued to this email.' },
  ],
  recipient: { matched: true },
  assertion: {
    id: `${BASE}/assertions/demo-valid`,
    issuedOn: '2026-01-15T09:00:00.000Z',
    expires: null,
    revoked: false,
    revocationReason: null,
  },
  badge: {
    id: `${BASE}/badges/demo-badge`,
    name: 'Demo Badge',
    description: 'Awarded for completing the demo course.',
    image: `${BASE}/badges/demo-badge/image`,
  },
  issuer: { id: `${BASE}/issuers/demo-issuer`, name: 'Demo Academy', url: 'https://academy.example.org' },
  verifiedAt: '2026-11-26T12:00:00.000Z',
};
const report: Response = { description: 'Verification report', schema: json(verificationReport), example: reportExample };
const jsonLd = (example: unknown): Response => ({
  description: 'Open Badges 2.0 JSON-LD (`application/json` if that is all the client accepts; an HTML page for browsers)',
  contentType: 'application/ld+json',
  schema: { type: 'object' },
  example,
});
const written = (example: unknown): Response => ({
  description: 'Committed; `cache.redis` says whether Redis took the new records (`pending`: the outbox applies them later)',
  schema: { type: 'object' },
  example,
});

export const operations: Operation[] = [
  {
    method: 'get',
    path: '/issuers/{id}',
    tag: 'Documents',
    summary: 'Issuer profile',
    responses: {
      200: jsonLd({
        '@context': 'https://w3id.org/openbadges/v2',
        type: 'Issuer',
        id: `${BASE}/issuers/demo-issuer`,
        name: 'Demo Academy',
        url: 'https://academy.example.org',
        email: 'badges@academy.example.org',
        revocationList: `${BASE}/issuers/demo-issuer/revocations`,
      }),
      400: problem,
      404: problem,
    },
  },
  {
    method: 'get',
    path: '/issuers/{id}/revocations',
    tag: 'Documents',
    summary: "The issuer's RevocationList (streamed)",
    responses: {
      200: jsonLd({
        '@context': 'https://w3id.org/openbadges/v2',
        type: 'RevocationList',
        id: `${BASE}/issuers/demo-issuer/revocations`,
        issuer: `${BASE}/issuers/demo-issuer`,
        revokedAssertions: [{ id: `${BASE}/assertions/demo-revoked`, revocationReason: 'Issued in error' }],
      }),
      404: problem,
    },
  },
  {
    method: 'get',
    path: '/badges/{id}',
    tag: 'Documents',
    summary: 'BadgeClass',
    responses: {
      200: jsonLd({
        '@context': 'https://w3id.org/openbadges/v2',
        type: 'BadgeClass',
        id: `${BASE}/badges/demo-badge`,
        name: 'Demo Badge',
        description: 'Awarded for completing the demo course.',
        image: `${BASE}/badges/demo-badge/image`,
        criteria: { narrative: 'Complete every module.' },
        issuer: `${BASE}/issuers/demo-issuer`,
      }),
      404: problem,
    },
  },
  {
    method: 'get',
    path: '/badges/{id}/image',
    tag: 'Documents',
    summary: 'Badge image (PNG or SVG)',
    responses: { 200: { description: 'The image', contentType: 'image/png' }, 404: problem },
  },
  {
    method: 'get',
    path: '/assertions/{id}',
    tag: 'Documents',
    summary: 'Hosted Assertion (410 when revoked)',
    responses: {
      200: jsonLd({
        '@context': 'https://w3id.org/openbadges/v2',
        type: 'Assertion',
        id: `${BASE}/assertions/demo-valid`,
        recipient: { type: 'email', hashed: true, identity: 'sha256$198666fe…', salt: 'demo-salt-7f3a' },
        badge: `${BASE}/badges/demo-badge`,
        verification: { type: 'hosted' },
        issuedOn: '2026-01-15T09:00:00.000Z',
      }),
      410: jsonLd({
        '@context': 'https://w3id.org/openbadges/v2',
        id: `${BASE}/assertions/demo-revoked`,
        type: 'Assertion',
        revoked: true,
        revocationReason: 'Issued in error',
      }),
      404: problem,
    },
  },
  {
    method: 'get',
    path: '/assertions/{id}/image',
    tag: 'Documents',
    summary: 'Baked badge image carrying the assertion URL',
    responses: {
      200: { description: 'PNG with an `openbadges` iTXt chunk, or SVG with `openbadges:assertion`', contentType: 'image/png' },
      404: problem,
      410: problem,
    },
  },
  {
    method: 'get',
    path: '/assertions/{id}/verify',
    tag: 'Verification',
    summary: 'Verify one assertion',
    responses: { 200: report, 400: problem, 404: problem, 503: problem },
  },
  {
    method: 'post',
    path: '/verify',
    tag: 'Verification',
    summary: 'Verify an id, an assertion URL, an assertion document or a baked image, optionally against a recipient',
    body: {
      schema: json(verifyBody),
      example: { assertion: 'demo-valid', recipient: { type: 'email', identity: 'alice@example.org' } },
      alternatives: ['image/png', 'image/svg+xml', 'multipart/form-data (image, assertion, recipient_identity, recipient_type)'],
    },
    responses: { 200: report, 400: problem, 413: problem, 415: problem, 422: problem, 429: problem, 503: problem },
  },
  {
    method: 'post',
    path: '/verify/batch',
    tag: 'Verification',
    summary: 'Verify up to 100 assertions in one statement',
    body: { schema: json(batchBody), example: { ids: ['demo-valid', 'demo-revoked'] } },
    responses: {
      200: {
        description: 'One report per id, in order',
        schema: { type: 'object', properties: { results: { type: 'array', items: json(verificationReport) } } },
        example: { results: [reportExample] },
      },
      400: problem,
      429: problem,
    },
  },
  {
    method: 'post',
    path: '/admin/issuers',
    tag: 'Admin',
    summary: 'Create an issuer',
    body: {
      schema: json(newIssuerBody),
      example: { name: 'Demo Academy', url: 'https://academy.example.org', email: 'badges@academy.example.org' },
    },
    responses: {
      201: written({ id: 'k3J9xQ2mP0aZ', url: `${BASE}/issuers/k3J9xQ2mP0aZ`, cache: { redis: 'done' } }),
      400: problem,
      401: problem,
      409: problem,
      503: problem,
    },
  },
  {
    method: 'patch',
    path: '/admin/issuers/{id}',
    tag: 'Admin',
    summary: 'Edit an issuer',
    body: { schema: json(issuerPatchBody), example: { name: 'Demo Academy (renamed)' } },
    responses: {
      200: written({ id: 'demo-issuer', url: `${BASE}/issuers/demo-issuer`, cache: { redis: 'done' } }),
      401: problem,
      404: problem,
    },
  },
  {
    method: 'post',
    path: '/admin/badges',
    tag: 'Admin',
    summary: 'Create a badge class',
    body: {
      schema: json(newBadgeBody),
      example: {
        issuerId: 'demo-issuer',
        name: 'Demo Badge',
        description: 'For the demo.',
        criteria: { narrative: 'Finish it.' },
        imageUrl: 'https://academy.example.org/badge.png',
      },
    },
    responses: {
      201: written({ id: 'Qw8…', issuerId: 'demo-issuer', url: `${BASE}/badges/Qw8…` }),
      400: problem,
      401: problem,
      422: problem,
    },
  },
  {
    method: 'patch',
    path: '/admin/badges/{id}',
    tag: 'Admin',
    summary: 'Edit a badge class',
    body: { schema: json(badgePatchBody), example: { name: 'Demo Badge v2' } },
    responses: { 200: written({ id: 'demo-badge', issuerId: 'demo-issuer' }), 401: problem, 404: problem },
  },
  {
    method: 'post',
    path: '/admin/assertions',
    tag: 'Admin',
    summary: 'Issue an assertion (stores only the salted hash of the recipient)',
    body: { schema: json(newAssertionBody), example: { badgeId: 'demo-badge', recipient: { type: 'email', identity: 'bob@example.org' } } },
    responses: {
      201: written({
        id: 'Zx1…',
        url: `${BASE}/assertions/Zx1…`,
        verifyUrl: `${BASE}/assertions/Zx1…/verify`,
        imageUrl: `${BASE}/assertions/Zx1…/image`,
      }),
      400: problem,
      401: problem,
      422: problem,
    },
  },
  {
    method: 'post',
    path: '/admin/assertions/batch',
    tag: 'Admin',
    summary: 'Issue one badge class to up to 1,000 recipients: one statement, one Redis write',
    body: {
      schema: json(newAssertionsBatchBody),
      example: { badgeId: 'demo-badge', recipients: [{ type: 'email', identity: 'bob@example.org' }, { identity: 'carol@example.org' }] },
    },
    responses: {
      201: written({
        count: 2,
        assertions: [
          {
            id: 'Zx1…',
            url: `${BASE}/assertions/Zx1…`,
            verifyUrl: `${BASE}/assertions/Zx1…/verify`,
            imageUrl: `${BASE}/assertions/Zx1…/image`,
          },
        ],
        cache: { redis: 'done' },
      }),
      400: problem,
      401: problem,
      422: problem,
    },
  },
  {
    method: 'post',
    path: '/admin/assertions/{id}/revoke',
    tag: 'Admin',
    summary: 'Revoke an assertion',
    body: { schema: json(revokeBody), example: { reason: 'Issued in error' } },
    responses: { 200: written({ id: 'demo-valid', revoked: true }), 401: problem, 404: problem, 429: problem },
  },
  {
    method: 'get',
    path: '/verify',
    tag: 'Pages',
    summary: 'Upload page: drop a baked badge image or paste a URL',
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  },
  {
    method: 'post',
    path: '/assertions/{id}/recipient',
    tag: 'Pages',
    summary: 'The verification page\u2019s "Was this badge issued to …?" form',
    body: {
      schema: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
      example: 'email=alice%40example.org',
      contentType: 'application/x-www-form-urlencoded',
    },
    responses: { 200: { description: 'HTML page with the answer', contentType: 'text/html' }, 404: problem },
  },
  {
    method: 'get',
    path: '/health',
    tag: 'Service',
    summary: 'Database and Redis reachability, L1 size',
    responses: {
      200: {
        description: 'Up',
        schema: { type: 'object' },
        example: {
          status: 'ok',
          database: { ok: true, ms: 3 },
          redis: { ok: true, ms: 2 },
          l1: { entries: 12, bytes: 9000, maxEntries: 5000, maxBytes: 16777216 },
        },
      },
      503: { description: 'The database does not answer', schema: { type: 'object' } },
    },
  },
];

/** The whole document, with the server set to this deployment's public origin. */
export function openApiDocument(publicBaseUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters = op.path.includes('{id}')
      ? [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, example: 'demo-valid' }]
      : undefined;
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(parameters && { parameters }),
      ...(op.tag === 'Admin' && { security: [{ adminToken: [] }] }),
      ...(op.body && {
        requestBody: {
          required: true,
          ...(op.body.alternatives && { description: `Also accepted: ${op.body.alternatives.join('; ')}.` }),
          content: { [op.body.contentType ?? 'application/json']: { schema: op.body.schema, example: op.body.example } },
        },
      }),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema || r.example !== undefined
              ? {
                  content: {
                    [r.contentType ?? 'application/json']: {
                      ...(r.schema && { schema: r.schema }),
                      ...(r.example !== undefined && { example: r.example }),
                    },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Badge verification API',
      version: '1.0.0',
      description: 'Open Badges 2.0 hosted documents and verification, on the edge.',
    },
    servers: [{ url: publicBaseUrl }],
    components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } } },
    paths,
  };
}
