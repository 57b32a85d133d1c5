/**
 * @module Rate limits per client (the limiters are built in `platform/limiters.ts`), as Hono
 * middleware: POST /verify* (fails open: a verifier is never refused
 * because Redis is down); failed admin authentication (falls back to a per-isolate count while
 * Redis is down: guessing stays metered, and an issuer can still revoke during a Redis outage);
 * revocation lists, the one public read that no cache tier keeps (counted per isolate while
 * Redis is down or off, so it stays bounded).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { DomainError } from '../../lib/errors.ts';
import { rateLimitKey } from '../../platform/limiters.ts';
import type { AppEnv } from '../app-env.ts';
import { Problem } from '../problem.ts';

/** The rate-limit bucket of the client's address as Cloudflare reports it; one shared bucket when it is absent (local runs). */
export const clientIp = (c: Context) => rateLimitKey(c.req.header('cf-connecting-ip') ?? 'unknown');

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

/**
 * GET /issuers/{id}/revocations: 429 past the limit. Counted in Redis; while Redis is down or
 * off, in this isolate, so the list's statements stay bounded either way.
 */
export const revocationListRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { revocationLists: shared, revocationListsInIsolate: isolate } = c.var.deps.limits;
  const address = clientIp(c);
  const result = await shared?.limit(address).catch((error: Error) => {
    console.warn(`rate limiter unavailable, counting revocation-list reads in this isolate: ${error.message}`);
    return undefined;
  });
  if (result) {
    if (!result.success) throw tooMany(result.reset);
  } else if (isolate) {
    const state = isolate.remaining(address);
    if (state.remaining <= 0) throw tooMany(state.reset);
    isolate.record(address);
  }
  await next();
});

/**
 * Compares an admin bearer token for this address, unless it has failed too often (429): in
 * Redis, or in this isolate while Redis is down. Checks still running count as failures, so
 * concurrent guesses from one address cannot all slip through before the first is counted
 * (within an isolate; across isolates the shared count lags by the checks in flight).
 */
export async function checkAdminToken(c: Context<AppEnv>, verify: () => Promise<boolean>): Promise<boolean> {
  const { adminFailures, adminFailuresInIsolate, adminChecksInFlight: inFlight } = c.var.deps.limits;
  const address = clientIp(c);
  inFlight.set(address, (inFlight.get(address) ?? 0) + 1);
  try {
    const shared = await adminFailures?.getRemaining(address).catch((error: Error) => {
      console.warn(`rate limiter unavailable, counting admin failures in this isolate: ${error.message}`);
      return undefined;
    });
    // The stricter of the two counts: a Redis that timed out while counting may know fewer failures than this isolate saw.
    const inIsolate = adminFailuresInIsolate?.remaining(address);
    const state = shared && inIsolate ? (shared.remaining <= inIsolate.remaining ? shared : inIsolate) : (shared ?? inIsolate);
    const othersInFlight = (inFlight.get(address) ?? 1) - 1;
    if (state && state.remaining - othersInFlight <= 0) throw tooMany(state.reset);
    const ok = await verify().catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'unavailable') throw error;
      return false;
    });
    if (!ok) {
      adminFailuresInIsolate?.record(address);
      await adminFailures?.limit(address).catch(() => undefined);
    }
    return ok;
  } finally {
    const left = (inFlight.get(address) ?? 1) - 1;
    if (left > 0) inFlight.set(address, left);
    else inFlight.delete(address);
  }
}
