/** @module Cache keys, shared by L1 and Redis, versioned so a format change never reads old values. */

const VERSION = 'v1';

export const cacheKeys = {
  /** Bumped by every write that can make a cached value wrong; entries from another epoch are misses. */
  epoch: `${VERSION}:epoch`,
  issuer: (id: string) => `${VERSION}:issuer:${id}`,
  badge: (id: string) => `${VERSION}:badge:${id}`,
  /** Assertion with its badge class and issuer: short-lived, it carries revocation status. */
  bundle: (id: string) => `${VERSION}:bundle:${id}`,
  lock: (key: string) => `${key}:lock`,
};

export const BUNDLE_PREFIX = `${VERSION}:bundle:`;

/** The edge tier's key for one representation of a public URL, on the public origin so any hostname's write finds it. */
export function edgeKey(publicBaseUrl: string, path: string, variant?: string): string {
  return `${publicBaseUrl}${path}${variant ? `?variant=${encodeURIComponent(variant)}` : ''}`;
}

/** Every representation the edge tier may hold for `paths`, for deletion after a write. */
export function edgeKeysFor(publicBaseUrl: string, paths: readonly string[]): string[] {
  const variants = [undefined, 'application/ld+json', 'application/json', 'text/html'];
  return paths.flatMap((path) => variants.map((variant) => edgeKey(publicBaseUrl, path, variant)));
}
