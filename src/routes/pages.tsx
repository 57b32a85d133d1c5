/** @module Pages for people: the upload page, the recipient question, and the pages' own assets. */

import { createRoute, z } from '@hono/zod-openapi';
import { readAssertionBundle } from '../data/read/documents.ts';
import { PRIVATE_CACHE_CONTROL, STATIC_CACHE_CONTROL } from '../edge/headers.ts';
import { verifyRateLimit } from '../http/middleware/rate-limit.ts';
import { notFound } from '../http/problem.ts';
import { recipientMatches } from '../openbadges/recipient.ts';
import { AssertionPage } from '../pages/assertion-page.tsx';
import { SITE_CSS, VERIFY_JS } from '../pages/assets.ts';
import { htmlResponse } from '../pages/render.ts';
import { ReportPage } from '../pages/report-page.tsx';
import { VerifyPage } from '../pages/verify-page.tsx';
import { verifyBundle } from '../verify/ob2/hosted.ts';
import { verifiableFromReference } from '../verify/reference.ts';
import { verifyVerifiables } from '../verify/service.ts';
import { bodyOfType, newRouter } from './router.ts';
import { htmlPage, idParams, problems } from './schemas.ts';

const asset = (body: string, type: string) =>
  new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': STATIC_CACHE_CONTROL } });

const uploadPage = createRoute({
  method: 'get',
  path: '/verify',
  tags: ['Pages'],
  summary: 'Upload page: drop a baked badge image or paste a URL; with `url`, a shareable page with the verdict on that badge',
  request: {
    query: z.object({
      url: z
        .url({ protocol: /^https?$/ })
        .max(2048)
        .optional()
        .openapi({ description: "any badge URL: an OB 2.0 assertion or a credential, ours or anyone else's" }),
    }),
  },
  responses: { 200: htmlPage('HTML page'), ...problems(400, 422, 429, 503) },
});

const recipientQuestion = createRoute({
  method: 'post',
  path: '/assertions/{id}/recipient',
  tags: ['Pages'],
  summary: 'The verification page\u2019s "Was this badge issued to …?" form',
  middleware: [verifyRateLimit, bodyOfType('application/x-www-form-urlencoded')] as const,
  request: {
    params: idParams('demo-valid'),
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({ email: z.string().trim().min(1).max(512) }).openapi({ example: { email: 'alice@example.org' } }),
        },
      },
    },
  },
  responses: {
    200: htmlPage('The page with the answer'),
    410: htmlPage('The page of a revoked badge, with the answer'),
    ...problems(400, 404, 415, 429, 503),
  },
});

export const pages = newRouter()
  .openapi(uploadPage, async (c) => {
    const pageUrl = `${c.var.deps.config.publicBaseUrl}/verify`;
    const { url } = c.req.valid('query');
    if (!url) return htmlResponse(<VerifyPage url={pageUrl} />, 200, { 'cache-control': STATIC_CACHE_CONTROL });
    await verifyRateLimit(c, async () => {});
    const [report] = await verifyVerifiables(c.var.scope, [verifiableFromReference(url, c.var.urls, undefined)]);
    return htmlResponse(<ReportPage url={url} pageUrl={`${pageUrl}?url=${encodeURIComponent(url)}`} report={report!} />, 200, {
      'cache-control': PRIVATE_CACHE_CONTROL,
    });
  })
  // The address travels in the POST body only, and the answer is never cached.
  .openapi(recipientQuestion, async (c) => {
    const { id } = c.req.valid('param');
    const { email } = c.req.valid('form');
    const bundle = await readAssertionBundle(c.var.scope, id);
    if (!bundle) throw notFound('assertion');
    // The badge's own status, and the answer about the person beside it.
    const [report, matched] = await Promise.all([
      verifyBundle(bundle, { id }, c.var.urls, new Date()),
      recipientMatches(bundle.assertion, { type: 'email', identity: email }),
    ]);
    return htmlResponse(
      <AssertionPage bundle={bundle} report={report} urls={c.var.urls} answer={{ matched }} />,
      bundle.assertion.revokedAt ? 410 : 200,
      { 'cache-control': PRIVATE_CACHE_CONTROL },
    );
  });

// Assets are not part of the API: served, not documented.
pages.get('/assets/site.css', () => asset(SITE_CSS, 'text/css'));
pages.get('/assets/verify.js', () => asset(VERIFY_JS, 'text/javascript'));
