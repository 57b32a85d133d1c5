/** @module GET badge images, plain and baked with an assertion URL. */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { cacheTags, versionEtag } from '../cache/policy.ts';
import { getAssertionImage, getBadgeImage } from '../data/documents.ts';
import type { BadgeImage } from '../db/queries.ts';
import { bakeAssertionUrl, imageKind } from '../openbadges/baking/index.ts';
import { notFound, Problem } from '../problem.ts';
import { withCachePolicy } from './cache-policy.ts';
import { publicIdParam } from './params.ts';

/** Stored bytes, checked to be PNG or SVG: a verifier must never receive anything else as an image. */
function storedImage(image: Pick<BadgeImage, 'bytes'>): { bytes: Uint8Array<ArrayBuffer>; type: string } {
  if (!image.bytes) throw new Problem(404, 'no_image', 'This badge has no image stored here.');
  const type = imageKind(image.bytes);
  if (!type) throw new Problem(500, 'bad_stored_image', 'The stored badge image is neither PNG nor SVG.');
  return { bytes: new Uint8Array(image.bytes), type };
}

const redirectTo = (url: string, tags: string) => new Response(null, { status: 302, headers: { location: url, 'cache-tag': tags } });

/** An image is never a document: no script, no plugins, no navigation, even when opened directly. */
const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const imageHeaders = (type: string, tags: string[]) => ({
  'content-type': type,
  'x-content-type-options': 'nosniff',
  'content-security-policy': IMAGE_CSP,
  'cache-tag': tags.join(','),
});

export const images = new Hono<AppEnv>()
  .get('/badges/:id/image', publicIdParam, (c) => {
    const id = c.req.param('id');
    return withCachePolicy('image', c.var.deps.config.ttl, cacheTags.badge(id), async () => {
      const image = await getBadgeImage(c.var.scope, id);
      if (!image) throw notFound('badge class');
      if (!image.bytes && image.url) return c.redirect(image.url, 302);
      const { bytes, type } = storedImage(image);
      return new Response(bytes, { headers: { ...imageHeaders(type, [cacheTags.badge(id)]), etag: versionEtag('image', id, image.version) } });
    });
  })
  .get('/assertions/:id/image', publicIdParam, (c) => {
    const id = c.req.param('id');
    return withCachePolicy('assertion', c.var.deps.config.ttl, cacheTags.assertion(id), async () => {
      const image = await getAssertionImage(c.var.scope, id);
      if (!image) throw notFound('assertion');
      if (image.revokedAt) throw new Problem(410, 'revoked', 'This assertion was revoked; its baked image is no longer served.');
      const tags = [cacheTags.assertion(id), cacheTags.badge(image.badgeClassId), cacheTags.issuer(image.issuerId)].join(',');
      // A badge hosted elsewhere cannot be baked here: the advertised URL still dereferences, to that image.
      if (!image.bytes && image.url) return { response: redirectTo(image.url, tags), changesAt: image.expires };
      const baked = bakeAssertionUrl(storedImage(image).bytes, c.var.urls.assertion(id));
      const extension = baked.type === 'image/png' ? 'png' : 'svg';
      const response = new Response(baked.bytes, {
        headers: { ...imageHeaders(baked.type, [tags]), etag: versionEtag('baked', id, image.version, image.badgeVersion), 'content-disposition': `inline; filename="badge-${id}.${extension}"` },
      });
      return { response, changesAt: image.expires };
    });
  });
