/** @module Everything a request needs from outside the Worker, built once per isolate from its bindings. */
import { Coalescer } from './cache/coalesce.ts';
import { recordKeyPrefix } from './cache/keys.ts';
import { MemoryCache } from './cache/memory.ts';
import { createRedis, RedisRecords } from './cache/redis.ts';
import { type Config, parseConfig } from './config.ts';
import { type IssuerDids, issuerDids } from './credentials/issuer-dids.ts';
import { createDatabase, type Database } from './db/client.ts';
import type { Bindings } from './env.ts';
import { type PublicUrls, publicUrls } from './openbadges/urls.ts';
import { createRateLimiters, type RateLimiters } from './rate-limit.ts';

/** The record caches, nearest first; a tier that is off is absent. */
export type Tiers = { l1?: MemoryCache; redis?: RedisRecords };

export type Deps = {
  config: Config;
  urls: PublicUrls;
  /** How OB 3.0 documents name their issuers and keys. */
  dids: IssuerDids;
  /** Primary: writes, the outbox, and reads Redis could not fence. */
  db: Database;
  /** Replica when configured, else the primary: public reads behind a Redis that answered. */
  readDb: Database;
  tiers: Tiers;
  /** Concurrent loads of the same records in this isolate share one call (on even with L1 off). */
  inFlight: Coalescer;
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
    const { l1, redisTtlSeconds, tiers } = config.cache;
    deps = {
      config,
      urls: publicUrls(config.publicBaseUrl),
      dids: issuerDids(config.issuerDidMethod, config.publicBaseUrl),
      db,
      readDb: config.database.readUrl === config.database.url ? db : createDatabase(config.database.readUrl, config.database),
      tiers: {
        l1: tiers.l1 ? new MemoryCache({ ...l1, indexedPrefixes: [recordKeyPrefix.badge, recordKeyPrefix.issuer] }) : undefined,
        redis: redisClient && tiers.redis ? new RedisRecords(redisClient, redisTtlSeconds) : undefined,
      },
      inFlight: new Coalescer(),
      redisClient,
      limits: createRateLimiters(redisClient, config),
    };
    built.set(bindings, deps);
  }
  return deps;
}
