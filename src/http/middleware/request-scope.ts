/**
 * @module Per-request setup: dependencies and a data scope on the context, and afterwards the
 * report of what answered: `X-Cache` and Server-Timing (db, redis, cache).
 */
import { createMiddleware } from 'hono/factory';
import { setMetric } from 'hono/timing';
import { type CacheTrace, type DataScope, inBackground, newCacheTrace, newDataScope } from '../../data/scope.ts';
import { drainIfRedisRecovered } from '../../data/write/outbox.ts';
import { newQueryMeter } from '../../db/meter.ts';
import { countedPurge, edgePurgeFor } from '../../edge/purge.ts';
import { notePurgeError } from '../../metrics/ops-state.ts';
import { depsFor } from '../../platform/deps.ts';
import type { AppEnv } from '../app-env.ts';

/** Which tier answered: the farthest data tier a record came from. */
function answeredBy(trace: CacheTrace): string | undefined {
  if (trace.served.has('db')) return 'MISS';
  if (trace.served.has('redis')) return 'HIT redis';
  if (trace.served.has('l1')) return 'HIT l1';
  return undefined;
}

export const requestScope = createMiddleware<AppEnv>(async (c, next) => {
  const deps = depsFor(c.env);
  const cache = newCacheTrace();
  const waitUntil = c.var.background?.waitUntil ?? ((work: Promise<unknown>) => c.executionCtx.waitUntil(work));
  // Purges are counted for the request's metrics; the last failure is kept for GET /admin/status.
  const purge = countedPurge(edgePurgeFor(c.executionCtx as unknown as ExecutionContext, deps.config.edgePurgeUrl), cache, (tags) => {
    const redis = deps.redisClient;
    if (redis)
      inBackground(
        scope,
        'purge error note',
        notePurgeError(redis, { at: new Date().toISOString(), by: 'request', tags, reason: 'refused' }),
      );
  });
  // With an edge cache in front, what a GET answers is stored for everyone: build it from the shared tiers.
  const storedAtEdge = purge !== undefined && (c.req.method === 'GET' || c.req.method === 'HEAD');
  // The request's own counters (Server-Timing), and where its background scopes count (metrics).
  const scope: DataScope = {
    ...newDataScope(deps, waitUntil, purge, { storedAtEdge }),
    cache,
    after: { meter: newQueryMeter(), cache: newCacheTrace() },
  };
  const { meter } = scope;
  c.set('deps', deps);
  c.set('urls', deps.urls);
  c.set('scope', scope);
  await next();
  // Redis answered again after failing in this isolate: what writes left meanwhile is applied in the background (reads never drain).
  drainIfRedisRecovered(scope);
  setMetric(c, 'db', meter.milliseconds, `${meter.statements} statements in ${meter.requests} requests`);
  if (cache.redisRequests) setMetric(c, 'redis', cache.redisMilliseconds, `${cache.redisRequests} requests`);
  const answered = answeredBy(cache);
  if (answered) {
    setMetric(c, 'cache', answered);
    c.res.headers.set('x-cache', answered);
  }
});
