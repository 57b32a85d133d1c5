/** @module The Worker's bindings on the local stack: the one place dev, tests, bench and soak get them from. */

/** Where the local stack answers: the Neon HTTP proxy and the Upstash REST endpoint. */
export type StackEndpoints = { neonUrl: string; upstashUrl: string; upstashToken: string };

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
    ...extra,
  };
}
