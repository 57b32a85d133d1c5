/**
 * @module Public GETs and the caching policy: every answer carries the downstream caching
 * headers of its kind, its tags and its ETag; its 404 is briefly cacheable.
 */

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

/** What the policy reads of the request (the configured lifetimes) and leaves for the error path (how a 404 is cached). */
type WithTtl = {
  var: { deps: { config: Pick<Config, 'ttl'> } };
  set(key: 'notFoundHeaders', value: Record<string, string>): void;
};

/**
 * `render()`'s response with the headers of `kind`, its tags and ETag. A 404 it throws goes to
 * the one error path, which answers it briefly cacheable and tagged with `notFoundTag`, so that
 * creating that record can purge it (kept by browsers only, unless `notFoundKind` is
 * `purged_not_found`: the creating write purges that tag, so the edge may keep it too).
 */
export async function withCachePolicy<R extends Response>(
  c: WithTtl,
  kind: Exclude<ResourceKind, 'not_found' | 'purged_not_found' | 'private'>,
  notFoundTag: string,
  render: () => Promise<Rendered<R>>,
  notFoundKind: 'not_found' | 'purged_not_found' = 'not_found',
): Promise<R> {
  const { ttl } = c.var.deps.config;
  c.set('notFoundHeaders', { ...cacheHeaders(notFoundKind, ttl), 'cache-tag': notFoundTag });
  const { response, tags, etag, changesAt } = await render();
  return withHeaders(response, {
    ...(tags && { 'cache-tag': tags }),
    ...(etag && { etag }),
    ...cacheHeaders(kind, ttl, changesAt),
  });
}
