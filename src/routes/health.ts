/** @module GET /health: whether the database and Redis answer, each checked separately. */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { withTimeLimit } from '../time-limit.ts';

const CHECK_TIMEOUT_MS = 2_000;

type Check = { ok: boolean; ms: number; error?: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeLimit(probe(), CHECK_TIMEOUT_MS);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

export const health = new Hono<AppEnv>()
  // Liveness: answers without any I/O (also the benchmark's ceiling).
  .get('/health/live', (c) => c.json({ status: 'ok' }, 200, { 'cache-control': 'no-store' }))
  .get('/health', async (c) => {
  const { db, redisClient: redis, tiers, config } = c.var.deps;
  const [database, cache] = await Promise.all([
    check(() => db.execute(sql`select 1`)),
    redis ? check(() => redis.ping()) : Promise.resolve(null),
  ]);
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
