/**
 * @module After a committed write, in this order: Redis (keys dropped, epoch bumped; awaited),
 * the edge tier in this data centre, then L1 in this isolate. The freshness contract in the
 * README follows from this order and the tiers' lifetimes.
 */
import { BUNDLE_PREFIX, cacheKeys, edgeKeysFor } from '../cache/keys.ts';
import type { DataScope } from './scope.ts';

/** What a write changed. Definitions (issuers, badge classes) are copied into every bundle. */
export type Touched = { issuers?: string[]; badges?: string[]; assertions?: string[] };

export type InvalidationResult = { redis: 'done' | 'failed' | 'off' };

function paths(touched: Touched): string[] {
  return [
    ...(touched.issuers ?? []).flatMap((id) => [`/issuers/${id}`, `/issuers/${id}/revocations`]),
    ...(touched.badges ?? []).flatMap((id) => [`/badges/${id}`, `/badges/${id}/image`]),
    ...(touched.assertions ?? []).flatMap((id) => [`/assertions/${id}`, `/assertions/${id}/verify`, `/assertions/${id}/image`]),
  ];
}

export async function invalidateAfterWrite(scope: DataScope, touched: Touched, definitionsChanged: boolean): Promise<InvalidationResult> {
  const { redis, edge, memory, config } = scope.deps;
  const keys = [...(touched.issuers ?? []).map(cacheKeys.issuer), ...(touched.badges ?? []).map(cacheKeys.badge), ...(touched.assertions ?? []).map(cacheKeys.bundle)];

  let result: InvalidationResult = { redis: 'off' };
  if (redis) {
    try {
      await redis.invalidate(keys);
      result = { redis: 'done' };
    } catch (error) {
      // The write is committed; the epoch bump is retried once in the background, and the
      // Redis TTLs bound the staleness if that fails too.
      console.warn(`redis invalidation failed after a committed write: ${(error as Error).message}`);
      scope.waitUntil(redis.invalidate(keys).catch(() => undefined));
      result = { redis: 'failed' };
    }
  }
  await edge?.delete(edgeKeysFor(config.publicBaseUrl, paths(touched)), definitionsChanged);
  memory.invalidate(keys, definitionsChanged ? [BUNDLE_PREFIX] : []);
  return result;
}
