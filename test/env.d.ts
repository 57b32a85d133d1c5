export {};

declare global {
  namespace Cloudflare {
    interface Env {
      /** Test-only: the local stack's control and stats endpoints. */
      STACK_NEON_URL: string;
      STACK_NEON_PORT: string;
      STACK_UPSTASH_URL: string;
      /** Test-only: the metrics collector (GET /__points, /__stats; POST /__stats/reset). */
      STACK_METRICS_URL: string;
      STACK_BACKENDS: string;
      /** Test-only: the remote issuers' control endpoint (GET /cases, POST /actions/{name}) and the misbehaving host's name. */
      REMOTE_CONTROL_URL: string;
      REMOTE_HOSTILE_HOST: string;
    }
  }
}
