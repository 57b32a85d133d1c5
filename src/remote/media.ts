/**
 * @module What a remote document may be, by its Content-Type: JSON (`application/json`,
 * `application/ld+json`, any `application/*+json` such as `application/did+ld+json`), for
 * `json-or-jwt` also a compact JWT (`application/jwt`, `application/vc+jwt`,
 * `application/vc+ld+jwt`). `text/plain` passes only when its body is one of those; HTML and
 * anything else never do.
 */
import type { RemoteAccept } from './types.ts';

/** What we ask for: JSON-LD first, then JSON and the DID document types, and anything at q=0.1, so servers that negotiate strictly answer at all. */
export const ACCEPT_HEADER: Record<RemoteAccept, string> = {
  json: 'application/ld+json, application/json;q=0.9, application/did+ld+json;q=0.9, application/did+json;q=0.9, */*;q=0.1',
  'json-or-jwt':
    'application/ld+json, application/json;q=0.9, application/vc+jwt;q=0.9, application/vc+ld+jwt;q=0.9, application/jwt;q=0.9, */*;q=0.1',
};

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;
const JWT_TYPES = new Set(['application/jwt', 'application/vc+jwt', 'application/vc+ld+jwt']);
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The media type of a Content-Type header: lower case, without parameters ('' when absent). */
export const mediaTypeOf = (contentType: string | null): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

const parsesAsJson = (body: string) => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

/** Whether a body of `mediaType` may be what `accept` asks for, before reading it (`text/plain` is decided by its body). */
export function mayBeAccepted(accept: RemoteAccept, mediaType: string): boolean {
  return mediaType === 'text/plain' || JSON_TYPE.test(mediaType) || (accept === 'json-or-jwt' && JWT_TYPES.has(mediaType));
}

/** Whether `body`, served as `mediaType`, is what `accept` asks for. */
export function isAccepted(accept: RemoteAccept, mediaType: string, body: string): boolean {
  if (mediaType !== 'text/plain') return mayBeAccepted(accept, mediaType);
  return parsesAsJson(body) || (accept === 'json-or-jwt' && COMPACT_JWT.test(body.trim()));
}
