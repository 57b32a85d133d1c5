/**
 * @module HTTP caching policy per kind of resource: `Cache-Control` for browsers,
 * `CDN-Cache-Control` / `Cloudflare-CDN-Cache-Control` for the edge. Never `s-maxage`: at
 * Cloudflare it switches stale-while-revalidate off.
 */
import type { Config } from '../config.ts';

/** How long a response is fresh, then how long it may still be served while it is revalidated. */
export type Freshness = { freshSeconds: number; staleSeconds: number };

export type ResourceKind = 'definition' | 'image' | 'assertion' | 'not_found' | 'private';

/** Definitions are purged on change in this data centre; elsewhere they are rechecked this often. */
const DEFINITION_FRESH_SECONDS = 300;
const NOT_FOUND_SECONDS = 10;

/** Fresh and stale-while-revalidate windows for each kind; an assertion's two add up to ASSERTION_TTL_SECONDS. */
export function freshness(kind: ResourceKind, ttl: Config['ttl']): Freshness {
  switch (kind) {
    case 'definition':
    case 'image':
      return { freshSeconds: Math.min(DEFINITION_FRESH_SECONDS, ttl.definitionSeconds), staleSeconds: ttl.definitionSeconds };
    case 'assertion': {
      const fresh = Math.floor(ttl.assertionSeconds / 2);
      return { freshSeconds: fresh, staleSeconds: ttl.assertionSeconds - fresh };
    }
    case 'not_found':
      return { freshSeconds: NOT_FOUND_SECONDS, staleSeconds: 0 };
    case 'private':
      return { freshSeconds: 0, staleSeconds: 0 };
  }
}

/** The downstream caching headers for a response of `kind`. */
export function cacheHeaders(kind: ResourceKind, ttl: Config['ttl']): Record<string, string> {
  if (kind === 'private') return { 'cache-control': 'private, no-store' };
  const { freshSeconds, staleSeconds } = freshness(kind, ttl);
  const staleIfError = kind === 'assertion' ? ttl.assertionSeconds : staleSeconds;
  const directives = [`max-age=${freshSeconds}`, staleSeconds && `stale-while-revalidate=${staleSeconds}`, staleIfError && `stale-if-error=${staleIfError}`].filter(Boolean).join(', ');
  return {
    'cache-control': `public, ${directives}`,
    'cdn-cache-control': directives,
    'cloudflare-cdn-cache-control': directives,
  };
}

/** `Cache-Tag` values, so a zone purge or Workers Cache can drop everything about one resource. */
export const cacheTags = {
  issuer: (id: string) => `issuer:${id}`,
  badge: (id: string) => `badge:${id}`,
  assertion: (id: string) => `assertion:${id}`,
};
