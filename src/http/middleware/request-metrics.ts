/**
 * @module One structured log line and one metrics point per request, after its background work
 * settled (so write-backs and outbox settling count too), all in `waitUntil`: off the response path.
 * The request id is Cloudflare's `cf-ray` (else a generated one), echoed in `Request-Id`. A line
 * holds the route pattern, never the path or query (an id or a verification's recipient could be
 * there), and no header but the ray.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { CacheTrace } from '../../data/scope.ts';
import { withTimeLimit } from '../../lib/time-limit.ts';
import { reportPoint } from '../../metrics/report.ts';
import type { AnsweredBy, PurgeOutcome, RequestPoint } from '../../metrics/types.ts';
import type { AppEnv, BackgroundWork } from '../app-env.ts';

/** Background work waited for at most this long before the point is written with what is known. */
const SETTLE_AT_MOST_MS = 15_000;

/** A ray id (`8f1e2d3c4b5a6978-LHR`); anything else a client sent is replaced. */
const RAY = /^[0-9a-f]{8,32}(-[A-Z0-9]{2,8})?$/i;

function backgroundWork(ctx: ExecutionContext): BackgroundWork {
  const pending: Promise<unknown>[] = [];
  return {
    waitUntil(work) {
      pending.push(work);
      ctx.waitUntil(work);
    },
    // Work may start more work: wait until a round adds none.
    async settled() {
      for (let seen = 0; seen < pending.length; ) {
        const round = pending.slice(seen);
        seen = pending.length;
        await Promise.allSettled(round);
      }
    },
  };
}

/** The pattern of the route (or middleware, for an early answer) that answered. */
function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  return routes[c.req.routeIndex]?.path ?? routes.at(-1)?.path ?? 'unmatched';
}

export function answeredBy(trace: CacheTrace | undefined): AnsweredBy {
  if (trace?.served.has('db')) return 'db';
  if (trace?.served.has('redis')) return 'redis';
  if (trace?.served.has('l1')) return 'l1';
  return 'none';
}

const purgeOutcome = (trace: CacheTrace | undefined): PurgeOutcome => (!trace?.purges ? 'none' : trace.purgeFailures ? 'failed' : 'done');

export const requestMetrics = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const ray = c.req.header('cf-ray');
  const requestId = ray && RAY.test(ray) ? ray : crypto.randomUUID();
  const work = backgroundWork(c.executionCtx as ExecutionContext);
  c.set('background', work);
  await next();
  const durationMs = performance.now() - started;
  try {
    c.res.headers.set('request-id', requestId);
  } catch {
    // A response passed through from fetch() has immutable headers: answer a copy.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set('request-id', requestId);
  }
  const scope = c.var.scope as AppEnv['Variables']['scope'] | undefined;
  // What the request path did, before background work adds to the same counters.
  const statements = scope?.meter.statements ?? 0;
  const redisCalls = scope?.cache.redisRequests ?? 0;
  const base = { requestId, method: c.req.method, route: routeOf(c), status: c.res.status };
  c.executionCtx.waitUntil(
    withTimeLimit(work.settled(), SETTLE_AT_MOST_MS)
      .catch(() => undefined)
      .then(() => {
        const after = scope?.after;
        const point: RequestPoint = {
          kind: 'request',
          ...base,
          tier: answeredBy(scope?.cache),
          statements,
          redisCalls,
          statementsTotal: (scope?.meter.statements ?? 0) + (after?.meter.statements ?? 0),
          redisCallsTotal: (scope?.cache.redisRequests ?? 0) + (after?.cache.redisRequests ?? 0),
          remoteFetches: (scope?.cache.remoteFetches ?? 0) + (after?.cache.remoteFetches ?? 0),
          purge: purgeOutcome(scope?.cache),
          durationMs,
        };
        return reportPoint(point, c.var.deps?.metrics);
      }),
  );
});
