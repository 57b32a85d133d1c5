/**
 * @module HTTP caching policy per kind of resource: `Cache-Control` for browsers,
 * `CDN-Cache-Control` / `Cloudflare-CDN-Cache-Control` for the edge. Never `s-maxage`: at
 * Cloudflare it switches stale-while-revalidate off.
 */
import type { Config } from '../platform/config.ts';

/** How long a response is fresh, then how long it may still be served while it is revalidated. */
export type Freshness = { freshSeconds: number; staleSeconds: number };

/**
 * `not_found` is kept by browsers only; `purged_not_found` also by the edge: a 404 whose tag the
 * write that creates the resource purges (a status list, whose allocating award purges `status:…`).
 */
export type ResourceKind = 'definition' | 'image' | 'assertion' | 'not_found' | 'purged_not_found' | 'private' | 'immutable';

/** A year: what `immutable` answers (a QR code of a URL, which names the same URL forever) are kept. */
const IMMUTABLE_SECONDS = 31_536_000;

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
    case 'purged_not_found':
      return { freshSeconds: NOT_FOUND_SECONDS, staleSeconds: 0 };
    case 'private':
      return { freshSeconds: 0, staleSeconds: 0 };
    case 'immutable':
      return { freshSeconds: IMMUTABLE_SECONDS, staleSeconds: 0 };
  }
}

/**
 * The downstream caching headers for a response of `kind`. With `changesAt` (an assertion's
 * `expires`, still ahead), no cache may keep it past that instant: fresh, stale-while-revalidate
 * and stale-if-error all end by then, so an expiry is never hidden by a cached "valid".
 */
export function cacheHeaders(kind: ResourceKind, ttl: Config['ttl'], changesAt?: Date | null, now = Date.now()): Record<string, string> {
  if (kind === 'private') return { 'cache-control': PRIVATE_CACHE_CONTROL };
  // Built from the URL alone: the same bytes for as long as the URL exists, so never revalidated.
  if (kind === 'immutable') {
    const edge = `max-age=${IMMUTABLE_SECONDS}`;
    return { 'cache-control': `public, ${edge}, immutable`, 'cdn-cache-control': edge, 'cloudflare-cdn-cache-control': edge };
  }
  // Browsers may keep a 404 briefly; the shared edge never does, so creating a record needs no purge.
  if (kind === 'not_found')
    return {
      'cache-control': `public, max-age=${NOT_FOUND_SECONDS}`,
      'cdn-cache-control': 'no-store',
      'cloudflare-cdn-cache-control': 'no-store',
    };
  // The edge may keep this one as briefly (and says how long past an origin error, since Workers Cache otherwise has no bound):
  // its creation purges its tag, so it is never seen past that.
  if (kind === 'purged_not_found') {
    const edge = `max-age=${NOT_FOUND_SECONDS}, stale-if-error=${NOT_FOUND_SECONDS}`;
    return { 'cache-control': `public, max-age=${NOT_FOUND_SECONDS}`, 'cdn-cache-control': edge, 'cloudflare-cdn-cache-control': edge };
  }
  const base = freshness(kind, ttl);
  const left = changesAt && changesAt.getTime() > now ? Math.floor((changesAt.getTime() - now) / 1000) : Number.POSITIVE_INFINITY;
  const freshSeconds = Math.min(base.freshSeconds, left);
  const staleSeconds = Math.min(base.staleSeconds, left - freshSeconds);
  const staleIfError = Math.min(kind === 'assertion' ? ttl.assertionSeconds : base.staleSeconds, left - freshSeconds);
  const directives = [
    `max-age=${freshSeconds}`,
    staleSeconds && `stale-while-revalidate=${staleSeconds}`,
    staleIfError && `stale-if-error=${staleIfError}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    'cache-control': `public, ${directives}`,
    'cdn-cache-control': directives,
    'cloudflare-cdn-cache-control': directives,
  };
}

/**
 * Pages and assets that embed no record (the upload page, the stylesheet, the API reference):
 * an hour, and stated stale windows, since Workers Cache serves stale on errors indefinitely
 * when `stale-if-error` is absent.
 */
export const STATIC_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400, stale-if-error=86400';

/** Answers about a person (a recipient check): no cache, shared or not, may keep them. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** Answers that are only true now (health, problems): never kept. */
export const NO_STORE = 'no-store';

/** A permanent redirect to the canonical URL: a day at the edge and in browsers (it carries no record). */
export const REDIRECT_CACHE_CONTROL = 'public, max-age=86400';
export const REDIRECT_CDN_CACHE_CONTROL = 'max-age=86400';

/** `Cache-Tag` values, so a zone purge or Workers Cache can drop everything about one resource. */
export const cacheTags = {
  issuer: (id: string) => `issuer:${id}`,
  badge: (id: string) => `badge:${id}`,
  /** Every record an answer about an assertion embeds. */
  bundle: (bundle: { assertion: { id: string; badgeClassId: string; issuerId: string } }) =>
    [
      cacheTags.assertion(bundle.assertion.id),
      cacheTags.badge(bundle.assertion.badgeClassId),
      cacheTags.issuer(bundle.assertion.issuerId),
    ].join(','),
  assertion: (id: string) => `assertion:${id}`,
  /** An issuer's revocation list, which every revoke of its assertions changes. */
  revocations: (issuerId: string) => `revocations:${issuerId}`,
  /** One Bitstring Status List, which every revoke of an award on it changes. */
  statusList: (issuerId: string, listNumber: number) => `status:${issuerId}:${listNumber}`,
};

/**
 * A weak ETag from the versions of the records an answer is built from (and what else shapes
 * it: the variant, the status): the same while the data is the same, whenever it is rendered.
 */
export const versionEtag = (...parts: Array<string | number>) => `W/"${parts.join('.')}"`;

/** The ETag of an answer built from an assertion bundle. */
export const bundleEtag = (
  bundle: { assertion: { id: string; version: number }; badge: { version: number }; issuer: { version: number } },
  ...shape: string[]
) => versionEtag(bundle.assertion.id, bundle.assertion.version, bundle.badge.version, bundle.issuer.version, ...shape);
