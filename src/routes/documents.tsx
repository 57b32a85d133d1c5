/** @module GET the hosted Open Badges 2.0 documents: issuers, badge classes, assertions, revocation lists. */
import { createRoute } from '@hono/zod-openapi';
import { readAssertionBundle, readBadgeClass, readIssuer, readRevocationPage } from '../data/read/documents.ts';
import { bundleEtag, cacheHeaders, cacheTags, versionEtag } from '../edge/headers.ts';
import { withCachePolicy } from '../edge/with-cache-policy.ts';
import { revocationListRateLimit } from '../http/middleware/rate-limit.ts';
import { jsonLdResponse, negotiateDocument } from '../http/negotiation.ts';
import { notFound } from '../http/problem.ts';
import { assertionDocument, badgeClassDocument, issuerDocument, revokedAssertionDocument } from '../openbadges/documents.ts';
import { REVOCATION_PAGE_SIZE, revocationListStream } from '../openbadges/revocation-list.ts';
import { AssertionPage } from '../pages/assertion-page.tsx';
import { BadgePage, IssuerPage } from '../pages/definition-pages.tsx';
import { htmlResponse } from '../pages/render.ts';
import { verifyBundle } from '../verify/ob2/hosted.ts';
import { checkedByContractTest, newRouter } from './router.ts';
import * as schemas from './schemas.ts';

const issuerRoute = createRoute({
  method: 'get',
  path: '/issuers/{id}',
  tags: ['Documents'],
  summary: 'Issuer profile',
  request: { params: schemas.idParams('demo-issuer') },
  responses: {
    200: { description: 'Open Badges 2.0 Issuer', content: schemas.documentContent(schemas.issuerDocument) },
    ...schemas.problems(400, 404, 503),
  },
});

const revocationsRoute = createRoute({
  method: 'get',
  path: '/issuers/{id}/revocations',
  tags: ['Documents'],
  summary: "The issuer's RevocationList, streamed in keyset pages",
  middleware: [revocationListRateLimit] as const,
  request: { params: schemas.idParams('demo-issuer') },
  responses: {
    200: { description: 'Open Badges 2.0 RevocationList', content: { 'application/ld+json': { schema: schemas.revocationListDocument } } },
    ...schemas.problems(400, 404, 429, 503),
  },
});

const badgeRoute = createRoute({
  method: 'get',
  path: '/badges/{id}',
  tags: ['Documents'],
  summary: 'BadgeClass',
  request: { params: schemas.idParams('demo-badge') },
  responses: {
    200: { description: 'Open Badges 2.0 BadgeClass', content: schemas.documentContent(schemas.badgeClassDocument) },
    ...schemas.problems(400, 404, 503),
  },
});

const assertionRoute = createRoute({
  method: 'get',
  path: '/assertions/{id}',
  tags: ['Documents'],
  summary: 'Hosted Assertion (410 when revoked)',
  request: { params: schemas.idParams('demo-valid') },
  responses: {
    200: { description: 'Open Badges 2.0 Assertion', content: schemas.documentContent(schemas.assertionDocument) },
    410: { description: 'Revoked (OB 2.0): a minimal document', content: schemas.documentContent(schemas.revokedAssertionDocument) },
    ...schemas.problems(400, 404, 503),
  },
});

export const documents = newRouter()
  .openapi(issuerRoute, (c) => {
    const { id } = c.req.valid('param');
    const type = negotiateDocument(c);
    return withCachePolicy(c, 'definition', cacheTags.issuer(id), async () => {
      const issuer = await readIssuer(c.var.scope, id);
      if (!issuer) throw notFound('issuer');
      const response =
        type === 'text/html'
          ? await htmlResponse(<IssuerPage issuer={issuer} urls={c.var.urls} />)
          : jsonLdResponse(issuerDocument(issuer, c.var.urls), type);
      return { response, tags: cacheTags.issuer(id), etag: versionEtag('issuer', id, issuer.version, type) };
    });
  })
  .openapi(badgeRoute, (c) => {
    const { id } = c.req.valid('param');
    const type = negotiateDocument(c);
    return withCachePolicy(c, 'definition', cacheTags.badge(id), async () => {
      const badge = await readBadgeClass(c.var.scope, id);
      if (!badge) throw notFound('badge class');
      const response =
        type === 'text/html'
          ? await htmlResponse(<BadgePage badge={badge} urls={c.var.urls} />)
          : jsonLdResponse(badgeClassDocument(badge, c.var.urls), type);
      return {
        response,
        tags: `${cacheTags.badge(id)},${cacheTags.issuer(badge.issuerId)}`,
        etag: versionEtag('badge', id, badge.version, type),
      };
    });
  })
  .openapi(assertionRoute, (c) => {
    const { id } = c.req.valid('param');
    const type = negotiateDocument(c);
    return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
      const bundle = await readAssertionBundle(c.var.scope, id);
      if (!bundle) throw notFound('assertion');
      const { assertion } = bundle;
      // OB 2.0: a revoked hosted assertion answers 410 Gone, as JSON-LD (a minimal revoked document) and as a page.
      const status = assertion.revokedAt ? 410 : 200;
      const report = await verifyBundle(bundle, { id }, c.var.urls, new Date());
      const response =
        type === 'text/html'
          ? await htmlResponse(<AssertionPage bundle={bundle} report={report} urls={c.var.urls} />, status)
          : assertion.revokedAt
            ? jsonLdResponse(revokedAssertionDocument(assertion, c.var.urls), type, 410)
            : jsonLdResponse(assertionDocument(assertion, c.var.urls), type);
      return { response, tags: cacheTags.bundle(bundle), etag: bundleEtag(bundle, type, report.status), changesAt: assertion.expires };
    });
  })
  // Streamed page by page, so it skips the edge tier (which would buffer it) and keeps the short
  // policy; no tier keeps it, so it is rate-limited instead.
  .openapi(revocationsRoute, async (c) => {
    const { id: issuerId } = c.req.valid('param');
    const scope = c.var.scope;
    const first = await readRevocationPage(scope, issuerId, '', REVOCATION_PAGE_SIZE);
    if (!first.issuerExists) throw notFound('issuer');
    const stream = revocationListStream(
      issuerId,
      first,
      (after) => readRevocationPage(scope, issuerId, after, REVOCATION_PAGE_SIZE),
      c.var.urls,
    );
    return checkedByContractTest(
      new Response(stream, {
        headers: {
          'content-type': 'application/ld+json; charset=utf-8',
          vary: 'Accept',
          'cache-tag': `${cacheTags.revocations(issuerId)},${cacheTags.issuer(issuerId)}`,
          ...cacheHeaders('assertion', c.var.deps.config.ttl),
        },
      }),
    );
  });
