/** @module The one place a cache failure is reported: caches are optional, so a failure is logged and the caller falls through. */

export type CacheTierName = 'l1' | 'redis';

/** Logs `error` as a failed `operation` of `tier` (never a value or a key's data). */
export function reportCacheFailure(tier: CacheTierName, operation: string, error: unknown): void {
  console.warn(`cache ${tier} ${operation} failed: ${error instanceof Error ? error.message : String(error)}`);
}
