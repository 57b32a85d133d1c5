/**
 * @module Per-request setup: dependencies and a data scope on the context, and afterwards the
 * report of what answered: `X-Cache` and Server-Timing (db, redis, cache).
 */
import { createMiddleware } from 'hono/factory';
import { setMetric } from 'hono/timing';
import { type CacheTrace, newDataScope } from '../../data/scope.ts';
import { drainIfRedisRecovered } from '../../data/write/outbox.ts';
import { edgePurgeFor } from '../../edge/purge.ts';
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
  const purge = edgePurgeFor(c.executionCtx as unknown as ExecutionContext, deps.config.edgePurgeUrl);
  // With an edge cache in front, what a GET answers is stored for everyone: build it from the shared tiers.
  const storedAtEdge = purge !== undefined && (c.req.method === 'GET' || c.req.method === 'HEAD');
  const scope = newDataScope(deps, (work) => c.executionCtx.waitUntil(work), purge, { storedAtEdge });
  const { meter, cache } = scope;
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
