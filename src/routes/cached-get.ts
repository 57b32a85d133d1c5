/**
 * @module Public GETs through the edge tier and the caching policy. A request whose records are
 * all in L1 is rendered at once (no I/O at all); otherwise the edge tier answers, or renders and
 * stores. Every answer carries the downstream caching headers of its kind.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { edgeKey } from '../cache/keys.ts';
import { cacheHeaders, freshness, type ResourceKind } from '../cache/policy.ts';
import { Problem, problemResponse } from '../problem.ts';

export type CachedGetOptions = {
  kind: Exclude<ResourceKind, 'not_found' | 'private'>;
  /** The L1 keys the render reads: when all are in memory the edge tier is skipped. */
  l1Keys?: readonly string[];
  /** Distinguishes representations of one URL (the negotiated content type). */
  variant?: string;
};

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export async function cachedGet(c: Context<AppEnv>, options: CachedGetOptions, render: () => Promise<Response>): Promise<Response> {
  const { deps, scope } = c.var;
  const { ttl } = deps.config;
  // 404s are cached briefly downstream (never by the edge tier); other problems never.
  const renderWithPolicy = async () => {
    try {
      const response = await render();
      return withHeaders(response, cacheHeaders(options.kind, ttl));
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 404) throw error;
      return withHeaders(problemResponse(404, error.code, error.detail), cacheHeaders('not_found', ttl));
    }
  };
  const inMemory = deps.config.cache.tiers.l1 && options.l1Keys?.length && options.l1Keys.every((key) => deps.memory.has(key));
  if (!deps.edge || inMemory) return renderWithPolicy();

  const key = edgeKey(deps.config.publicBaseUrl, new URL(c.req.url).pathname, options.variant);
  scope.readL1 = false;
  const { response, state } = await deps.edge.serve(key, freshness(options.kind, ttl), renderWithPolicy, (work) => c.executionCtx.waitUntil(work));
  scope.cache.edge = state;
  return response;
}
