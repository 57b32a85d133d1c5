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

/** `render()`'s response with the headers of `kind`; a thrown 404 becomes a short-lived cacheable 404. */
export async function withCachePolicy(kind: Exclude<ResourceKind, 'not_found' | 'private'>, ttl: Config['ttl'], render: () => Promise<Response>): Promise<Response> {
  try {
    return withHeaders(await render(), cacheHeaders(kind, ttl));
  } catch (error) {
    if (!(error instanceof Problem) || error.status !== 404) throw error;
    return withHeaders(problemResponse(404, error.code, error.detail), cacheHeaders('not_found', ttl));
  }
}
