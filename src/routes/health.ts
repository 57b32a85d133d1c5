/**
 * @module GET /health: whether the database and Redis answer, each checked separately, at most
 * once every few seconds per isolate (a public URL must not be a way to load the database), and
 * reporting a failure by its kind, never its message (which may carry SQL or a connection string).
 */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { sqlState } from '../data/unavailable.ts';
import type { Deps } from '../deps.ts';
import { TimeoutError, withTimeLimit } from '../time-limit.ts';

const CHECK_TIMEOUT_MS = 2_000;
/** Answers within this long of a check reuse it. */
const CHECK_EVERY_MS = 5_000;

type Check = { ok: boolean; ms: number; error?: string };

/** A failure's kind: `timeout`, a SQLSTATE, or `unreachable`. */
const failureKind = (error: unknown) => (error instanceof TimeoutError ? 'timeout' : (sqlState(error) ?? 'unreachable'));

async function check(probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeLimit(probe(), CHECK_TIMEOUT_MS);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: failureKind(error) };
  }
}

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

export const health = new Hono<AppEnv>()
  // Liveness: answers without any I/O (also the benchmark's ceiling).
  .get('/health/live', (c) => c.json({ status: 'ok' }, 200, { 'cache-control': 'no-store' }))
  .get('/health', async (c) => {
    const { tiers, config } = c.var.deps;
    const { database, redis: cache } = await checksFor(c.var.deps);
    // Redis is a cache, never a gate: only the database decides whether the service is up.
    const status = database.ok ? 200 : 503;
    c.header('cache-control', 'no-store');
    return c.json(
      {
        status: database.ok ? 'ok' : 'unavailable',
        database,
        redis: cache ?? { ok: null, error: 'not configured' },
        // This isolate's L1, against its configured bounds.
        l1: tiers.l1 && { ...tiers.l1.size, maxEntries: config.cache.l1.maxEntries, maxBytes: config.cache.l1.maxBytes },
      },
      status,
    );
  });
