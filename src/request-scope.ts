/**
 * @module Per-request setup: dependencies and a data scope on the context, and afterwards the
 * report of what answered: `X-Cache` and Server-Timing (db, redis, cache).
 */
import { createMiddleware } from 'hono/factory';
import { setMetric } from 'hono/timing';
import type { AppEnv } from './app-env.ts';
import { type CacheTrace, newCacheTrace } from './data/scope.ts';
import { newQueryMeter } from './db/meter.ts';
import { depsFor } from './deps.ts';

/** Which tier answered: the edge tier if it did, else the farthest data tier a record came from. */
function answeredBy(trace: CacheTrace): string | undefined {
  if (trace.edge === 'fresh') return 'HIT edge';
  if (trace.edge === 'stale') return 'STALE edge';
  if (trace.served.has('db')) return 'MISS';
  if (trace.served.has('redis')) return 'HIT redis';
  if (trace.served.has('l1')) return 'HIT l1';
  return undefined;
}

export const requestScope = createMiddleware<AppEnv>(async (c, next) => {
  const deps = depsFor(c.env);
  const meter = newQueryMeter();
  const cache = newCacheTrace();
  c.set('deps', deps);
  c.set('urls', deps.urls);
  c.set('scope', { deps, meter, cache, readL1: true, waitUntil: (work) => c.executionCtx.waitUntil(work) });
  await next();
  setMetric(c, 'db', meter.milliseconds, `${meter.statements} statements in ${meter.requests} requests`);
  if (cache.redisRequests) setMetric(c, 'redis', cache.redisMilliseconds, `${cache.redisRequests} requests`);
  const answered = answeredBy(cache);
  if (answered) {
    setMetric(c, 'cache', answered);
    c.res.headers.set('x-cache', answered);
  }
});
