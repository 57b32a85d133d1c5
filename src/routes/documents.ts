/** @module GET the hosted Open Badges 2.0 documents: issuers, badge classes, assertions, revocation lists. */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { getAssertionBundle, getBadgeClass, getIssuer, getRevocationPage } from '../data/documents.ts';
import { assertionDocument, badgeClassDocument, issuerDocument, revokedAssertionDocument } from '../openbadges/documents.ts';
import { REVOCATION_PAGE_SIZE, revocationListStream } from '../openbadges/revocation-list.ts';
import { Problem } from '../problem.ts';
import { jsonLd } from './json-ld.ts';
import { publicIdParam } from './params.ts';

const notFound = (what: string) => new Problem(404, 'not_found', `No ${what} with this id.`);

export const documents = new Hono<AppEnv>()
  .get('/issuers/:id', publicIdParam, async (c) => {
    const issuer = await getIssuer(c.var.scope, c.req.param('id'));
    if (!issuer) throw notFound('issuer');
    return jsonLd(c, issuerDocument(issuer, c.var.urls));
  })
  .get('/issuers/:id/revocations', publicIdParam, async (c) => {
    const issuerId = c.req.param('id');
    const scope = c.var.scope;
    const first = await getRevocationPage(scope, issuerId, '', REVOCATION_PAGE_SIZE);
    if (!first.issuerExists) throw notFound('issuer');
    const stream = revocationListStream(issuerId, first, (after) => getRevocationPage(scope, issuerId, after, REVOCATION_PAGE_SIZE), c.var.urls);
    c.header('vary', 'Accept');
    return c.body(stream, 200, { 'content-type': 'application/ld+json; charset=utf-8' });
  })
  .get('/badges/:id', publicIdParam, async (c) => {
    const badge = await getBadgeClass(c.var.scope, c.req.param('id'));
    if (!badge) throw notFound('badge class');
    return jsonLd(c, badgeClassDocument(badge, c.var.urls));
  })
  .get('/assertions/:id', publicIdParam, async (c) => {
    const bundle = await getAssertionBundle(c.var.scope, c.req.param('id'));
    if (!bundle) throw notFound('assertion');
    // OB 2.0: a revoked hosted assertion answers 410 Gone with a minimal revoked document.
    if (bundle.assertion.revokedAt) return jsonLd(c, revokedAssertionDocument(bundle.assertion, c.var.urls), 410);
    return jsonLd(c, assertionDocument(bundle.assertion, c.var.urls));
  });
