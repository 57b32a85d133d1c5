/**
 * @module Rate limits per client (an IPv4 address, or an IPv6 /64: see `rateLimitKey`) with
 * @upstash/ratelimit on the same Redis: POST /verify* (fails open: a verifier is never refused
 * because Redis is down); failed admin authentication (falls back to a per-isolate count while
 * Redis is down: guessing stays metered, and an issuer can still revoke during a Redis outage);
 * revocation lists, the one public read that no cache tier keeps (counted per isolate while
 * Redis is down or off, so it stays bounded).
 */
import { Ratelimit } from '@upstash/ratelimit';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { AppEnv } from './app-env.ts';
import type { createRedis } from './cache/redis.ts';
import type { Config } from './config.ts';
import { Problem } from './problem.ts';

/** Events (failures, requests) per address in this isolate over the last minute: the fallback while Redis cannot be asked. */
export class IsolateCount {
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

export type RateLimiters = {
  verify: Ratelimit | undefined;
  adminFailures: Ratelimit | undefined;
  adminFailuresInIsolate: IsolateCount | undefined;
  /** Admin token checks running now in this isolate, per address: counted as failures until known. */
  adminChecksInFlight: Map<string, number>;
  revocationLists: Ratelimit | undefined;
  revocationListsInIsolate: IsolateCount | undefined;
};

const inIsolate = (perMinute: number) => (perMinute > 0 ? new IsolateCount(perMinute) : undefined);

export function createRateLimiters(redis: ReturnType<typeof createRedis> | undefined, config: Config): RateLimiters {
  const limiter = (perMinute: number, prefix: string) =>
    redis && perMinute > 0
      ? new Ratelimit({
          redis,
          limiter: Ratelimit.slidingWindow(perMinute, '60 s'),
          prefix: `v1:ratelimit:${prefix}`,
          timeout: config.redis!.timeoutMs,
          analytics: false,
        })
      : undefined;
  return {
    verify: limiter(config.rateLimits.verifyPerMinute, 'verify'),
    adminFailures: limiter(config.rateLimits.adminFailuresPerMinute, 'admin-failures'),
    adminFailuresInIsolate: inIsolate(config.rateLimits.adminFailuresPerMinute),
    adminChecksInFlight: new Map(),
    revocationLists: limiter(config.rateLimits.revocationListsPerMinute, 'revocation-lists'),
    revocationListsInIsolate: inIsolate(config.rateLimits.revocationListsPerMinute),
  };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;
/** Longest key kept for a value that is no address (Cloudflare always sends one; a local caller may not). */
const MAX_RAW_KEY = 64;

function ipv4(text: string): string | undefined {
  const octets = IPV4.exec(text)?.slice(1).map(Number);
  return octets?.every((octet) => octet <= 255) ? octets.join('.') : undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail as two groups), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string, last: boolean): number[] | undefined => {
    if (!part) return [];
    const pieces = part.split(':');
    const groups: number[] = [];
    for (const [i, piece] of pieces.entries()) {
      const dotted = last && i === pieces.length - 1 ? ipv4(piece) : undefined;
      if (dotted) {
        const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number];
        groups.push((a << 8) | b, (c << 8) | d);
      } else if (HEX_GROUP.test(piece)) groups.push(Number.parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = parse(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parse(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/**
 * The bucket a client address is counted in: an IPv4 address as itself; an IPv6 address by its
 * /64 (one subscriber's network, 2^64 addresses that would each get a budget of their own),
 * whatever its spelling (`::` compression, case, leading zeros, a zone id); an IPv4-mapped
 * `::ffff:a.b.c.d` as the IPv4 address. Anything else (never sent by Cloudflare) as its own text, capped.
 */
export function rateLimitKey(address: string): string {
  const text = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  const v4 = ipv4(text);
  if (v4) return v4;
  const groups = text.includes(':') ? ipv6Groups(text.replace(/%.*$/, '')) : undefined;
  if (!groups) return text.slice(0, MAX_RAW_KEY);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff)
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

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
export async function checkAdminToken(c: Context<AppEnv>, token: string, expected: string): Promise<boolean> {
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
    const ok = await timingSafeEqual(expected, token);
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
