/** @module Configuration: the bindings read and validated once, into one typed object. */
import { z } from 'zod';
import type { DidMethod } from '../credentials/issuer-dids.ts';
import { fromBase64 } from '../lib/base64.ts';
import type { Bindings } from './env.ts';

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);
const millis = (fallback: number) => z.coerce.number().int().min(1).max(60_000).default(fallback);
const httpUrl = z.url({ protocol: /^https?$/ });
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });

/** Where a host of REMOTE_FETCH_HOSTS may be sent: a loopback http origin, so the map can never reach the internet. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** `host=http://127.0.0.1:PORT,…` as a map from host name to local origin; undefined when an entry is malformed. */
function parseHostMap(list: string): Map<string, string> | undefined {
  const hosts = new Map<string, string>();
  for (const entry of list.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    const [host, target, ...rest] = entry.split('=');
    const origin = URL.parse(target ?? '');
    const ok =
      rest.length === 0 &&
      /^[a-z0-9.-]+$/i.test(host ?? '') &&
      origin?.protocol === 'http:' &&
      LOOPBACK_HOSTS.has(origin.hostname) &&
      // Nothing but the origin: no path, query or userinfo.
      `${origin.origin}/` === origin.href;
    if (!ok) return undefined;
    hosts.set(host!.toLowerCase(), origin.origin);
  }
  return hosts;
}

const schema = z
  .object({
    PUBLIC_BASE_URL: httpUrl.transform((url) => url.replace(/\/+$/, '')),
    DATABASE_URL: postgresUrl,
    DATABASE_URL_READ: postgresUrl.optional(),
    NEON_HTTP_ENDPOINT: httpUrl.optional(),
    WORKERS_CACHE_PURGE_URL: httpUrl.optional(),
    METRICS_LOCAL_URL: httpUrl.optional(),
    UPSTASH_REDIS_REST_URL: httpUrl.optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    ADMIN_TOKEN: z.string().min(12, 'must be at least 12 characters').optional(),
    // 32 random bytes, base64url: encrypts the issuers' signing keys (AES-256-GCM).
    CREDENTIAL_KEY_SECRET: z
      .base64url()
      .transform(fromBase64)
      .refine((bytes) => bytes.length === 32, 'must be 32 bytes, base64url')
      .optional(),
    // How issuers are named in OB 3.0 documents: did:web (the DID document served here; needs HTTPS
    // in production) or did:key (self-contained, verifiable offline).
    ISSUER_DID_METHOD: z.enum(['web', 'key']).default('web'),
    REDIS_TIMEOUT_MS: millis(150),
    DATABASE_TIMEOUT_MS: millis(5_000),
    DEFINITION_TTL_SECONDS: seconds(86_400, 30 * 86_400),
    // The freshness contract caps how long a revocation may stay unseen in a downstream cache.
    ASSERTION_TTL_SECONDS: seconds(60, 60),
    // Records in Redis are versioned and written through on every change: their lifetime is a safety net.
    REDIS_TTL_SECONDS: seconds(7 * 86_400, 30 * 86_400),
    // Outbox rows younger than this belong to a writer that may still be applying them.
    OUTBOX_RETRY_AFTER_SECONDS: seconds(10, 3600),
    CACHE_TIERS: z
      .string()
      .default('l1,redis')
      .transform(
        (list) =>
          new Set(
            list
              .split(',')
              .map((tier) => tier.trim())
              .filter(Boolean),
          ),
      )
      .refine(
        (tiers) => [...tiers].every((tier) => tier === 'l1' || tier === 'redis' || tier === 'none'),
        'a comma list of l1, redis (or none)',
      ),
    // The bound on how long a write made in another isolate can go unseen in this one.
    L1_TTL_SECONDS: seconds(2, 5),
    L1_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
    RATE_LIMIT_VERIFY_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(120),
    RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).max(10_000).default(10),
    RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
    // Local only: other issuers' made-up host names answered by local servers (dev and tests).
    REMOTE_FETCH_HOSTS: z
      .string()
      .default('')
      .transform((list, context) => {
        const hosts = parseHostMap(list);
        if (!hosts)
          context.addIssue({ code: 'custom', message: 'a comma list of host=http://127.0.0.1:PORT (loopback http origins, no path)' });
        return hosts ?? new Map<string, string>();
      }),
    REMOTE_DEFINITION_TTL_SECONDS: seconds(86_400, 30 * 86_400),
    // Bounds how long another issuer's revocation can go unseen here.
    REMOTE_STATUS_TTL_SECONDS: seconds(60, 300),
    L1_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(16 * 1024 * 1024),
  })
  .refine((env) => Boolean(env.UPSTASH_REDIS_REST_URL) === Boolean(env.UPSTASH_REDIS_REST_TOKEN), {
    message: 'set both or neither',
    path: ['UPSTASH_REDIS_REST_TOKEN'],
  });

export type Config = {
  publicBaseUrl: string;
  database: {
    url: string;
    /** Public reads go here when a replica is configured. */
    readUrl: string;
    /** Set only against the local stack; production uses the connection string's host. */
    httpEndpoint: string | undefined;
    timeoutMs: number;
  };
  redis: { url: string; token: string; timeoutMs: number } | undefined;
  /** Local only: the Workers Cache stand-in's purge endpoint (production purges through `ctx.cache`). */
  edgePurgeUrl: string | undefined;
  /** Local only: the local stack's metrics collector (production writes to the `METRICS` Analytics Engine dataset). */
  metricsLocalUrl: string | undefined;
  adminToken: string | undefined;
  /** The key-encryption key of the issuers' signing keys; without it OB 3.0 credentials are off (503). */
  credentialKeySecret: Uint8Array | undefined;
  /** did:web: one stable issuer id across key rotations, resolved at `/issuers/{id}/did.json`; did:key: a new id per key. */
  issuerDidMethod: DidMethod;
  cache: {
    /** Which tiers are on (CACHE_TIERS); Redis also needs its URL and token. */
    tiers: { l1: boolean; redis: boolean };
    l1: { maxEntries: number; maxBytes: number; ttlSeconds: number };
    /** Lifetime of a record in Redis; every write rewrites it, so this only bounds memory. */
    redisTtlSeconds: number;
    /** Outbox rows older than this are retried by the drain (cron, later writes, Redis recovery). */
    outboxRetryAfterSeconds: number;
  };
  /** Per client IP and minute, in Redis; 0 switches a limit off (and so does running without Redis). */
  rateLimits: { verifyPerMinute: number; adminFailuresPerMinute: number; revocationListsPerMinute: number };
  /** Other issuers' documents, fetched by `remote/fetcher.ts`. */
  remote: {
    /** Local only: host name → loopback origin that answers for it (path and query kept). */
    hosts: ReadonlyMap<string, string>;
    /** PUBLIC_BASE_URL's host: never fetched (its records are read from the tiers; a Worker fetching itself would loop). */
    ownHost: string;
    /** At most this long fresh, whatever the headers allow: issuer profiles, badge classes, keys, DID documents, contexts. */
    definitionTtlSeconds: number;
    /** At most this long fresh: documents that carry revocation. */
    statusTtlSeconds: number;
  };
  ttl: {
    /** Downstream (browsers, CDNs): issuers and badge classes. */
    definitionSeconds: number;
    /** Downstream: assertions and verification results; bounds how long a revocation can go unseen there. */
    assertionSeconds: number;
  };
};

/** Thrown when the bindings are missing or malformed; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the bindings once; a bad value fails with the variable's name, never its value. Any
 * binding may be missing at run time (a secret not put, a setting left out): all are checked here.
 */
export function parseConfig(bindings: Partial<Bindings>): Config {
  const parsed = schema.safeParse(bindings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  return {
    publicBaseUrl: env.PUBLIC_BASE_URL,
    database: {
      url: env.DATABASE_URL,
      readUrl: env.DATABASE_URL_READ ?? env.DATABASE_URL,
      httpEndpoint: env.NEON_HTTP_ENDPOINT,
      timeoutMs: env.DATABASE_TIMEOUT_MS,
    },
    redis:
      env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
        ? { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: env.REDIS_TIMEOUT_MS }
        : undefined,
    adminToken: env.ADMIN_TOKEN,
    credentialKeySecret: env.CREDENTIAL_KEY_SECRET,
    issuerDidMethod: env.ISSUER_DID_METHOD,
    edgePurgeUrl: env.WORKERS_CACHE_PURGE_URL,
    metricsLocalUrl: env.METRICS_LOCAL_URL,
    cache: {
      tiers: { l1: env.CACHE_TIERS.has('l1'), redis: env.CACHE_TIERS.has('redis') && Boolean(env.UPSTASH_REDIS_REST_URL) },
      l1: { maxEntries: env.L1_MAX_ENTRIES, maxBytes: env.L1_MAX_BYTES, ttlSeconds: env.L1_TTL_SECONDS },
      redisTtlSeconds: env.REDIS_TTL_SECONDS,
      outboxRetryAfterSeconds: env.OUTBOX_RETRY_AFTER_SECONDS,
    },
    rateLimits: {
      verifyPerMinute: env.RATE_LIMIT_VERIFY_PER_MINUTE,
      adminFailuresPerMinute: env.RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE,
      revocationListsPerMinute: env.RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE,
    },
    remote: {
      hosts: env.REMOTE_FETCH_HOSTS,
      ownHost: new URL(env.PUBLIC_BASE_URL).hostname,
      definitionTtlSeconds: env.REMOTE_DEFINITION_TTL_SECONDS,
      statusTtlSeconds: env.REMOTE_STATUS_TTL_SECONDS,
    },
    ttl: { definitionSeconds: env.DEFINITION_TTL_SECONDS, assertionSeconds: env.ASSERTION_TTL_SECONDS },
  };
}
