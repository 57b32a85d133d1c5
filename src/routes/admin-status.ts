/**
 * @module GET /admin/status: what an operator needs to know about the background work, cheaply.
 * One SQL statement (the outbox's depth and oldest row, which is also the database check), one
 * Redis command (the ops hash, `metrics/ops-state.ts`: the last drain and the last purge error,
 * which is also the Redis check), reused for 5 s per isolate and limited per address. Behind the
 * admin authentication (app.ts), for the root token only: it is about every issuer's writes.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { DataScope } from '../data/scope.ts';
import { metered } from '../db/meter.ts';
import { outboxDepth } from '../db/outbox.ts';
import { NO_STORE } from '../edge/headers.ts';
import { principalIn } from '../http/middleware/admin-auth.ts';
import { clientIp } from '../http/middleware/rate-limit.ts';
import { Problem } from '../http/problem.ts';
import { type OpsState, readOpsState } from '../metrics/ops-state.ts';
import type { Deps } from '../platform/deps.ts';
import { IsolateCount } from '../platform/limiters.ts';
import { type Check, checkResult, measured } from './health.ts';
import { newRouter } from './router.ts';
import { problems } from './schemas.ts';

/** Answers within this long of a check reuse it: the statement runs at most 12 times a minute per isolate. */
const CHECK_EVERY_MS = 5_000;
/** Status reads per address and minute in this isolate before 429. */
const PER_MINUTE = 30;

type Status = {
  outbox: { depth: number; oldestSeconds: number } | null;
  ops: OpsState | null;
  database: Check;
  redis: Check | null;
  checkedAt: string;
};

const lastStatus = new WeakMap<Deps, { at: number; status: Promise<Status> }>();
const limits = new WeakMap<Deps, IsolateCount>();

/** The status, read in `scope` (its statement and Redis command counted there), or the one read within the last 5 s. */
function statusFor(deps: Deps, scope: DataScope): Promise<Status> {
  const last = lastStatus.get(deps);
  if (last && Date.now() - last.at < CHECK_EVERY_MS) return last.status;
  const { db, redisClient: redis } = deps;
  const countedRedis = <T>(work: Promise<T>) => work.finally(() => void scope.cache.redisRequests++);
  const status = Promise.all([
    measured(() => metered(scope.meter, 1, () => outboxDepth(db))),
    redis ? measured(() => countedRedis(readOpsState(redis))) : undefined,
  ]).then(
    ([outbox, ops]): Status => ({
      outbox: outbox.value ?? null,
      ops: ops?.value ?? null,
      database: outbox.check,
      redis: ops?.check ?? null,
      checkedAt: new Date().toISOString(),
    }),
  );
  lastStatus.set(deps, { at: Date.now(), status });
  return status;
}

const when = z.iso.datetime().describe('ISO 8601');
const adminStatusReport = z
  .object({
    version: z
      .object({ id: z.string(), tag: z.string(), timestamp: z.string() })
      .nullable()
      .describe('the deployed Worker version (CF_VERSION_METADATA); null where there is none (local runs)'),
    outbox: z
      .object({ depth: z.number().int(), oldestSeconds: z.number().int().describe('age of the oldest row; 0 when empty') })
      .nullable()
      .describe('cache outbox rows waiting; null when the database did not answer'),
    lastDrain: z
      .object({ at: when, applied: z.number().int(), done: z.boolean(), depth: z.number().int(), oldestSeconds: z.number().int() })
      .nullable()
      .describe("the Cron Trigger's last outbox drain (kept in Redis); null when unknown"),
    lastPurgeError: z
      .object({ at: when, by: z.enum(['request', 'drain']), tags: z.number().int(), reason: z.literal('refused') })
      .nullable()
      .describe('the last edge purge that failed (kept in Redis); null when none is known'),
    database: checkResult,
    redis: z.union([checkResult, z.object({ ok: z.null(), error: z.literal('not configured') })]),
    checkedAt: when.describe('when these were read (reused for 5 s per isolate)'),
  })
  .openapi('AdminStatus', {
    example: {
      version: { id: '2f3c9a4e-0000-4000-8000-000000000000', tag: '', timestamp: '2026-12-02T14:00:00.000Z' },
      outbox: { depth: 0, oldestSeconds: 0 },
      lastDrain: { at: '2026-12-02T14:59:00.000Z', applied: 0, done: true, depth: 0, oldestSeconds: 0 },
      lastPurgeError: null,
      database: { ok: true, ms: 4 },
      redis: { ok: true, ms: 2 },
      checkedAt: '2026-12-02T15:00:00.000Z',
    },
  });

const statusRoute = createRoute({
  method: 'get',
  path: '/admin/status',
  tags: ['Admin'],
  security: [{ adminToken: [] }],
  summary:
    '(root token only) Outbox depth and oldest row, the last drain and purge error, database and Redis reachability, the build version',
  responses: {
    200: {
      description: 'The status (also when a dependency is down: see its check)',
      content: { 'application/json': { schema: adminStatusReport } },
    },
    ...problems(401, 403, 429, 503),
  },
});

export const adminStatus = newRouter().openapi(statusRoute, async (c) => {
  if (principalIn(c).kind !== 'root') throw new Problem(403, 'root_only', 'Only the root ADMIN_TOKEN reads the status.');
  const { deps } = c.var;
  const limit = limits.get(deps) ?? new IsolateCount(PER_MINUTE);
  limits.set(deps, limit);
  const address = clientIp(c);
  const left = limit.remaining(address);
  if (left.remaining <= 0)
    throw new Problem(429, 'rate_limited', 'Too many status reads from this address; try again later.', {
      'retry-after': String(Math.max(1, Math.ceil((left.reset - Date.now()) / 1000))),
    });
  limit.record(address);
  const status = await statusFor(deps, c.var.scope);
  const version = c.env.CF_VERSION_METADATA;
  return c.json(
    {
      version: version ? { id: version.id, tag: version.tag, timestamp: version.timestamp } : null,
      outbox: status.outbox,
      lastDrain: status.ops?.lastDrain ?? null,
      lastPurgeError: status.ops?.lastPurgeError ?? null,
      database: status.database,
      redis: status.redis ?? { ok: null, error: 'not configured' as const },
      checkedAt: status.checkedAt,
    },
    200,
    { 'cache-control': NO_STORE },
  );
});
