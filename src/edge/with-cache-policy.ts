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
  /** When the answer changes by itself (an assertion's `expires`). */
  changesAt?: Date | null;
};

/**
 * `render()`'s response with the headers of `kind`; a thrown 404 becomes a short-lived cacheable
 * 404 tagged with `notFoundTag`, so creating that record can purge it (kept by browsers only,
 * unless `notFoundKind` is `purged_not_found`: the creating write purges that tag, so the edge may keep it too).
 */
export async function withCachePolicy<R extends Response>(
  kind: Exclude<ResourceKind, 'not_found' | 'purged_not_found' | 'private'>,
  ttl: Config['ttl'],
  notFoundTag: string,
  render: () => Promise<R | Rendered<R>>,
  notFoundKind: 'not_found' | 'purged_not_found' = 'not_found',
): Promise<R> {
  try {
    const rendered = await render();
    const { response, changesAt } = rendered instanceof Response ? { response: rendered, changesAt: null } : rendered;
    return withHeaders(response, cacheHeaders(kind, ttl, changesAt));
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
