/**
 * @module For earners: the embeddable card, its oEmbed answer, the QR code and the printable
 * certificate of an award. Every view of an award is cached and tagged like its page
 * (`cacheTags.bundle`), so a revoke purges each of them; the QR code, made of the URL alone, is immutable.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readAssertionBundle } from '../data/read/documents.ts';
import { bundleEtag, cacheTags, STATIC_CACHE_CONTROL, versionEtag } from '../edge/headers.ts';
import { withCachePolicy } from '../edge/with-cache-policy.ts';
import type { AppEnv } from '../http/app-env.ts';
import { notFound, Problem } from '../http/problem.ts';
import { CERTIFICATE_CSS, EARNER_JS, EMBED_CSP } from '../pages/assets.ts';
import { CertificatePage } from '../pages/certificate-page.tsx';
import { EMBED_SIZE, iframeSnippet } from '../pages/earner-links.ts';
import { EmbedPage } from '../pages/embed-page.tsx';
import { qrCodeSvg } from '../pages/qr-code.ts';
import { htmlResponse } from '../pages/render.ts';
import { verifyBundle } from '../verify/ob2/hosted.ts';
import { IMAGE_CSP } from './images.ts';
import { newRouter } from './router.ts';
import { EXAMPLE_BASE, htmlPage, idParams, problem, problems } from './schemas.ts';

const tags = ['Earner'];
const pageResponses = {
  200: htmlPage('The page'),
  410: htmlPage('The page of a revoked badge, saying so'),
  ...problems(400, 404, 503),
};

const embedRoute = createRoute({
  method: 'get',
  path: '/assertions/{id}/embed',
  tags,
  summary: 'A small card (image, name, issuer, status, link) that any site may frame: `frame-ancestors *` here only',
  request: { params: idParams('demo-valid') },
  responses: pageResponses,
});

const certificateRoute = createRoute({
  method: 'get',
  path: '/assertions/{id}/certificate',
  tags,
  summary: 'A printable certificate (one A4 or Letter page): issuer, badge, dates, status, QR code and URL',
  request: { params: idParams('demo-valid') },
  responses: pageResponses,
});

const qrRoute = createRoute({
  method: 'get',
  path: '/assertions/{id}/qr.svg',
  tags,
  summary: 'A QR code of the public assertion URL (immutable: it is made of the URL alone)',
  request: { params: idParams('demo-valid') },
  responses: {
    200: { description: 'SVG', content: { 'image/svg+xml': { schema: z.string() } } },
    ...problems(400, 404, 503),
  },
});

const dimension = z.coerce.number().int().min(1).max(10_000).optional();

const oembedRoute = createRoute({
  method: 'get',
  path: '/oembed',
  tags,
  summary: 'oEmbed 1.0 for an assertion URL of this deployment: a `rich` answer whose `html` is the embed iframe',
  request: {
    query: z.object({
      url: z
        .url()
        .max(2048)
        .openapi({ example: `${EXAMPLE_BASE}/assertions/demo-valid`, description: 'an assertion URL of this deployment' }),
      format: z.string().max(16).optional().openapi({ description: '`json` (the default); any other is 501' }),
      maxwidth: dimension,
      maxheight: dimension,
    }),
  },
  responses: {
    200: {
      description: 'oEmbed response',
      content: {
        'application/json': {
          schema: z
            .object({
              version: z.literal('1.0'),
              type: z.literal('rich'),
              html: z.string(),
              width: z.number().int(),
              height: z.number().int(),
              title: z.string(),
              author_name: z.string(),
              author_url: z.string(),
              provider_name: z.string(),
              provider_url: z.url(),
              thumbnail_url: z.url(),
              thumbnail_width: z.number().int(),
              thumbnail_height: z.number().int(),
              cache_age: z.number().int(),
            })
            .openapi('OEmbed'),
        },
      },
    },
    ...problems(400, 404, 503),
    501: { description: 'A format other than json (oEmbed §2.3.4)', content: { 'application/problem+json': { schema: problem } } },
  },
});

/** An award's page-like view: the bundle through the record tiers (which every revoke writes through), its report, and the page's tags. */
function awardView(c: Context<AppEnv>, id: string, view: string, render: (bundle: Bundle, report: Report) => Promise<Response>) {
  return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
    const bundle = await readAssertionBundle(c.var.scope, id);
    if (!bundle) throw notFound('assertion');
    const report = await verifyBundle(bundle, { id }, c.var.urls, new Date());
    return {
      response: await render(bundle, report),
      tags: cacheTags.bundle(bundle),
      etag: bundleEtag(bundle, view, report.status),
      changesAt: bundle.assertion.expires,
    };
  });
}
type Bundle = NonNullable<Awaited<ReturnType<typeof readAssertionBundle>>>;
type Report = Awaited<ReturnType<typeof verifyBundle>>;

const asset = (body: string, type: string) =>
  new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': STATIC_CACHE_CONTROL } });

export const earner = newRouter()
  .openapi(embedRoute, (c) => {
    const { id } = c.req.valid('param');
    return awardView(c, id, 'embed', (bundle, report) =>
      htmlResponse(<EmbedPage bundle={bundle} report={report} urls={c.var.urls} />, bundle.assertion.revokedAt ? 410 : 200, {
        'content-security-policy': EMBED_CSP,
      }),
    );
  })
  .openapi(certificateRoute, (c) => {
    const { id } = c.req.valid('param');
    return awardView(c, id, 'certificate', (bundle, report) =>
      htmlResponse(<CertificatePage bundle={bundle} report={report} urls={c.var.urls} />, bundle.assertion.revokedAt ? 410 : 200),
    );
  })
  .openapi(qrRoute, (c) => {
    const { id } = c.req.valid('param');
    return withCachePolicy(c, 'immutable', cacheTags.assertion(id), async () => {
      // Only for an award that exists: a code printed from here always leads somewhere.
      if (!(await readAssertionBundle(c.var.scope, id))) throw notFound('assertion');
      const response = new Response(qrCodeSvg(c.var.urls.assertion(id)), {
        headers: { 'content-type': 'image/svg+xml', 'x-content-type-options': 'nosniff', 'content-security-policy': IMAGE_CSP },
      });
      return { response, etag: versionEtag('qr', id) };
    });
  })
  .openapi(oembedRoute, (c) => {
    const { url, format, maxwidth, maxheight } = c.req.valid('query');
    if (format !== undefined && format !== 'json')
      throw new Problem(501, 'format_not_implemented', 'This provider answers oEmbed in json only.');
    const id = c.var.urls.assertionIdOf(url);
    if (!id) throw new Problem(404, 'not_found', 'Not an assertion URL of this deployment: nothing to embed.');
    const width = Math.min(EMBED_SIZE.width, maxwidth ?? EMBED_SIZE.width);
    const height = Math.min(EMBED_SIZE.height, maxheight ?? EMBED_SIZE.height);
    return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
      const bundle = await readAssertionBundle(c.var.scope, id);
      if (!bundle) throw notFound('assertion');
      const { badge, issuer } = bundle;
      const answer = {
        version: '1.0' as const,
        type: 'rich' as const,
        html: iframeSnippet(bundle, c.var.urls, { width, height }),
        width,
        height,
        title: badge.name,
        author_name: issuer.name,
        author_url: issuer.url,
        provider_name: 'Badge verification',
        provider_url: c.var.deps.config.publicBaseUrl,
        thumbnail_url: c.var.urls.badgeImage(badge.id),
        thumbnail_width: 128,
        thumbnail_height: 128,
        cache_age: c.var.deps.config.ttl.assertionSeconds,
      };
      return {
        response: c.json(answer, 200),
        tags: cacheTags.bundle(bundle),
        etag: bundleEtag(bundle, 'oembed', `${width}x${height}`),
        changesAt: bundle.assertion.expires,
      };
    });
  });

// Assets are not part of the API: served, not documented.
earner.get('/assets/earner.js', () => asset(EARNER_JS, 'text/javascript'));
earner.get('/assets/certificate.css', () => asset(CERTIFICATE_CSS, 'text/css'));
