/** @module Configuration: the bindings read and validated once, into one typed object. */
import { z } from 'zod';
import type { Bindings } from './env.ts';

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);
const millis = (fallback: number) => z.coerce.number().int().min(1).max(60_000).default(fallback);
const httpUrl = z.url({ protocol: /^https?$/ });
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });

const schema = z
  .object({
    PUBLIC_BASE_URL: httpUrl.transform((url) => url.replace(/\/+$/, '')),
    DATABASE_URL: postgresUrl,
    DATABASE_URL_READ: postgresUrl.optional(),
    NEON_HTTP_ENDPOINT: httpUrl.optional(),
    UPSTASH_REDIS_REST_URL: httpUrl.optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    ADMIN_TOKEN: z.string().min(12, 'must be at least 12 characters').optional(),
    REDIS_TIMEOUT_MS: millis(150),
    DATABASE_TIMEOUT_MS: millis(5_000),
    DEFINITION_TTL_SECONDS: seconds(86_400, 30 * 86_400),
    // The freshness contract caps how long a revocation may stay unseen in a cache.
    ASSERTION_TTL_SECONDS: seconds(60, 60),
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
  adminToken: string | undefined;
  ttl: {
    /** Issuers and badge classes: long, purged on change. */
    definitionSeconds: number;
    /** Assertions and verification results: short, bounds how long a revocation can go unseen. */
    assertionSeconds: number;
  };
};

/** Thrown when the bindings are missing or malformed; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the bindings once; a bad value fails with the variable's name, never its value. */
export function parseConfig(bindings: Bindings): Config {
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
    ttl: { definitionSeconds: env.DEFINITION_TTL_SECONDS, assertionSeconds: env.ASSERTION_TTL_SECONDS },
  };
}
