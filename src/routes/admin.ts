/** @module Authenticated writes: issuers, badge classes, assertions, revocation. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorizeOn } from '../access/principal.ts';
import { setNewSigningKey } from '../data/signing/keys.ts';
import { createBadgeClass, createIssuer, editBadgeClass, editIssuer, issueAssertions, revokeAssertion } from '../data/write/records.ts';
import type { AssertionRecord } from '../db/records.ts';
import type { NewBadgeClass, NewIssuer } from '../db/schema.ts';
import type { NewAward } from '../db/writes.ts';
import { NO_STORE } from '../edge/headers.ts';
import type { AppEnv } from '../http/app-env.ts';
import { principalIn, writerOf } from '../http/middleware/admin-auth.ts';
import { fromBase64 } from '../lib/base64.ts';
import { newPublicId } from '../lib/ids.ts';
import { checkBadgeImage } from '../openbadges/badge-image.ts';
import type { ImageKind } from '../openbadges/baking/index.ts';
import { hashIdentity, newSalt } from '../openbadges/recipient.ts';
import { newClaimCode } from '../wallet/pickup.ts';
import {
  type AwardFields,
  assertionIssued,
  assertionRevoked,
  assertionsIssued,
  badgePatchBody,
  badgeWritten,
  claimCodeBody,
  claimCodeIssued,
  issuerPatchBody,
  issuerWritten,
  keyRotated,
  newAssertionBody,
  newAssertionsBatchBody,
  newBadgeBody,
  newIssuerBody,
  revokeBody,
} from './admin-bodies.ts';
import { newRouter } from './router.ts';
import { idParams, problems } from './schemas.ts';

/** The uploaded image's bytes, checked (a `BakedImageError`, 422 with its reason, unless it is a clean image of its declared type). */
function badgeImageBytes(image: { type: ImageKind; base64: string }): Uint8Array {
  const bytes = fromBase64(image.base64);
  checkBadgeImage(bytes, image.type);
  return bytes;
}

function issuerColumns(input: z.output<typeof issuerPatchBody>): Partial<NewIssuer> {
  const { verification, ...rest } = input;
  return {
    ...rest,
    ...(verification !== undefined && {
      verificationStartsWith: verification?.startsWith ?? null,
      verificationAllowedOrigins: verification?.allowedOrigins ?? null,
    }),
  };
}

function badgeColumns(input: z.output<typeof badgePatchBody>): Partial<NewBadgeClass> {
  const { criteria, image, imageUrl, ...rest } = input;
  return {
    ...rest,
    ...(criteria && { criteriaUrl: criteria.url ?? null, criteriaNarrative: criteria.narrative ?? null }),
    ...(image && { imageBytes: badgeImageBytes(image), imageType: image.type, imageUrl: null }),
    ...(imageUrl && !image && { imageUrl, imageBytes: null, imageType: null }),
  };
}

/** One award as stored: only the salted hash of the identity; e-mail addresses hashed in their normalised form. */
async function award(input: AwardFields): Promise<NewAward> {
  const identity = input.recipient.type === 'email' ? input.recipient.identity.toLowerCase() : input.recipient.identity;
  const salt = newSalt();
  return {
    id: input.id ?? newPublicId(),
    recipientType: input.recipient.type,
    recipientIdentity: await hashIdentity(identity, salt),
    recipientSalt: salt,
    issuedOn: input.issuedOn ? new Date(input.issuedOn) : new Date(),
    expires: input.expires ? new Date(input.expires) : null,
    evidence: input.evidence ?? null,
    narrative: input.narrative ?? null,
    recipientName: input.recipient.name ?? null,
  };
}

const issuedLinks = (c: Context<AppEnv>, record: AssertionRecord) => ({
  id: record.id,
  badgeClassId: record.badgeClassId,
  issuerId: record.issuerId,
  version: record.version,
  url: c.var.urls.assertion(record.id),
  verifyUrl: c.var.urls.verification(record.id),
  imageUrl: c.var.urls.assertionImage(record.id),
});

export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
/** Every admin write takes an optional `Idempotency-Key` (checked by `idempotencyKey`). */
const idempotencyHeaders = z.object({
  'idempotency-key': z.string().optional().openapi({
    description:
      'Makes a retry safe: the same key with the same request writes nothing and answers the first result (`Idempotent-Replayed: true`), for 24 hours; with another request it is a 422. 1–255 printable ASCII characters.',
    example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
  }),
});
const body = <T extends z.ZodType>(schema: T) => ({ headers: idempotencyHeaders, body: { required: true, content: json(schema) } });
const written = <T extends z.ZodType>(schema: T) => ({
  description: 'Committed; `cache` says whether Redis and the edge took the new records',
  content: json(schema),
});
/** What every admin write may answer besides its own. */
export const adminProblems = problems(400, 401, 403, 413, 415, 422, 429, 503);
export const adminOperation = { tags: ['Admin'], security: [{ adminToken: [] }] };

const routes = {
  createIssuer: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/issuers',
    summary: 'Create an issuer',
    request: body(newIssuerBody),
    responses: { 201: written(issuerWritten), ...adminProblems, ...problems(409) },
  }),
  editIssuer: createRoute({
    ...adminOperation,
    method: 'patch',
    path: '/admin/issuers/{id}',
    summary: 'Edit an issuer',
    request: { params: idParams('demo-issuer'), ...body(issuerPatchBody) },
    responses: { 200: written(issuerWritten), ...adminProblems, ...problems(404) },
  }),
  createBadge: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/badges',
    summary: 'Create a badge class',
    request: body(newBadgeBody),
    responses: { 201: written(badgeWritten), ...adminProblems, ...problems(409) },
  }),
  editBadge: createRoute({
    ...adminOperation,
    method: 'patch',
    path: '/admin/badges/{id}',
    summary: 'Edit a badge class',
    request: { params: idParams('demo-badge'), ...body(badgePatchBody) },
    responses: { 200: written(badgeWritten), ...adminProblems, ...problems(404) },
  }),
  issue: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/assertions',
    summary: 'Issue an assertion (stores only the salted hash of the recipient)',
    request: body(newAssertionBody),
    responses: { 201: written(assertionIssued), ...adminProblems, ...problems(409) },
  }),
  issueBatch: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/assertions/batch',
    summary: 'Issue one badge class to up to 1,000 recipients: one statement, one Redis write',
    request: body(newAssertionsBatchBody),
    responses: { 201: written(assertionsIssued), ...adminProblems, ...problems(409) },
  }),
  rotateKey: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/issuers/{id}/keys',
    summary:
      "Rotate the issuer's OB 3.0 signing key (credentials signed before still verify: the issuer's did:web document keeps the old key, and a did:key holds it itself)",
    request: { params: idParams('demo-issuer'), headers: idempotencyHeaders },
    responses: { 201: written(keyRotated), ...adminProblems, ...problems(404) },
  }),
  revoke: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/assertions/{id}/revoke',
    summary: 'Revoke an assertion',
    request: { params: idParams('demo-valid'), ...body(revokeBody) },
    responses: { 200: written(assertionRevoked), ...adminProblems, ...problems(404) },
  }),
  claimCode: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/assertions/{id}/claim-code',
    summary: 'A claim code for the earner, to pick the credential up in a wallet (shown once; each call makes another)',
    request: { params: idParams('demo-valid'), ...body(claimCodeBody) },
    responses: { 201: { description: 'The claim code', content: json(claimCodeIssued) }, ...adminProblems, ...problems(404) },
  }),
};

export const admin = newRouter();
admin
  .openapi(routes.createIssuer, async (c) => {
    const { id, ...input } = c.req.valid('json');
    await authorizeOn(c.var.scope, principalIn(c), 'edit', { issuer: null });
    const { cache, ...issuer } = await createIssuer(
      c.var.scope,
      { ...(issuerColumns(input) as NewIssuer), id: id ?? newPublicId() },
      writerOf(c),
    );
    return c.json({ id: issuer.id, version: issuer.version, url: c.var.urls.issuer(issuer.id), cache }, 201);
  })
  .openapi(routes.editIssuer, async (c) => {
    const { id } = c.req.valid('param');
    await authorizeOn(c.var.scope, principalIn(c), 'edit', { issuer: id });
    const { cache, ...issuer } = await editIssuer(c.var.scope, id, issuerColumns(c.req.valid('json')), writerOf(c));
    return c.json({ id: issuer.id, version: issuer.version, url: c.var.urls.issuer(issuer.id), cache }, 200);
  })
  .openapi(routes.createBadge, async (c) => {
    const { id, issuerId, ...input } = c.req.valid('json');
    await authorizeOn(c.var.scope, principalIn(c), 'edit', { issuer: issuerId });
    const { cache, ...badge } = await createBadgeClass(
      c.var.scope,
      { id: id ?? newPublicId(), issuerId, ...(badgeColumns(input) as Omit<NewBadgeClass, 'id' | 'issuerId'>) },
      writerOf(c),
    );
    return c.json({ id: badge.id, issuerId: badge.issuerId, version: badge.version, url: c.var.urls.badge(badge.id), cache }, 201);
  })
  .openapi(routes.editBadge, async (c) => {
    const { id } = c.req.valid('param');
    await authorizeOn(c.var.scope, principalIn(c), 'edit', { badge: id });
    const { cache, ...badge } = await editBadgeClass(c.var.scope, id, badgeColumns(c.req.valid('json')), writerOf(c));
    return c.json({ id: badge.id, issuerId: badge.issuerId, version: badge.version, url: c.var.urls.badge(badge.id), cache }, 200);
  })
  .openapi(routes.issue, async (c) => {
    const { badgeId, ...input } = c.req.valid('json');
    await authorizeOn(c.var.scope, principalIn(c), 'issue', { badge: badgeId });
    const { issued, cache } = await issueAssertions(c.var.scope, badgeId, [await award(input)], writerOf(c));
    return c.json({ ...issuedLinks(c, issued[0]!), cache }, 201);
  })
  .openapi(routes.issueBatch, async (c) => {
    const { badgeId, recipients, ...shared } = c.req.valid('json');
    await authorizeOn(c.var.scope, principalIn(c), 'issue', { badge: badgeId });
    const awards = await Promise.all(recipients.map(({ id, ...recipient }) => award({ ...shared, id, recipient })));
    const { issued, cache } = await issueAssertions(c.var.scope, badgeId, awards, writerOf(c));
    return c.json({ count: issued.length, assertions: issued.map((record) => issuedLinks(c, record)), cache }, 201);
  })
  .openapi(routes.rotateKey, async (c) => {
    const { id } = c.req.valid('param');
    await authorizeOn(c.var.scope, principalIn(c), 'rotate-keys', { issuer: id });
    const { cache, ...issuer } = await setNewSigningKey(c.var.scope, id, false, writerOf(c));
    const keyId = issuer.signingKeyId!;
    const { dids } = c.var.deps;
    return c.json(
      {
        id: issuer.id,
        keyId,
        did: dids.issuer(issuer.id, keyId),
        verificationMethod: dids.verificationMethod(issuer.id, keyId),
        version: issuer.version,
        url: c.var.urls.issuer(issuer.id),
        cache,
      },
      201,
    );
  })
  .openapi(routes.claimCode, async (c) => {
    const { id } = c.req.valid('param');
    await authorizeOn(c.var.scope, principalIn(c), 'issue', { assertion: id });
    const { claimCode, expiresAt } = await newClaimCode(c.var.scope, id, writerOf(c), c.req.valid('json').expiresInDays);
    return c.json({ claimCode, expiresAt: expiresAt.toISOString(), pickupUrl: c.var.urls.walletPickup(id) }, 201, {
      'cache-control': NO_STORE,
    });
  })
  .openapi(routes.revoke, async (c) => {
    const { reason } = c.req.valid('json');
    const { id } = c.req.valid('param');
    await authorizeOn(c.var.scope, principalIn(c), 'revoke', { assertion: id });
    const { cache, ...assertion } = await revokeAssertion(c.var.scope, id, reason, writerOf(c));
    return c.json(
      { id: assertion.id, version: assertion.version, revoked: true as const, url: c.var.urls.assertion(assertion.id), cache },
      200,
    );
  });
