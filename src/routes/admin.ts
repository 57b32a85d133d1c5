/** @module Authenticated writes: issuers, badge classes, assertions, revocation. */
import { type Context, Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { z } from 'zod';
import type { AppEnv } from '../app-env.ts';
import { createBadgeClass, createIssuer, editBadgeClass, editIssuer, issueAssertion, revokeAssertion } from '../data/writes.ts';
import type { NewBadgeClass, NewIssuer } from '../db/schema.ts';
import { newPublicId } from '../ids.ts';
import { hashIdentity, newSalt } from '../openbadges/recipient.ts';
import { Problem } from '../problem.ts';
import { adminFailureGate, recordAdminFailure } from '../rate-limit.ts';
import { invalidBody } from '../verify/input.ts';
import { badgePatchBody, issuerPatchBody, newAssertionBody, newBadgeBody, newIssuerBody, revokeBody } from './admin-bodies.ts';
import { publicIdParam } from './params.ts';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Without a configured token the admin routes are closed (503), never open. */
const adminEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.deps.config.adminToken) throw new Problem(503, 'admin_disabled', 'Admin routes are disabled: ADMIN_TOKEN is not configured.');
  await next();
});

/** Constant-time comparison of the bearer token; the token itself is never logged. A failure counts against the address. */
const adminToken = bearerAuth({
  verifyToken: async (token, c) => {
    const context = c as Context<AppEnv>;
    const ok = await timingSafeEqual(context.var.deps.config.adminToken!, token);
    if (!ok) await recordAdminFailure(context);
    return ok;
  },
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
    ...(image && { imageBytes: bytesOf(image.base64), imageType: image.type, imageUrl: null }),
    ...(imageUrl && !image && { imageUrl, imageBytes: null, imageType: null }),
  };
}

export const admin = new Hono<AppEnv>()
  .use('/admin/*', adminEnabled, adminFailureGate, adminToken, adminBodyLimit)
  .post('/admin/issuers', async (c) => {
    const { id, ...input } = await body(c.req.raw, newIssuerBody);
    const result = await createIssuer(c.var.scope, { ...(issuerColumns(input) as NewIssuer), id: id ?? newPublicId() });
    return c.json({ ...result, url: c.var.urls.issuer(result.id) }, 201);
  })
  .patch('/admin/issuers/:id', publicIdParam, async (c) => {
    const result = await editIssuer(c.var.scope, c.req.param('id'), issuerColumns(await body(c.req.raw, issuerPatchBody)));
    return c.json({ ...result, url: c.var.urls.issuer(result.id) });
  })
  .post('/admin/badges', async (c) => {
    const { id, issuerId, ...input } = await body(c.req.raw, newBadgeBody);
    const result = await createBadgeClass(c.var.scope, { id: id ?? newPublicId(), issuerId, ...(badgeColumns(input) as Omit<NewBadgeClass, 'id' | 'issuerId'>) });
    return c.json({ ...result, url: c.var.urls.badge(result.id) }, 201);
  })
  .patch('/admin/badges/:id', publicIdParam, async (c) => {
    const result = await editBadgeClass(c.var.scope, c.req.param('id'), badgeColumns(await body(c.req.raw, badgePatchBody)));
    return c.json({ ...result, url: c.var.urls.badge(result.id) });
  })
  .post('/admin/assertions', async (c) => {
    const input = await body(c.req.raw, newAssertionBody);
    // Only the salted hash is stored; e-mail addresses are hashed in their normalised form.
    const identity = input.recipient.type === 'email' ? input.recipient.identity.toLowerCase() : input.recipient.identity;
    const salt = newSalt();
    const result = await issueAssertion(c.var.scope, {
      id: input.id ?? newPublicId(),
      badgeClassId: input.badgeId,
      recipientType: input.recipient.type,
      recipientIdentity: await hashIdentity(identity, salt),
      recipientSalt: salt,
      issuedOn: input.issuedOn ? new Date(input.issuedOn) : new Date(),
      expires: input.expires ? new Date(input.expires) : null,
      evidence: input.evidence ?? null,
      narrative: input.narrative ?? null,
    });
    const urls = c.var.urls;
    return c.json({ ...result, url: urls.assertion(result.id), verifyUrl: urls.verification(result.id), imageUrl: urls.assertionImage(result.id) }, 201);
  })
  .post('/admin/assertions/:id/revoke', publicIdParam, async (c) => {
    const { reason } = await body(c.req.raw, revokeBody);
    const result = await revokeAssertion(c.var.scope, c.req.param('id'), reason);
    return c.json({ ...result, revoked: true, url: c.var.urls.assertion(result.id) });
  });
