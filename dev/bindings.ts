/** @module The Worker's bindings on the local stack: the one place dev, tests, bench and soak get them from. */

/** Local only (never a production secret): encrypts the issuers' signing keys in dev, tests and benches. */
export const LOCAL_CREDENTIAL_KEY_SECRET = 'bG9jYWwtc3RhY2sta2V5LWVuY3J5cHRpb24ta2V5ISE';

/** Where the local stack answers: the Neon HTTP proxy, the Upstash REST endpoint and the metrics collector. */
export type StackEndpoints = { neonUrl: string; upstashUrl: string; upstashToken: string; metricsUrl?: string };

/**
 * Bindings that point the Worker at the local stack, for the database `database` (default `test`),
 * served as `publicBaseUrl`; `extra` adds or overrides any binding.
 */
export function localStackBindings(
  stack: StackEndpoints,
  { publicBaseUrl, database = 'test' }: { publicBaseUrl: string; database?: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PUBLIC_BASE_URL: publicBaseUrl,
    // The host is never dialled: NEON_HTTP_ENDPOINT sends every query to the local proxy.
    DATABASE_URL: `postgres://postgres@db.localtest/${database}`,
    NEON_HTTP_ENDPOINT: `${stack.neonUrl}/sql`,
    UPSTASH_REDIS_REST_URL: stack.upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: stack.upstashToken,
    CREDENTIAL_KEY_SECRET: LOCAL_CREDENTIAL_KEY_SECRET,
    // Analytics Engine has no local emulation: the local sink POSTs each point to the collector.
    ...(stack.metricsUrl && { METRICS_LOCAL_URL: `${stack.metricsUrl}/points` }),
    ...extra,
  };
}
