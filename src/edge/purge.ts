/**
 * @module Purging the edge (Workers Cache) by tag: `ctx.cache.purge` where the platform has it,
 * the local stand-in's endpoint when configured (workerd has no Workers Cache), nothing otherwise.
 * Cloudflare takes at most 100 tags a call and answers `success: false` (not an error) when it
 * rate-limits a purge: both come back here as "not purged", and the outbox retries.
 */

/** Purges every tag; true only when every call succeeded. */
export type EdgePurge = (tags: readonly string[]) => Promise<boolean>;

const MAX_TAGS_PER_CALL = 100;

type PurgeCall = (tags: string[]) => Promise<boolean>;

function batched(call: PurgeCall): EdgePurge {
  return async (tags) => {
    const unique = [...new Set(tags)];
    let purged = true;
    for (let i = 0; i < unique.length; i += MAX_TAGS_PER_CALL) {
      // Sequential: each call counts against the same small rate limit.
      purged = (await call(unique.slice(i, i + MAX_TAGS_PER_CALL)).catch(() => false)) && purged;
    }
    return purged;
  };
}

/** The purge of this deployment: the platform's when `ctx.cache` exists, else the stand-in's at `standInUrl`. */
export function edgePurgeFor(ctx: Pick<ExecutionContext, 'cache'> | undefined, standInUrl: string | undefined): EdgePurge | undefined {
  const platform = ctx?.cache;
  if (platform) return batched(async (tags) => (await platform.purge({ tags })).success);
  if (standInUrl) {
    return batched(async (tags) => {
      const response = await fetch(standInUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tags }),
      });
      return response.ok && ((await response.json()) as { success?: unknown }).success === true;
    });
  }
  return undefined;
}

/** `purge`, each call counted in `counts` (failures too) and a failure told to `onFailure` with its number of tags. */
export function countedPurge(
  purge: EdgePurge | undefined,
  counts: { purges: number; purgeFailures: number },
  onFailure: (tags: number) => void,
): EdgePurge | undefined {
  if (!purge) return undefined;
  return async (tags) => {
    const purged = await purge(tags);
    counts.purges++;
    if (!purged) {
      counts.purgeFailures++;
      onFailure(tags.length);
    }
    return purged;
  };
}
