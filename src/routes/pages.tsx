/** @module Pages for people: the upload page, the recipient question, and the pages' own assets. */

import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { STATIC_CACHE_CONTROL } from '../cache/policy.ts';
import { getAssertionBundle } from '../data/documents.ts';
import { recipientMatches } from '../openbadges/recipient.ts';
import { AssertionPage } from '../pages/assertion-page.tsx';
import { SITE_CSS, VERIFY_JS } from '../pages/assets.ts';
import { htmlResponse } from '../pages/render.ts';
import { VerifyPage } from '../pages/verify-page.tsx';
import { notFound, Problem } from '../problem.ts';
import { verifyRateLimit } from '../rate-limit.ts';
import { recipientClaim } from '../verify/input.ts';
import { verifyBundle } from '../verify/verify.ts';
import { publicIdParam } from './params.ts';

const asset = (body: string, type: string) =>
  new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': STATIC_CACHE_CONTROL } });

export const pages = new Hono<AppEnv>()
  .get('/assets/site.css', () => asset(SITE_CSS, 'text/css'))
  .get('/assets/verify.js', () => asset(VERIFY_JS, 'text/javascript'))
  .get('/verify', (c) =>
    htmlResponse(<VerifyPage url={`${c.var.deps.config.publicBaseUrl}/verify`} />, 200, { 'cache-control': STATIC_CACHE_CONTROL }),
  )
  // The page's "Was this badge issued to …?" form: the address travels in the POST body only.
  .post('/assertions/:id/recipient', publicIdParam, verifyRateLimit, async (c) => {
    const id = c.req.param('id');
    const form = await c.req.formData().catch(() => undefined);
    const claim = recipientClaim.safeParse({ type: 'email', identity: form?.get('email') });
    if (!claim.success) throw new Problem(400, 'invalid_body', 'Send the form field `email`.');
    const bundle = await getAssertionBundle(c.var.scope, id);
    if (!bundle) throw notFound('assertion');
    // The badge's own status, and the answer about the person beside it.
    const [report, matched] = await Promise.all([
      verifyBundle(bundle, { id }, c.var.urls, new Date()),
      recipientMatches(bundle.assertion, claim.data),
    ]);
    return htmlResponse(
      <AssertionPage bundle={bundle} report={report} urls={c.var.urls} answer={{ matched }} />,
      bundle.assertion.revokedAt ? 410 : 200,
      { 'cache-control': 'private, no-store' },
    );
  });
