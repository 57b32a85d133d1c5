/**
 * @module The rate limiters each isolate builds (@upstash/ratelimit on the same Redis, with
 * per-isolate counts for when Redis cannot be asked), and the bucket a client address counts in
 * (an IPv4 address, or an IPv6 /64: see `rateLimitKey`). The middleware that applies them is
 * `http/middleware/rate-limit.ts`.
 */
import { Ratelimit } from '@upstash/ratelimit';
import type { createRedis } from '../cache/redis.ts';
import type { Config } from './config.ts';

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
