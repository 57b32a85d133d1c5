/**
 * @module Public GETs and the caching policy: every answer carries the downstream caching
 * headers of its kind, and a 404 is answered (briefly cacheable) rather than thrown.
 */
import { cacheHeaders, type ResourceKind } from '../cache/policy.ts';
import type { Config } from '../config.ts';
import { Problem, problemResponse } from '../problem.ts';

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** What a render tells the policy besides its response. */
export type Rendered = { response: Response /** When the answer changes by itself (an assertion's `expires`). */; changesAt?: Date | null };

/**
 * `render()`'s response with the headers of `kind`; a thrown 404 becomes a short-lived cacheable
 * 404 tagged with `notFoundTag`, so creating that record can purge it.
 */
export async function withCachePolicy(
  kind: Exclude<ResourceKind, 'not_found' | 'private'>,
  ttl: Config['ttl'],
  notFoundTag: string,
  render: () => Promise<Response | Rendered>,
): Promise<Response> {
  try {
    const rendered = await render();
    const { response, changesAt } = rendered instanceof Response ? { response: rendered, changesAt: null } : rendered;
    return withHeaders(response, cacheHeaders(kind, ttl, changesAt));
  } catch (error) {
    if (!(error instanceof Problem) || error.status !== 404) throw error;
    return withHeaders(problemResponse(404, error.code, error.detail), { ...cacheHeaders('not_found', ttl), 'cache-tag': notFoundTag });
  }
}
