/**
 * @module Public GETs and the caching policy: every answer carries the downstream caching
 * headers of its kind, and a 404 is answered (briefly cacheable) rather than thrown.
 */

import { Problem, problemOf, problemResponse } from '../http/problem.ts';
import { DomainError } from '../lib/errors.ts';
import type { Config } from '../platform/config.ts';
import { cacheHeaders, type ResourceKind } from './headers.ts';

function withHeaders<R extends Response>(response: R, headers: Record<string, string>): R {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** What a render tells the policy besides its response. */
export type Rendered<R extends Response> = {
  response: R;
  /** Every record the answer embeds, as edge tags (`Cache-Tag`): a write to any of them purges it. */
  tags?: string;
  /** From the versions of those records, so that it changes exactly when they do. */
  etag?: string;
  /** When the answer changes by itself (an assertion's `expires`). */
  changesAt?: Date | null;
};

/** What the policy reads of the request: the configured lifetimes. */
type WithTtl = { var: { deps: { config: Pick<Config, 'ttl'> } } };

/**
 * `render()`'s response with the headers of `kind`, its tags and ETag; a thrown 404 becomes a short-lived cacheable
 * 404 tagged with `notFoundTag`, so creating that record can purge it (kept by browsers only,
 * unless `notFoundKind` is `purged_not_found`: the creating write purges that tag, so the edge may keep it too).
 */
export async function withCachePolicy<R extends Response>(
  c: WithTtl,
  kind: Exclude<ResourceKind, 'not_found' | 'purged_not_found' | 'private'>,
  notFoundTag: string,
  render: () => Promise<Rendered<R>>,
  notFoundKind: 'not_found' | 'purged_not_found' = 'not_found',
): Promise<R> {
  const { ttl } = c.var.deps.config;
  try {
    const { response, tags, etag, changesAt } = await render();
    return withHeaders(response, {
      ...(tags && { 'cache-tag': tags }),
      ...(etag && { etag }),
      ...cacheHeaders(kind, ttl, changesAt),
    });
  } catch (thrown) {
    const error = thrown instanceof DomainError ? problemOf(thrown) : thrown;
    if (!(error instanceof Problem) || error.status !== 404) throw error;
    const notFound = withHeaders(problemResponse(404, error.code, error.detail), {
      ...cacheHeaders(notFoundKind, ttl),
      'cache-tag': notFoundTag,
    });
    // The route declares this 404 (problem+json); its type is the route's to state, not this helper's.
    return notFound as R;
  }
}
