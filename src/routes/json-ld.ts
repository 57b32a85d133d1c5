/** @module JSON-LD responses: `application/ld+json` unless the client only accepts `application/json`. */
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export function jsonLd(c: Context, document: unknown, status: ContentfulStatusCode = 200): Response {
  const type = accepts(c, { header: 'Accept', supports: ['application/ld+json', 'application/json'], default: 'application/ld+json' });
  c.header('vary', 'Accept');
  return c.body(JSON.stringify(document), status, { 'content-type': `${type}; charset=utf-8` });
}
