/** @module GET badge images, plain and baked with an assertion URL. */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { getAssertionImage, getBadgeImage } from '../data/documents.ts';
import type { BadgeImage } from '../db/queries.ts';
import { bakeAssertionUrl, imageKind } from '../openbadges/baking/index.ts';
import { Problem } from '../problem.ts';
import { publicIdParam } from './params.ts';

/** Stored bytes, checked to be PNG or SVG: a verifier must never receive anything else as an image. */
function storedImage(image: BadgeImage | undefined): { bytes: Uint8Array<ArrayBuffer>; type: string } {
  if (!image?.bytes) throw new Problem(404, 'no_image', 'This badge has no image stored here.');
  const type = imageKind(image.bytes);
  if (!type) throw new Problem(500, 'bad_stored_image', 'The stored badge image is neither PNG nor SVG.');
  return { bytes: new Uint8Array(image.bytes), type };
}

export const images = new Hono<AppEnv>()
  .get('/badges/:id/image', publicIdParam, async (c) => {
    const image = await getBadgeImage(c.var.scope, c.req.param('id'));
    if (!image) throw new Problem(404, 'not_found', 'No badge class with this id.');
    if (!image.bytes && image.url) return c.redirect(image.url, 302);
    const { bytes, type } = storedImage(image);
    return c.body(bytes, 200, { 'content-type': type, 'x-content-type-options': 'nosniff' });
  })
  .get('/assertions/:id/image', publicIdParam, async (c) => {
    const id = c.req.param('id');
    const image = await getAssertionImage(c.var.scope, id);
    if (!image) throw new Problem(404, 'not_found', 'No assertion with this id.');
    if (image.revokedAt) throw new Problem(410, 'revoked', 'This assertion was revoked; its baked image is no longer served.');
    const baked = bakeAssertionUrl(storedImage(image).bytes, c.var.urls.assertion(id));
    const extension = baked.type === 'image/png' ? 'png' : 'svg';
    return c.body(baked.bytes, 200, {
      'content-type': baked.type,
      'content-disposition': `inline; filename="badge-${id}.${extension}"`,
      'x-content-type-options': 'nosniff',
    });
  });
