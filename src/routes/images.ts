/** @module GET badge images, plain and baked with an assertion URL. */
import { createRoute } from '@hono/zod-openapi';
import { readAssertionBundle, readBadgeClass } from '../data/read/documents.ts';
import type { StoredImage } from '../data/read/images.ts';
import { readBadgeImage } from '../data/read/images.ts';
import { readCredential } from '../data/read/signed-credentials.ts';
import type { BadgeClassRecord } from '../db/records.ts';
import { cacheTags, versionEtag } from '../edge/headers.ts';
import { withCachePolicy } from '../edge/with-cache-policy.ts';
import { notFound, Problem } from '../http/problem.ts';
import { BakedImageError, type BakedKind, bake as bakeImage } from '../openbadges/baking/index.ts';
import { newRouter } from './router.ts';
import { idParams, imageContent, problems } from './schemas.ts';

const unusableImage = () =>
  new Problem(404, 'stored_image_unusable', 'The stored badge image fails the upload checks; the issuer must upload it again.');

/** The bytes, or the 404 that says why there are none: a stored image never makes a read fail. */
function usable(image: StoredImage): Extract<StoredImage, { bytes: Uint8Array }> {
  if (image.bytes) return image;
  throw image.reason === 'no_image' ? new Problem(404, 'no_image', 'This badge has no image stored here.') : unusableImage();
}

/** A badge hosted elsewhere: the advertised URL still dereferences, to that image. */
const hostedElsewhere = (badge: BadgeClassRecord) => (!badge.imageType && badge.imageUrl ? badge.imageUrl : undefined);

const redirectTo = (url: string) => new Response(null, { status: 302, headers: { location: url } });

/** An image is never a document: no script, no plugins, no navigation, even when opened directly. */
export const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const imageHeaders = (type: string) => ({
  'content-type': type,
  'x-content-type-options': 'nosniff',
  'content-security-policy': IMAGE_CSP,
});

const redirect = { description: 'The image is hosted elsewhere (the badge class has an `imageUrl`): a redirect to it' };

const badgeImageRoute = createRoute({
  method: 'get',
  path: '/badges/{id}/image',
  tags: ['Documents'],
  summary: 'Badge image (PNG or SVG)',
  request: { params: idParams('demo-badge') },
  responses: { 200: { description: 'The image', content: imageContent }, 302: redirect, ...problems(400, 404, 503) },
});

const bakedImageRoute = createRoute({
  method: 'get',
  path: '/assertions/{id}/image',
  tags: ['Documents'],
  summary: 'Baked badge image carrying the assertion URL',
  request: { params: idParams('demo-valid') },
  responses: {
    200: { description: 'PNG with an `openbadges` iTXt chunk, or SVG with `openbadges:assertion`', content: imageContent },
    302: redirect,
    ...problems(400, 404, 410, 503),
  },
});

const bakedCredentialRoute = createRoute({
  method: 'get',
  path: '/credentials/{id}/image',
  tags: ['Open Badges 3.0'],
  summary: 'The badge image with the signed OB 3.0 credential baked in',
  request: { params: idParams('demo-valid') },
  responses: {
    200: { description: 'PNG with an `openbadgecredential` iTXt chunk, or SVG with `openbadges:credential`', content: imageContent },
    ...problems(400, 404, 503),
  },
});

export const images = newRouter()
  .openapi(badgeImageRoute, (c) => {
    const { id } = c.req.valid('param');
    const tags = cacheTags.badge(id);
    return withCachePolicy(c, 'image', tags, async () => {
      const badge = await readBadgeClass(c.var.scope, id);
      if (!badge) throw notFound('badge class');
      const elsewhere = hostedElsewhere(badge);
      if (elsewhere) return { response: redirectTo(elsewhere), tags };
      const { image, version } = await readBadgeImage(c.var.scope, badge);
      const { bytes, type } = usable(image);
      return { response: new Response(bytes, { headers: imageHeaders(type) }), tags, etag: versionEtag('image', id, version) };
    });
  })
  .openapi(bakedImageRoute, (c) => {
    const { id } = c.req.valid('param');
    return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
      // Status through the record tiers, which every revoke writes through: no replica can hide it.
      const bundle = await readAssertionBundle(c.var.scope, id);
      if (!bundle) throw notFound('assertion');
      const { assertion, badge } = bundle;
      const tags = cacheTags.bundle(bundle);
      if (assertion.revokedAt) throw new Problem(410, 'revoked', 'This assertion was revoked; its baked image is no longer served.');
      const elsewhere = hostedElsewhere(badge);
      if (elsewhere) return { response: redirectTo(elsewhere), tags, changesAt: assertion.expires };
      const { image, version } = await readBadgeImage(c.var.scope, badge);
      const baked = bake(usable(image).bytes, c.var.urls.assertion(id));
      const extension = baked.type === 'image/png' ? 'png' : 'svg';
      const response = new Response(baked.bytes, {
        headers: { ...imageHeaders(baked.type), 'content-disposition': `inline; filename="badge-${id}.${extension}"` },
      });
      return { response, tags, etag: versionEtag('baked', id, assertion.version, version), changesAt: assertion.expires };
    });
  })
  .openapi(bakedCredentialRoute, (c) => {
    const { id } = c.req.valid('param');
    return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
      const signed = await readCredential(c.var.scope, id);
      if (!signed) throw notFound('credential');
      const { assertion, badge, issuer } = signed.bundle;
      if (hostedElsewhere(badge)) throw new Problem(404, 'no_image', 'The badge image is hosted elsewhere: fetch the credential itself.');
      const { image, version } = await readBadgeImage(c.var.scope, badge);
      const baked = bake(usable(image).bytes, signed.json, 'credential');
      const extension = baked.type === 'image/png' ? 'png' : 'svg';
      const response = new Response(baked.bytes, {
        headers: { ...imageHeaders(baked.type), 'content-disposition': `inline; filename="credential-${id}.${extension}"` },
      });
      return {
        response,
        tags: cacheTags.bundle(signed.bundle),
        etag: versionEtag('baked-credential', id, assertion.version, version, issuer.version),
        changesAt: assertion.expires,
      };
    });
  });

/** Baking an image that passed the upload checks; any refusal is the stored image's fault, not the caller's. */
function bake(bytes: Uint8Array, payload: string, kind: BakedKind = 'assertion') {
  try {
    return bakeImage(bytes, payload, kind);
  } catch (error) {
    throw error instanceof BakedImageError ? unusableImage() : error;
  }
}
