/** @module The Worker's bindings, as wrangler.toml and `wrangler secret put` provide them. */
export type Bindings = {
  /** Origin the public ids are built from, e.g. https://badges.example.org */
  PUBLIC_BASE_URL: string;
  /** Secret. Postgres connection string (Neon). */
  DATABASE_URL: string;
  /** Optional secret. A read replica for public reads. */
  DATABASE_URL_READ?: string;
  /** Local stack only: where the Neon driver sends SQL-over-HTTP instead of the connection string's host. */
  NEON_HTTP_ENDPOINT?: string;
  /** Local stack only: the Workers Cache stand-in's purge endpoint (production purges through ctx.cache). */
  WORKERS_CACHE_PURGE_URL?: string;
  /** Secret, optional: without both Upstash values the Redis tier is off. */
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  /** Secret. Without it the admin routes answer 503. */
  ADMIN_TOKEN?: string;
  REDIS_TIMEOUT_MS?: string;
  DATABASE_TIMEOUT_MS?: string;
  DEFINITION_TTL_SECONDS?: string;
  ASSERTION_TTL_SECONDS?: string;
  /** Lifetime of a record in Redis (default 7 days); records are rewritten on every change. */
  REDIS_TTL_SECONDS?: string;
  /** Outbox rows older than this (default 10 s) are retried: by the cron, later writes, Redis recovering. */
  OUTBOX_RETRY_AFTER_SECONDS?: string;
  /** Comma list of the cache tiers that are on: l1, redis (default both; `none` for none). */
  CACHE_TIERS?: string;
  /** Requests per client IP and minute to POST /verify and /verify/batch (0 = no limit). */
  RATE_LIMIT_VERIFY_PER_MINUTE?: string;
  /** Failed admin authentications per client IP and minute before 429 (0 = no limit). */
  RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE?: string;
  /** Revocation-list reads per client IP and minute before 429 (default 60; 0 = no limit). */
  RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE?: string;
  /** Lifetime of a record in isolate memory (default 2 s, at most 5). */
  L1_TTL_SECONDS?: string;
  L1_MAX_ENTRIES?: string;
  L1_MAX_BYTES?: string;
};
