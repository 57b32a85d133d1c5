/** @module Verification routes: GET one by id, POST anything a verifier holds, POST a batch. */
import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { bundleEtag, cacheTags, PRIVATE_CACHE_CONTROL } from '../edge/headers.ts';
import { withCachePolicy } from '../edge/with-cache-policy.ts';
import type { AppEnv } from '../http/app-env.ts';
import { verifyRateLimit } from '../http/middleware/rate-limit.ts';
import { notFound, Problem } from '../http/problem.ts';
import { isPublicId } from '../lib/ids.ts';
import type { RecipientClaim } from '../openbadges/recipient.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import { checkJsonComplexity } from '../verify/json-limit.ts';
import {
  type Verifiable,
  verifiableFromBakedImage,
  verifiableFromCredential,
  verifiableFromDocument,
  verifiableFromReference,
} from '../verify/reference.ts';
import { verificationReport } from '../verify/report.ts';
import { verifyHosted, verifyVerifiables } from '../verify/service.ts';
import { bodyOfType, limitBody, newRouter } from './router.ts';
import { EXAMPLE_BASE, ID_MESSAGE, idParams, problems, recipientClaim } from './schemas.ts';

export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
export const MAX_BATCH = 100;
/** Items of a batch that may need the network: each may take up to 30 fetches. */
export const MAX_REMOTE_IN_BATCH = 10;
/** A signed assertion or a VC-JWT is longer than a URL. */
const MAX_REFERENCE = 256 * 1024;

const VERIFY_TYPES = [
  'application/json',
  'application/ld+json',
  'multipart/form-data',
  'image/png',
  'image/svg+xml',
  'application/octet-stream',
];

/** A JSON body is counted before the validator parses it: parsing is the costly part of a hostile one. */
const boundedJson = createMiddleware<AppEnv>(async (c, next) => {
  if (/json/i.test(c.req.header('content-type') ?? '')) checkJsonComplexity(await c.req.text(), 'body');
  await next();
});

const report = verificationReport.openapi('VerificationReport', {
  example: {
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
      id: `${EXAMPLE_BASE}/assertions/demo-valid`,
      issuedOn: '2026-01-15T09:00:00.000Z',
      expires: null,
      revoked: false,
      revocationReason: null,
    },
    badge: {
      id: `${EXAMPLE_BASE}/badges/demo-badge`,
      name: 'Demo Badge',
      description: 'Awarded for completing the demo course.',
      image: `${EXAMPLE_BASE}/badges/demo-badge/image`,
    },
    issuer: { id: `${EXAMPLE_BASE}/issuers/demo-issuer`, name: 'Demo Academy', url: 'https://academy.example.org' },
    verifiedAt: '2026-11-26T12:00:00.000Z',
  },
});

const verifyItem = z.object({
  assertion: z
    .union([
      z
        .string()
        .min(1)
        .max(MAX_REFERENCE)
        .describe('an id, an assertion URL (ours or any host), or a signed OB 2.0 assertion (compact JWS)'),
      z.looseObject({ id: z.string().max(2048) }).describe('an OB 2.0 assertion document as the verifier received it'),
    ])
    .optional(),
  credential: z
    .union([
      z.looseObject({}).describe('a Verifiable Credential (OB 3.0 or any VC, Data Model 1.1 or 2.0) with its embedded proofs'),
      z.string().min(1).max(MAX_REFERENCE).describe('a compact VC-JWT, or the URL the credential is published at'),
    ])
    .optional(),
  recipient: recipientClaim.optional(),
});
const oneOf = (body: { assertion?: unknown; credential?: unknown }) => (body.assertion === undefined) !== (body.credential === undefined);

const verifyBody = verifyItem
  .refine(oneOf, 'give either assertion or credential')
  .openapi({ example: { assertion: 'demo-valid', recipient: { type: 'email', identity: 'alice@example.org' } } });

const verifyForm = z.object({
  image: z.instanceof(File).optional().openapi({ type: 'string', format: 'binary', description: 'a baked PNG or SVG' }),
  assertion: z.string().max(MAX_REFERENCE).optional().openapi({ description: 'an id or assertion URL (any host), when no image is sent' }),
  credential: z
    .string()
    .max(MAX_REFERENCE)
    .optional()
    .openapi({ description: 'a credential URL or a compact VC-JWT, when no image is sent' }),
  recipient_identity: z.string().optional(),
  recipient_type: z.enum(['email', 'url', 'telephone', 'id']).optional(),
});

const bakedImage = { schema: z.string().openapi({ format: 'binary', description: 'a baked badge image' }) };

const batchBody = z
  .object({
    ids: z.array(z.string().max(2048)).min(1).max(MAX_BATCH).optional().describe('ids of our assertions'),
    items: z
      .array(verifyItem.refine(oneOf, 'give either assertion or credential'))
      .min(1)
      .max(MAX_BATCH)
      .optional()
      .describe(`anything POST /verify takes; at most ${MAX_REMOTE_IN_BATCH} that need the network`),
    recipient: recipientClaim.optional().describe('for every id (an item carries its own)'),
  })
  .refine((body) => (body.ids === undefined) !== (body.items === undefined), 'give either ids or items')
  .openapi({ example: { ids: ['demo-valid', 'demo-revoked'] } });

const verifyOne = createRoute({
  method: 'get',
  path: '/assertions/{id}/verify',
  tags: ['Verification'],
  summary: 'Verify one assertion',
  request: { params: idParams('demo-valid') },
  responses: {
    200: { description: 'Verification report', content: { 'application/json': { schema: report } } },
    ...problems(400, 404, 503),
  },
});

const verifyAnything = createRoute({
  method: 'post',
  path: '/verify',
  tags: ['Verification'],
  summary:
    "Verify anyone's badge: an id or assertion URL, an assertion document or signed assertion, a credential (object, VC-JWT or URL), or a baked image; optionally against a recipient",
  middleware: [verifyRateLimit, limitBody(MAX_UPLOAD_BYTES), bodyOfType(...VERIFY_TYPES), boundedJson] as const,
  request: {
    body: {
      content: {
        'application/json': { schema: verifyBody },
        'application/ld+json': { schema: verifyBody },
        'multipart/form-data': { schema: verifyForm },
        'image/png': bakedImage,
        'image/svg+xml': bakedImage,
        'application/octet-stream': bakedImage,
      },
    },
  },
  responses: {
    200: {
      description: 'Verification report (never cached: it may concern a person)',
      content: { 'application/json': { schema: report } },
    },
    ...problems(400, 413, 415, 422, 429, 503),
  },
});

const verifyBatch = createRoute({
  method: 'post',
  path: '/verify/batch',
  tags: ['Verification'],
  summary: `Verify up to ${MAX_BATCH} assertions (ours in one statement) or items`,
  middleware: [verifyRateLimit, limitBody(MAX_UPLOAD_BYTES), bodyOfType('application/json'), boundedJson] as const,
  request: { body: { required: true, content: { 'application/json': { schema: batchBody } } } },
  responses: {
    200: {
      description: 'One report per id, in order',
      content: { 'application/json': { schema: z.object({ results: z.array(report) }) } },
    },
    ...problems(400, 413, 415, 422, 429, 503),
  },
});

export const verification = newRouter()
  .openapi(verifyOne, (c) => {
    const { id } = c.req.valid('param');
    return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
      const verified = await verifyHosted(c.var.scope, id);
      if (!verified) throw notFound('assertion');
      const { bundle, report } = verified;
      // The ETag ignores verifiedAt: the same records and outcome are the same answer.
      return {
        response: c.json(report, 200),
        tags: cacheTags.bundle(bundle),
        etag: bundleEtag(bundle, report.status),
        changesAt: bundle.assertion.expires,
      };
    });
  })
  .openapi(verifyAnything, async (c) => {
    // One route, several content types: zod-openapi types each target as the union of every
    // declared schema, so each is read here as the one its validator checked.
    const verifiable = await verificationRequest({
      contentType: c.req.header('content-type') ?? '',
      urls: c.var.urls,
      json: () => c.req.valid('json') as z.output<typeof verifyBody>,
      form: () => c.req.valid('form') as z.output<typeof verifyForm>,
      bytes: () => c.req.arrayBuffer(),
    });
    const [verified] = await verifyVerifiables(c.var.scope, [verifiable]);
    // The answer may depend on a recipient identity: no cache may keep it.
    return c.json(verified, 200, { 'cache-control': PRIVATE_CACHE_CONTROL });
  })
  .openapi(verifyBatch, async (c) => {
    const { ids, items, recipient } = c.req.valid('json');
    const malformed = (ids ?? []).findIndex((id) => !isPublicId(id));
    if (malformed >= 0) throw new Problem(400, 'malformed_id', `ids.${malformed}: ${ID_MESSAGE}.`);
    const verifiables = ids
      ? ids.map((id): Verifiable => ({ kind: 'assertion', request: { id, recipient } }))
      : items!.map((item) => verifiableOfItem(item, c.var.urls));
    const remote = verifiables.filter((v) => v.kind !== 'assertion' && !('ownId' in v && v.ownId)).length;
    if (remote > MAX_REMOTE_IN_BATCH)
      throw new Problem(
        422,
        'batch_too_remote',
        `At most ${MAX_REMOTE_IN_BATCH} items of a batch may need the network; this one has ${remote}.`,
      );
    const reports = await verifyVerifiables(c.var.scope, verifiables);
    return c.json({ results: reports }, 200, { 'cache-control': PRIVATE_CACHE_CONTROL });
  });

/** What POST /verify reads of its request, typed per content type. */
type VerifyInput = {
  contentType: string;
  urls: PublicUrls;
  /** Validated by the route for its content type. */
  json: () => z.output<typeof verifyBody>;
  form: () => z.output<typeof verifyForm>;
  bytes: () => Promise<ArrayBuffer>;
};

/** One JSON item: an assertion (reference or document) or a credential. */
function verifiableOfItem(body: z.output<typeof verifyItem>, urls: PublicUrls): Verifiable {
  if (body.credential !== undefined) return verifiableFromCredential(body.credential, urls, body.recipient);
  return typeof body.assertion === 'string'
    ? verifiableFromReference(body.assertion, urls, body.recipient)
    : verifiableFromDocument(body.assertion!, urls, body.recipient);
}

/** What a POST /verify body asks about, by its content type (JSON and forms were validated by the route). */
async function verificationRequest({ contentType, urls, json, form: readForm, bytes }: VerifyInput): Promise<Verifiable> {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const form = readForm();
    const recipient = form.recipient_identity
      ? recipientClaim.safeParse({ type: form.recipient_type, identity: form.recipient_identity })
      : undefined;
    if (recipient && !recipient.success) throw new Problem(400, 'invalid_body', 'recipient_identity: give a non-empty identity.');
    const claim: RecipientClaim | undefined = recipient?.data;
    if (form.image) return verifiableFromBakedImage(new Uint8Array(await form.image.arrayBuffer()), urls, claim);
    if (form.assertion) return verifiableFromReference(form.assertion, urls, claim);
    if (form.credential) return verifiableFromCredential(form.credential, urls, claim);
    throw new Problem(400, 'invalid_body', 'Send an `image` file, an `assertion` or a `credential` field.');
  }
  if (type.endsWith('json')) return verifiableOfItem(json(), urls);
  return verifiableFromBakedImage(new Uint8Array(await bytes()), urls, undefined);
}
