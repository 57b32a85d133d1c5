/**
 * @module Rate limits per client IP with @upstash/ratelimit on the same Redis: POST /verify* (fails
 * open: a verifier is never refused because Redis is down) and failed admin authentication (falls
 * back to a per-isolate count while Redis is down: guessing stays metered, and an issuer can
 * still revoke during a Redis outage).
 */
import { Ratelimit } from '@upstash/ratelimit';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './app-env.ts';
import type { createRedis } from './cache/redis.ts';
import type { Config } from './config.ts';
import { Problem } from './problem.ts';

/** Failures per address in this isolate over the last minute: the fallback while Redis cannot be asked. */
export class IsolateFailureCount {
  readonly #failures = new Map<string, number[]>();

  constructor(
    readonly perMinute: number,
    /** Addresses remembered at most; the oldest is forgotten first. */
    readonly maxAddresses = 10_000,
  ) {}

  #recent(address: string, now: number): number[] {
    const recent = (this.#failures.get(address) ?? []).filter((at) => now - at < 60_000);
    if (recent.length) this.#failures.set(address, recent);
    else this.#failures.delete(address);
    return recent;
  }

  record(address: string, now = Date.now()): void {
    const recent = this.#recent(address, now);
    this.#failures.delete(address);
    this.#failures.set(address, [...recent, now].slice(-this.perMinute));
    if (this.#failures.size > this.maxAddresses) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** Remaining failures and when the oldest counted one leaves the window (ms since epoch). */
  remaining(address: string, now = Date.now()): { remaining: number; reset: number } {
    const recent = this.#recent(address, now);
    return { remaining: this.perMinute - recent.length, reset: (recent[0] ?? now) + 60_000 };
  }
}

export type RateLimiters = { verify: Ratelimit | undefined; adminFailures: Ratelimit | undefined; adminFailuresInIsolate: IsolateFailureCount | undefined };

export function createRateLimiters(redis: ReturnType<typeof createRedis> | undefined, config: Config): RateLimiters {
  const limiter = (perMinute: number, prefix: string) =>
    redis && perMinute > 0
      ? new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(perMinute, '60 s'), prefix: `v1:ratelimit:${prefix}`, timeout: config.redis!.timeoutMs, analytics: false })
      : undefined;
  return {
    verify: limiter(config.rateLimits.verifyPerMinute, 'verify'),
    adminFailures: limiter(config.rateLimits.adminFailuresPerMinute, 'admin-failures'),
    adminFailuresInIsolate: config.rateLimits.adminFailuresPerMinute > 0 ? new IsolateFailureCount(config.rateLimits.adminFailuresPerMinute) : undefined,
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

/** Before admin authentication: 429 once this address has failed too often (in Redis, or in this isolate while Redis is down). */
export const adminFailureGate = createMiddleware<AppEnv>(async (c, next) => {
  const { adminFailures, adminFailuresInIsolate } = c.var.deps.limits;
  const address = clientIp(c);
  const shared = await adminFailures?.getRemaining(address).catch((error: Error) => {
    console.warn(`rate limiter unavailable, counting admin failures in this isolate: ${error.message}`);
    return undefined;
  });
  const state = shared ?? adminFailuresInIsolate?.remaining(address);
  if (state && state.remaining <= 0) throw tooMany(state.reset);
  await next();
});

/** Counts one failed admin authentication for this address, in Redis and in this isolate. */
export async function recordAdminFailure(c: Context<AppEnv>): Promise<void> {
  const { adminFailures, adminFailuresInIsolate } = c.var.deps.limits;
  adminFailuresInIsolate?.record(clientIp(c));
  await adminFailures?.limit(clientIp(c)).catch(() => undefined);
}
