/**
 * @module Remote documents in the record tiers. L1 keeps a copy only while it is fresh; Redis keeps
 * it past that (for revalidation, and a definition's stale-if-error) as `version|json`, the version
 * being when the answer was received, written compare-and-set so an older fetch never replaces a
 * newer copy. Every Redis call is metered in the request's trace; a Redis failure reads as a miss.
 */
import { type DataScope, inBackground } from '../data/scope.ts';
import { readValueFromRedis, writeNewerToRedis } from '../data/tiers.ts';
import type { RemoteStore, StoredDocument } from './fetcher.ts';

/** When the answer (or the 304 that renewed it) was received, in ms: the copy's version. */
const versionOf = (stored: StoredDocument) => stored.policy.t;

const encode = (stored: StoredDocument) => `${versionOf(stored)}|${JSON.stringify(stored)}`;

function decode(value: string): StoredDocument | undefined {
  try {
    const stored = JSON.parse(value.slice(value.indexOf('|') + 1)) as StoredDocument;
    return typeof stored.document?.body === 'string' && stored.policy?.v === 1 ? stored : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What remote documents may take of Redis: a copy above MAX_REDIS_COPY_BYTES stays in L1 only, and
 * one client request writes at most MAX_REDIS_BYTES_PER_REQUEST (a batch of large documents
 * cannot fill the database every isolate shares).
 */
export const MAX_REDIS_COPY_BYTES = 256 * 1024;
export const MAX_REDIS_BYTES_PER_REQUEST = 1024 * 1024;
/**
 * Redis calls (reads and writes) remote documents may make in one client request: each is a
 * subrequest, and with the fetcher's MAX_REMOTE_REQUESTS_PER_REQUEST a request stays under the
 * 50 a Workers Free plan request may make. Past it a read is a miss and a copy stays in L1.
 */
export const MAX_REDIS_CALLS_PER_REQUEST = 16;
const writtenByRequest = new WeakMap<DataScope, number>();
const callsByRequest = new WeakMap<DataScope, number>();
/** Whether this request may make one more Redis call for remote documents; counts it when it may. */
function mayCallRedis(scope: DataScope): boolean {
  const calls = callsByRequest.get(scope) ?? 0;
  if (calls >= MAX_REDIS_CALLS_PER_REQUEST) return false;
  callsByRequest.set(scope, calls + 1);
  return true;
}

export function remoteStoreOf(scope: DataScope): RemoteStore {
  const { l1 } = scope.deps.tiers;
  return {
    inMemory: (key) => l1?.lookup<StoredDocument>(key)?.value,
    async inRedis(key) {
      if (!mayCallRedis(scope)) return undefined;
      const value = await readValueFromRedis(scope, key);
      return value ? decode(value) : undefined;
    },
    keep(key, stored, freshForMs, redisSeconds) {
      l1?.set(key, stored, versionOf(stored), freshForMs, stored.document.body.length);
      if (redisSeconds === undefined) return;
      const value = encode(stored);
      const written = (writtenByRequest.get(scope) ?? 0) + value.length;
      if (value.length > MAX_REDIS_COPY_BYTES || written > MAX_REDIS_BYTES_PER_REQUEST || !mayCallRedis(scope)) return;
      writtenByRequest.set(scope, written);
      inBackground(scope, 'remote document write', writeNewerToRedis(scope, [{ key, value }], Math.ceil(redisSeconds)));
    },
  };
}
