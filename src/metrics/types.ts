/** @module The metrics contract: what one data point says, and the one thing a sink must do with it. */

/** Which data tier answered a request: the farthest one a record came from (`none`: no record read). */
export type AnsweredBy = 'l1' | 'redis' | 'db' | 'none';

/** What the request's edge purges did: `none` when it sent none. */
export type PurgeOutcome = 'none' | 'done' | 'failed';

/** One request, counted after its background work settled. */
export type RequestPoint = {
  kind: 'request';
  /** `cf-ray` when Cloudflare sent one, else a generated UUID; echoed in `Request-Id`. */
  requestId: string;
  method: string;
  /** The Hono route pattern that answered (`/assertions/:id/verify`), never the raw path or its query. */
  route: string;
  status: number;
  tier: AnsweredBy;
  /** SQL statements and Redis round trips on the request path (what Server-Timing reports). */
  statements: number;
  redisCalls: number;
  /** The same, background work on the request's behalf included (write-backs, outbox settle, drains). */
  statementsTotal: number;
  redisCallsTotal: number;
  /** Requests to other issuers' hosts, redirect hops included. */
  remoteFetches: number;
  purge: PurgeOutcome;
  /** Until the response was ready, in milliseconds. */
  durationMs: number;
};

/** One run of the cache outbox drain (the Cron Trigger). */
export type DrainPoint = {
  kind: 'drain';
  /** Outbox rows the run applied. */
  applied: number;
  /** False when rows may remain (Redis or a purge failing, or more than one run's worth). */
  done: boolean;
  /** Outbox rows left after the run, and the age of the oldest in seconds (0 when empty). */
  depth: number;
  oldestSeconds: number;
  statements: number;
  redisCalls: number;
  purge: PurgeOutcome;
  durationMs: number;
};

export type MetricPoint = RequestPoint | DrainPoint;

/**
 * Where points go: Workers Analytics Engine in production, the local stack's collector elsewhere.
 * `write` may reject; callers run it in `waitUntil` and report a failure, never failing a request.
 */
export type MetricsSink = { write(point: MetricPoint): Promise<void> | void };
