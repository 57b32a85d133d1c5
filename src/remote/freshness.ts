/**
 * @module How long a remote document stays fresh: its caching headers as a shared cache reads
 * them (`http-cache-semantics`, RFC 9111), never longer than our bound for its kind, counted from
 * when the origin produced it (its `Age` included).
 */
import CachePolicy from 'http-cache-semantics';
import type { Config } from '../platform/config.ts';
import type { RemoteKind } from './types.ts';

/** A request as the policy sees it: always a plain GET with our own headers. */
export type PolicyRequest = { url: string; method: 'GET'; headers: Record<string, string> };

/** The bound for a document's freshness: a 410 says "revoked" on an OB 2.0 host, so it is kept as status whatever it was asked as. */
export const boundOf = (kind: RemoteKind, status: number, bounds: Config['remote']): number =>
  kind === 'status' || status === 410 ? bounds.statusTtlSeconds : bounds.definitionTtlSeconds;

/**
 * The policy of a fresh answer. One with no caching headers at all (no Cache-Control, Expires or
 * Pragma) lives for the whole `bound`: a definition as long as we keep any; a status document as
 * long as a revocation may go unseen anyway, which headers allowing more could not extend either.
 */
export function policyOf(request: PolicyRequest, status: number, headers: Headers, bound: number): CachePolicy {
  const plain = cacheHeadersOf(headers);
  if (!('cache-control' in plain || 'expires' in plain || 'pragma' in plain)) plain['cache-control'] = `max-age=${bound}`;
  return new CachePolicy(request, { status, headers: plain }, { shared: true });
}

/**
 * An answer's headers as the policy reads them. `Age` is a non-negative integer (RFC 9111 §5.1):
 * any other (a negative one would make a copy younger than new, fresh past every bound) is dropped.
 */
export function cacheHeadersOf(headers: Headers): Record<string, string> {
  const plain: Record<string, string> = Object.fromEntries(headers);
  if ('age' in plain && !/^\d{1,10}$/.test(plain.age!.trim())) delete plain.age;
  return plain;
}

export type Freshness = {
  /** Seconds since the origin produced it. */
  ageSeconds: number;
  /** Its lifetime: the headers' freshness, at most `bound`. */
  freshForSeconds: number;
  /** Usable without asking the origin. */
  fresh: boolean;
};

export function freshnessOf(policy: CachePolicy, request: PolicyRequest, bound: number): Freshness {
  const ageSeconds = policy.age();
  const freshForSeconds = Math.min(policy.maxAge(), bound);
  return { ageSeconds, freshForSeconds, fresh: ageSeconds < freshForSeconds && policy.satisfiesWithoutRevalidation(request) };
}
