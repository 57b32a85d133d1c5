/** @module Everything a request needs from outside the Worker, built once per isolate from its bindings. */
import { createRedis } from './cache/redis.ts';
import { type Config, parseConfig } from './config.ts';
import { createDatabase, type Database } from './db/client.ts';
import type { Bindings } from './env.ts';

export type Deps = {
  config: Config;
  /** Primary: writes, and reads that back an invalidation. */
  db: Database;
  /** Replica when configured, else the primary: public reads. */
  readDb: Database;
  redis: ReturnType<typeof createRedis> | undefined;
};

// Bindings are one object per isolate; the cache keys on it so a test's changed env rebuilds.
const built = new WeakMap<Bindings, Deps>();

export function depsFor(bindings: Bindings): Deps {
  let deps = built.get(bindings);
  if (!deps) {
    const config = parseConfig(bindings);
    const db = createDatabase(config.database.url, config.database);
    deps = {
      config,
      db,
      readDb: config.database.readUrl === config.database.url ? db : createDatabase(config.database.readUrl, config.database),
      redis: config.redis && createRedis(config.redis),
    };
    built.set(bindings, deps);
  }
  return deps;
}
