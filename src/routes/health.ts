/**
 * @module GET /health: whether the database and Redis answer, each checked separately, at most
 * once every few seconds per isolate (a public URL must not be a way to load the database), and
 * reporting a failure by its kind, never its message (which may carry SQL or a connection string).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { sqlState } from '../data/unavailable.ts';
import { NO_STORE } from '../edge/headers.ts';
import { TimeoutError, withTimeLimit } from '../lib/time-limit.ts';
import type { Deps } from '../platform/deps.ts';
import { newRouter } from './router.ts';

const CHECK_TIMEOUT_MS = 2_000;
/** Answers within this long of a check reuse it. */
const CHECK_EVERY_MS = 5_000;

export type Check = { ok: boolean; ms: number; error?: string };

/** A failure's kind: `timeout`, a SQLSTATE, or `unreachable`. */
const failureKind = (error: unknown) => (error instanceof TimeoutError ? 'timeout' : (sqlState(error) ?? 'unreachable'));

/** Runs `probe` within the check timeout: how it went, and its value when it answered. */
export async function measured<T>(probe: () => Promise<T>): Promise<{ check: Check; value?: T }> {
  const started = performance.now();
  try {
    const value = await withTimeLimit(probe(), CHECK_TIMEOUT_MS);
    return { check: { ok: true, ms: Math.round(performance.now() - started) }, value };
  } catch (error) {
    return { check: { ok: false, ms: Math.round(performance.now() - started), error: failureKind(error) } };
  }
}

const check = async (probe: () => Promise<unknown>): Promise<Check> => (await measured(probe)).check;

type Checks = { database: Check; redis: Check | null };
const lastChecks = new WeakMap<Deps, { at: number; checks: Promise<Checks> }>();

function checksFor(deps: Deps): Promise<Checks> {
  const last = lastChecks.get(deps);
  if (last && Date.now() - last.at < CHECK_EVERY_MS) return last.checks;
  const { db, redisClient: redis } = deps;
  const checks = Promise.all([check(() => db.execute(sql`select 1`)), redis ? check(() => redis.ping()) : Promise.resolve(null)]).then(
    ([database, cache]) => ({
      database,
      redis: cache,
    }),
  );
  lastChecks.set(deps, { at: Date.now(), checks });
  return checks;
}

export const checkResult = z.object({
  ok: z.boolean(),
  ms: z.number(),
  error: z.string().optional().describe('`timeout`, a SQLSTATE, or `unreachable`'),
});
const healthReport = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: checkResult,
    redis: z.union([checkResult, z.object({ ok: z.null(), error: z.literal('not configured') })]),
    l1: z
      .object({ entries: z.number(), bytes: z.number(), maxEntries: z.number(), maxBytes: z.number() })
      .optional()
      .describe("this isolate's L1 against its bounds"),
  })
  .openapi('Health', {
    example: {
      status: 'ok',
      database: { ok: true, ms: 3 },
      redis: { ok: true, ms: 2 },
      l1: { entries: 12, bytes: 9000, maxEntries: 5000, maxBytes: 16777216 },
    },
  });

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Service'],
  summary: 'Database and Redis reachability (checked at most every 5 s per isolate), L1 size',
  responses: {
    200: { description: 'Up', content: { 'application/json': { schema: healthReport } } },
    503: { description: 'The database does not answer', content: { 'application/json': { schema: healthReport } } },
  },
});

export const health = newRouter().openapi(healthRoute, async (c) => {
  const { tiers, config } = c.var.deps;
  const { database, redis: cache } = await checksFor(c.var.deps);
  const report = {
    status: database.ok ? ('ok' as const) : ('unavailable' as const),
    database,
    redis: cache ?? { ok: null, error: 'not configured' as const },
    // This isolate's L1, against its configured bounds.
    l1: tiers.l1 ? { ...tiers.l1.size, maxEntries: config.cache.l1.maxEntries, maxBytes: config.cache.l1.maxBytes } : undefined,
  };
  // Redis is a cache, never a gate: only the database decides whether the service is up.
  return database.ok ? c.json(report, 200, { 'cache-control': NO_STORE }) : c.json(report, 503, { 'cache-control': NO_STORE });
});

// Liveness: answers without any I/O (also the benchmark's ceiling); not part of the documented API.
health.get('/health/live', (c) => c.json({ status: 'ok' }, 200, { 'cache-control': NO_STORE }));
