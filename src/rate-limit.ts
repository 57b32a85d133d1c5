/**
 * @module Rate limits per client IP with @upstash/ratelimit on the same Redis: POST /verify* (fails
 * open: a verifier is never refused because Redis is down) and failed admin authentication
 * (fails closed: without Redis nobody can guess tokens unmetered).
 */
import { Ratelimit } from '@upstash/ratelimit';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './app-env.ts';
import type { createRedis } from './cache/redis.ts';
import type { Config } from './config.ts';
import { Problem } from './problem.ts';

export type RateLimiters = { verify: Ratelimit | undefined; adminFailures: Ratelimit | undefined };

export function createRateLimiters(redis: ReturnType<typeof createRedis> | undefined, config: Config): RateLimiters {
  const limiter = (perMinute: number, prefix: string) =>
    redis && perMinute > 0
      ? new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(perMinute, '60 s'), prefix: `v1:ratelimit:${prefix}`, timeout: config.redis!.timeoutMs, analytics: false })
      : undefined;
  return {
    verify: limiter(config.rateLimits.verifyPerMinute, 'verify'),
    adminFailures: limiter(config.rateLimits.adminFailuresPerMinute, 'admin-failures'),
  };
}

/** The client's address as Cloudflare reports it; one shared bucket when it is absent (local runs). */
export const clientIp = (c: Context) => c.req.header('cf-connecting-ip') ?? 'unknown';

const tooMany = (reset: number) =>
  new Problem(429, 'rate_limited', 'Too many requests from this address; try again later.', {
    'retry-after': String(Math.max(1, Math.ceil((reset - Date.now()) / 1000))),
  });

/** POST /verify and /verify/batch: 429 past the limit; any limiter failure lets the request through. */
export const verifyRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limiter = c.var.deps.limits.verify;
  if (limiter) {
    const result = await limiter.limit(clientIp(c)).catch((error: Error) => {
      console.warn(`rate limiter unavailable, allowing the request: ${error.message}`);
      return undefined;
    });
    if (result && !result.success) throw tooMany(result.reset);
  }
  await next();
});

/** Before admin authentication: 429 once this address has failed too often, 503 when that cannot be known. */
export const adminFailureGate = createMiddleware<AppEnv>(async (c, next) => {
  const limiter = c.var.deps.limits.adminFailures;
  if (limiter) {
    const state = await limiter.getRemaining(clientIp(c)).catch(() => {
      throw new Problem(503, 'rate_limiter_unavailable', 'Admin routes are unavailable while the rate limiter cannot be reached.', { 'retry-after': '5' });
    });
    if (state.remaining <= 0) throw tooMany(state.reset);
  }
  await next();
});

/** Counts one failed admin authentication for this address. */
export async function recordAdminFailure(c: Context<AppEnv>): Promise<void> {
  await c.var.deps.limits.adminFailures?.limit(clientIp(c)).catch(() => undefined);
}
