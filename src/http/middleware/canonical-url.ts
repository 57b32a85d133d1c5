/**
 * @module One URL per resource, and one `Accept` per format. The edge cache keys on the URL as sent, so a second spelling of
 * a URL (percent-encoded characters, a trailing slash, a query string no route reads) would be
 * a second entry that no purge by path could be sure to reach. Such GETs are redirected to the
 * canonical URL (permanently: the mapping never changes); the redirect itself holds no data. A
 * route that reads its query keeps the parameters it reads, in one order and one encoding.
 */
import { createMiddleware } from 'hono/factory';
import { REDIRECT_CACHE_CONTROL, REDIRECT_CDN_CACHE_CONTROL } from '../../edge/headers.ts';
import type { AppEnv } from '../app-env.ts';
import { documentTypeFor } from '../negotiation.ts';

/** The canonical form of `rawPath` (undecoded): characters that need no escaping unescaped, no trailing slash. */
function canonicalPath(rawPath: string): string {
  let path = rawPath;
  try {
    // Unreserved characters (RFC 3986 §2.3) must be written plainly; anything else stays encoded.
    path = path.replace(/%[0-9A-Fa-f]{2}/g, (encoded) => {
      const char = decodeURIComponent(encoded);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : encoded.toUpperCase();
    });
  } catch {
    return rawPath;
  }
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The routes that read their query string, and the parameters each reads, in their canonical order. */
const QUERY_PARAMETERS: Record<string, readonly string[]> = {
  '/verify': ['url'],
  '/admin/audit': ['issuer', 'before', 'limit'],
  '/oembed': ['url', 'format', 'maxwidth', 'maxheight'],
};

/** The canonical query of `path`: the parameters it reads, once each, in order, encoded as URLSearchParams writes them; '' for none. */
function canonicalQuery(path: string, search: URLSearchParams): string {
  const read = QUERY_PARAMETERS[path] ?? [];
  const kept = new URLSearchParams();
  for (const name of read) {
    const value = search.get(name);
    if (value !== null) kept.set(name, value);
  }
  const query = kept.toString();
  return query && `?${query}`;
}

export const canonicalUrl = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
  const url = new URL(c.req.url);
  const canonical = canonicalPath(url.pathname);
  const query = canonicalQuery(canonical, url.searchParams);
  if (canonical === url.pathname && query === url.search) return next();
  return c.body(null, 301, {
    location: `${canonical}${query}`,
    'cache-control': REDIRECT_CACHE_CONTROL,
    'cdn-cache-control': REDIRECT_CDN_CACHE_CONTROL,
  });
});

/** The request for the cached entrypoint: a GET's `Accept` reduced to the format it negotiates. */
export function withCanonicalAccept(request: Request): Request {
  const headers = new Headers(request.headers);
  if (request.method === 'GET' || request.method === 'HEAD')
    headers.set('accept', documentTypeFor(request.headers.get('accept') ?? undefined));
  // A redirect is the client's to follow: handed on as it is, never followed by the entrypoint call.
  return new Request(request, { headers, redirect: 'manual' });
}
