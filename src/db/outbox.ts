/** @module The cache outbox's own statements: what is still pending, and settling what was applied. */
import { and, lt, max, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { cacheOutbox, type RecordKind } from './schema.ts';

/** A record a committed write changed, at the version the caches must reach. */
export type OutboxEntry = { kind: RecordKind; id: string; version: number };

/** Records whose outbox rows are older than `olderThanSeconds` (their writer's own apply failed or died), one row per record. */
export function loadPendingOutbox(db: Database, olderThanSeconds: number, limit: number): Promise<OutboxEntry[]> {
  return db
    .select({ kind: cacheOutbox.recordKind, id: cacheOutbox.recordId, version: max(cacheOutbox.version).mapWith(Number) })
    .from(cacheOutbox)
    .where(and(lt(cacheOutbox.createdAt, sql`now() - make_interval(secs => ${olderThanSeconds})`)))
    .groupBy(cacheOutbox.recordKind, cacheOutbox.recordId)
    .limit(limit) as Promise<OutboxEntry[]>;
}

/** Deletes the rows that `applied` covers (same record, version at or below): one statement. */
export async function settleOutbox(db: Database, applied: readonly OutboxEntry[]): Promise<void> {
  if (!applied.length) return;
  await db.execute(sql`delete from ${cacheOutbox} o
    using unnest(${sql.param(applied.map((e) => e.kind))}::text[], ${sql.param(applied.map((e) => e.id))}::text[], ${sql.param(applied.map((e) => String(e.version)))}::bigint[]) as s(kind, id, version)
    where o.record_kind = s.kind and o.record_id = s.id and o.version <= s.version`);
}

/** How many outbox rows wait, and the age of the oldest in seconds (0 when none): one statement, a scan of a table that stays small. */
export async function outboxDepth(db: Database): Promise<{ depth: number; oldestSeconds: number }> {
  const result = await db.execute<{ depth: number | string; oldest: number | string }>(
    sql`select count(*)::int as depth, coalesce(extract(epoch from now() - min(${cacheOutbox.createdAt})), 0)::float8 as oldest from ${cacheOutbox}`,
  );
  const row = result.rows[0];
  return { depth: Number(row?.depth ?? 0), oldestSeconds: Math.max(0, Math.round(Number(row?.oldest ?? 0))) };
}
