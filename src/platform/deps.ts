/** @module Everything a request needs from outside the Worker, built once per isolate from its bindings. */
import { Coalescer } from '../cache/coalesce.ts';
import { recordKeyPrefix } from '../cache/keys.ts';
import { MemoryCache } from '../cache/memory.ts';
import { createRedis, RedisRecords } from '../cache/redis.ts';
import { issuerDids } from '../credentials/issuer-dids.ts';
import type { DataDeps } from '../data/scope.ts';
import { statusListUpkeep } from '../data/signing/status-lists.ts';
import { createDatabase } from '../db/client.ts';
import { analyticsEngineSink } from '../metrics/analytics-engine.ts';
import { localSink } from '../metrics/local.ts';
import type { MetricsSink } from '../metrics/types.ts';
import { publicUrls } from '../openbadges/urls.ts';
import { RemoteFetcher } from '../remote/fetcher.ts';
import { parseConfig } from './config.ts';
import type { Bindings } from './env.ts';
import { createRateLimiters, type RateLimiters } from './limiters.ts';

/** What data access needs, and what the HTTP layer needs besides. */
export type Deps = DataDeps & {
  /** The raw client, for health checks and rate limits. */
  redisClient: ReturnType<typeof createRedis> | undefined;
  limits: RateLimiters;
  /** Where request and drain metrics go: Analytics Engine (`METRICS`), the local collector, or nowhere. */
  metrics: MetricsSink | undefined;
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
      statusLists: statusListUpkeep,
      remote: new RemoteFetcher(config.remote, `badge-verify/0.1 (+${config.publicBaseUrl})`),
      redisClient,
      limits: createRateLimiters(redisClient, config),
      metrics: bindings.METRICS
        ? analyticsEngineSink(bindings.METRICS)
        : config.metricsLocalUrl
          ? localSink(config.metricsLocalUrl)
          : undefined,
    };
    built.set(bindings, deps);
  }
  return deps;
}
