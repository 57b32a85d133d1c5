/** @module Authenticated writes: issuers, badge classes, assertions, revocation. */
import { type Context, Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import type { AppEnv } from '../app-env.ts';
import { createBadgeClass, createIssuer, editBadgeClass, editIssuer, issueAssertions, revokeAssertion } from '../data/writes.ts';
import type { AssertionRecord } from '../db/queries.ts';
import type { NewBadgeClass, NewIssuer } from '../db/schema.ts';
import type { NewAward } from '../db/writes.ts';
import { newPublicId } from '../ids.ts';
import { checkBadgeImage } from '../openbadges/badge-image.ts';
import { BakedImageError, type ImageKind } from '../openbadges/baking/index.ts';
import { hashIdentity, newSalt } from '../openbadges/recipient.ts';
import { Problem } from '../problem.ts';
import { checkAdminToken } from '../rate-limit.ts';
import { invalidBody } from '../verify/input.ts';
import {
  type AwardFields,
  badgePatchBody,
  issuerPatchBody,
  newAssertionBody,
  newAssertionsBatchBody,
  newBadgeBody,
  newIssuerBody,
  revokeBody,
} from './admin-bodies.ts';
import { publicIdParam } from './params.ts';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Without a configured token the admin routes are closed (503), never open. */
const adminEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.deps.config.adminToken) throw new Problem(503, 'admin_disabled', 'Admin routes are disabled: ADMIN_TOKEN is not configured.');
  await next();
});

/** A credential of another scheme (Basic, say) is no bearer token: 401 with the challenge (RFC 6750), not hono's 400. */
const bearerScheme = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  if (header !== undefined && !/^Bearer +\S/i.test(header)) {
    throw new Problem(401, 'unauthorized', 'Admin routes take `Authorization: Bearer <token>`.', {
      'www-authenticate': 'Bearer realm="admin"',
    });
  }
  await next();
});

/** Constant-time comparison of the bearer token; the token itself is never logged. A failure counts against the address. */
const adminToken = bearerAuth({
  verifyToken: (token, c) => checkAdminToken(c as Context<AppEnv>, token, (c as Context<AppEnv>).var.deps.config.adminToken!),
});

async function body<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
}

const adminBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new Problem(413, 'body_too_large', `Bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  },
});

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

/** The uploaded image's bytes, checked: a 422 with the reason unless it is a clean image of its declared type. */
function badgeImageBytes(image: { type: ImageKind; base64: string }): Uint8Array {
  const bytes = bytesOf(image.base64);
  try {
    checkBadgeImage(bytes, image.type);
  } catch (error) {
    if (error instanceof BakedImageError) throw new Problem(422, error.code, error.message);
    throw error;
  }
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

export const admin = new Hono<AppEnv>()
  .use('/admin/*', adminEnabled, bearerScheme, adminToken, adminBodyLimit)
  .post('/admin/issuers', async (c) => {
    const { id, ...input } = await body(c.req.raw, newIssuerBody);
    const { cache, ...issuer } = await createIssuer(c.var.scope, { ...(issuerColumns(input) as NewIssuer), id: id ?? newPublicId() });
    return c.json({ id: issuer.id, version: issuer.version, url: c.var.urls.issuer(issuer.id), cache }, 201);
  })
  .patch('/admin/issuers/:id', publicIdParam, async (c) => {
    const { cache, ...issuer } = await editIssuer(c.var.scope, c.req.param('id'), issuerColumns(await body(c.req.raw, issuerPatchBody)));
    return c.json({ id: issuer.id, version: issuer.version, url: c.var.urls.issuer(issuer.id), cache });
  })
  .post('/admin/badges', async (c) => {
    const { id, issuerId, ...input } = await body(c.req.raw, newBadgeBody);
    const { cache, ...badge } = await createBadgeClass(c.var.scope, {
      id: id ?? newPublicId(),
      issuerId,
      ...(badgeColumns(input) as Omit<NewBadgeClass, 'id' | 'issuerId'>),
    });
    return c.json({ id: badge.id, issuerId: badge.issuerId, version: badge.version, url: c.var.urls.badge(badge.id), cache }, 201);
  })
  .patch('/admin/badges/:id', publicIdParam, async (c) => {
    const { cache, ...badge } = await editBadgeClass(c.var.scope, c.req.param('id'), badgeColumns(await body(c.req.raw, badgePatchBody)));
    return c.json({ id: badge.id, issuerId: badge.issuerId, version: badge.version, url: c.var.urls.badge(badge.id), cache });
  })
  .post('/admin/assertions', async (c) => {
    const { badgeId, ...input } = await body(c.req.raw, newAssertionBody);
    const { issued, cache } = await issueAssertions(c.var.scope, badgeId, [await award(input)]);
    return c.json({ ...issuedLinks(c, issued[0]!), cache }, 201);
  })
  .post('/admin/assertions/batch', async (c) => {
    const { badgeId, recipients, ...shared } = await body(c.req.raw, newAssertionsBatchBody);
    const awards = await Promise.all(recipients.map(({ id, ...recipient }) => award({ ...shared, id, recipient })));
    const { issued, cache } = await issueAssertions(c.var.scope, badgeId, awards);
    return c.json({ count: issued.length, assertions: issued.map((record) => issuedLinks(c, record)), cache }, 201);
  })
  .post('/admin/assertions/:id/revoke', publicIdParam, async (c) => {
    const { reason } = await body(c.req.raw, revokeBody);
    const { cache, ...assertion } = await revokeAssertion(c.var.scope, c.req.param('id'), reason);
    return c.json({ id: assertion.id, version: assertion.version, revoked: true, url: c.var.urls.assertion(assertion.id), cache });
  });
