/**
 * @module Reading records through the tiers: L1 (isolate memory) → Redis (one MGET) → the
 * database (one statement), writing back on the way up. Caches are optional, never a gate.
 */
import type { RecordSource } from './records.ts';
import type { DataScope } from './scope.ts';

/** Records by id from the nearest tier that has them; ids found nowhere are absent. */
export async function readThrough<T>(scope: DataScope, source: RecordSource<T>, ids: readonly string[]): Promise<Map<string, T>> {
  const { memory, config } = scope.deps;
  const useL1 = config.cache.tiers.l1;
  const found = new Map<string, T>();
  const missing: string[] = [];
  const due: string[] = [];
  for (const id of new Set(ids)) {
    const hit = useL1 && scope.readL1 ? memory.lookup<T>(source.key(id)) : undefined;
    if (hit === undefined) missing.push(id);
    else {
      found.set(id, hit.value);
      if (hit.refresh) due.push(id);
    }
  }
  if (found.size) scope.cache.served.add('l1');
  // A hot key is reloaded before it expires, so its readers never wait on the next tier.
  if (due.length) scope.waitUntil(loadIntoL1(scope, source, due).catch(() => undefined));
  if (!missing.length) return found;
  for (const [id, value] of await loadIntoL1(scope, source, missing)) found.set(id, value);
  return found;
}

/** Loads from Redis or the database, coalesced per ids in this isolate (stampede protection), and keeps the result in L1. */
async function loadIntoL1<T>(scope: DataScope, source: RecordSource<T>, ids: string[]): Promise<Map<string, T>> {
  const { memory, config } = scope.deps;
  const generation = memory.generation;
  const { startedAt, loaded } = await memory.coalesce(`${source.name}:${ids.join(',')}`, async () => ({
    startedAt: Date.now(),
    loaded: await readBelowL1(scope, source, ids),
  }));
  // The L1 lifetime counts from when the shared load began, so no entry outlives its bound by the load's duration.
  const l1Ms = source.l1Seconds(config) * 1000 - (Date.now() - startedAt);
  // A local write during the load may have made the values old: then they are not kept.
  if (config.cache.tiers.l1 && memory.generation === generation) {
    for (const [id, value] of loaded) memory.set(source.key(id), value, l1Ms, JSON.stringify(value).length);
  }
  return loaded;
}

async function readBelowL1<T>(scope: DataScope, source: RecordSource<T>, ids: string[]): Promise<Map<string, T>> {
  const { redis } = scope.deps;
  const result = new Map<string, T>();
  if (!redis) {
    const rows = await source.load(scope, ids);
    if (rows.size) scope.cache.served.add('db');
    return rows;
  }

  const started = performance.now();
  const { epoch, values } = await redis.read<unknown>(ids.map(source.key));
  scope.cache.redisRequests++;
  scope.cache.redisMilliseconds += performance.now() - started;

  const toLoad: string[] = [];
  const stale: string[] = [];
  values.forEach((hit, i) => {
    const id = ids[i]!;
    if (!hit) return toLoad.push(id);
    result.set(id, source.revive(hit.value));
    if (hit.stale) stale.push(id);
  });
  if (result.size) scope.cache.served.add('redis');
  if (stale.length && epoch !== undefined) scope.waitUntil(refreshStale(scope, source, stale, epoch));

  if (toLoad.length) {
    const rows = await source.load(scope, toLoad);
    scope.cache.served.add('db');
    for (const [id, value] of rows) result.set(id, value);
    if (epoch !== undefined) scope.waitUntil(writeBack(scope, source, rows, epoch));
  }
  return result;
}

function writeBack<T>(scope: DataScope, source: RecordSource<T>, rows: Map<string, T>, epoch: number) {
  const ttlSeconds = source.redisSeconds(scope.deps.config);
  return scope.deps.redis!.write(
    [...rows].map(([id, value]) => ({ key: source.key(id), value, ttlSeconds })),
    epoch,
  );
}

/** Past their soft expiry: the one request that takes the lock reloads them for everyone. */
async function refreshStale<T>(scope: DataScope, source: RecordSource<T>, ids: string[], epoch: number) {
  const redis = scope.deps.redis!;
  const mine = (await Promise.all(ids.map(async (id) => ((await redis.acquireRefreshLock(source.key(id))) ? id : undefined)))).filter(
    (id): id is string => id !== undefined,
  );
  if (!mine.length) return;
  const rows = await source.load(scope, mine).catch(() => undefined);
  if (rows) await writeBack(scope, source, rows, epoch);
}
