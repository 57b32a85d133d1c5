/** @module Everything a request needs from outside the Worker, built once per isolate from its bindings. */
import { EdgeCache } from './cache/edge.ts';
import { MemoryCache } from './cache/memory.ts';
import { createRedis, RedisCache } from './cache/redis.ts';
import { type Config, parseConfig } from './config.ts';
import { createDatabase, type Database } from './db/client.ts';
import type { Bindings } from './env.ts';
import { type PublicUrls, publicUrls } from './openbadges/urls.ts';
import { createRateLimiters, type RateLimiters } from './rate-limit.ts';

export type Deps = {
  config: Config;
  urls: PublicUrls;
  /** Primary: writes, and reads that back an invalidation. */
  db: Database;
  /** Replica when configured, else the primary: public reads. */
  readDb: Database;
  /** L1. Its in-flight coalescing works even when storing is off (CACHE_TIERS without l1). */
  memory: MemoryCache;
  edge: EdgeCache | undefined;
  redis: RedisCache | undefined;
  /** The raw client, for health checks and rate limits. */
  redisClient: ReturnType<typeof createRedis> | undefined;
  limits: RateLimiters;
};

// Bindings are one object per isolate; keying on it lets a test with other bindings get its own set.
const built = new WeakMap<Bindings, Deps>();

export function depsFor(bindings: Bindings): Deps {
  let deps = built.get(bindings);
  if (!deps) {
    const config = parseConfig(bindings);
    const db = createDatabase(config.database.url, config.database);
    const redisClient = config.redis && createRedis(config.redis);
    deps = {
      config,
      urls: publicUrls(config.publicBaseUrl),
      db,
      readDb: config.database.readUrl === config.database.url ? db : createDatabase(config.database.readUrl, config.database),
      memory: new MemoryCache(config.cache.l1),
      edge: config.cache.tiers.edge ? new EdgeCache(caches.default) : undefined,
      redis: redisClient && config.cache.tiers.redis ? new RedisCache(redisClient) : undefined,
      redisClient,
      limits: createRateLimiters(redisClient, config),
    };
    built.set(bindings, deps);
  }
  return deps;
}
