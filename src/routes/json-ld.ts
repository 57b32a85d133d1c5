/** @module Content negotiation for the document URLs: JSON-LD for machines (the default), HTML for browsers. */
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

export type DocumentType = 'application/ld+json' | 'application/json' | 'text/html';

/** `application/ld+json` unless the client prefers `application/json` or `text/html` (a browser). */
export function negotiateDocument(c: Context): DocumentType {
  return accepts(c, { header: 'Accept', supports: ['application/ld+json', 'application/json', 'text/html'], default: 'application/ld+json' }) as DocumentType;
}

export function jsonLdResponse(document: unknown, type: Exclude<DocumentType, 'text/html'>, status = 200): Response {
  return new Response(JSON.stringify(document), { status, headers: { 'content-type': `${type}; charset=utf-8`, vary: 'Accept' } });
}
