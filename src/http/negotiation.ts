/** @module Content negotiation for the document URLs: JSON-LD for machines (the default), HTML for browsers. */
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

export type DocumentType = 'application/ld+json' | 'application/json' | 'text/html';

/** `application/ld+json` unless the `Accept` header prefers `application/json` or `text/html` (a browser). */
export function documentTypeFor(accept: string | undefined): DocumentType {
  // hono's matcher reads the header through a context; this is all of the context it needs.
  const request = { req: { header: () => accept } } as unknown as Context;
  return accepts(request, {
    header: 'Accept',
    supports: ['application/ld+json', 'application/json', 'text/html'],
    default: 'application/ld+json',
  }) as DocumentType;
}

export const negotiateDocument = (c: Context): DocumentType => documentTypeFor(c.req.header('accept'));

export function jsonLdResponse(document: unknown, type: Exclude<DocumentType, 'text/html'>, status = 200): Response {
  return jsonLdTextResponse(JSON.stringify(document), type, status);
}

/** A document already serialized (a signed one is kept as its exact text). */
export function jsonLdTextResponse(text: string, type: Exclude<DocumentType, 'text/html'>, status = 200): Response {
  return new Response(text, { status, headers: { 'content-type': `${type}; charset=utf-8`, vary: 'Accept' } });
}
