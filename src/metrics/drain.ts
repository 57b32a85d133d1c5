/**
 * @module After a Cron Trigger's drain of the cache outbox: the depth left (one statement), kept
 * in the ops hash for `GET /admin/status`, logged as one JSON line and written to the metrics sink
 * (the README's "outbox depth over time" reads these points).
 */
import { readQuery } from '../data/query.ts';
import type { DataScope } from '../data/scope.ts';
import { outboxDepth } from '../db/outbox.ts';
import { noteDrain, type OpsRedis } from './ops-state.ts';
import { reportPoint } from './report.ts';
import type { MetricsSink } from './types.ts';

export async function reportDrain(
  scope: DataScope,
  run: { applied: number; done: boolean; startedAt: number },
  redis: OpsRedis | undefined,
  sink: MetricsSink | undefined,
): Promise<void> {
  const { depth, oldestSeconds } = await readQuery(scope, outboxDepth, scope.deps.db).catch(() => ({ depth: -1, oldestSeconds: -1 }));
  const at = new Date().toISOString();
  // One Redis command a run, outside the meter (the ops hash is no record tier).
  if (redis)
    await noteDrain(redis, { at, applied: run.applied, done: run.done, depth, oldestSeconds }).catch((error: unknown) =>
      console.warn(`drain note failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  const { meter, cache } = scope;
  await reportPoint(
    {
      kind: 'drain',
      applied: run.applied,
      done: run.done,
      depth,
      oldestSeconds,
      statements: meter.statements,
      redisCalls: cache.redisRequests,
      purge: !cache.purges ? 'none' : cache.purgeFailures ? 'failed' : 'done',
      durationMs: performance.now() - run.startedAt,
    },
    sink,
  );
}
