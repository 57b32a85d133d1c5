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
