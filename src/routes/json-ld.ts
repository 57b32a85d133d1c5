/** @module JSON-LD responses: `application/ld+json` unless the client only accepts `application/json`. */
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

export type JsonLdType = 'application/ld+json' | 'application/json';

export function negotiateJsonLd(c: Context): JsonLdType {
  return accepts(c, { header: 'Accept', supports: ['application/ld+json', 'application/json'], default: 'application/ld+json' }) as JsonLdType;
}

export function jsonLdResponse(document: unknown, type: JsonLdType, status = 200): Response {
  return new Response(JSON.stringify(document), { status, headers: { 'content-type': `${type}; charset=utf-8`, vary: 'Accept' } });
}
