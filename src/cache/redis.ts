/**
 * @module L2: Upstash Redis holding versioned records for a long time. A read is one script
 * call (the records asked for, plus the definitions they name); a write is one compare-and-set
 * script call that never replaces a newer version. Every failure is reported and answers
 * "unknown", so the caller falls through to the database.
 */
import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from '../platform/config.ts';
import { recordKeyPrefix } from './keys.ts';
import { GET_VALUE, SET_VALUE } from './lua/immutable-values.ts';
import { READ_RECORDS } from './lua/read-records.ts';
import { WRITE_NEWER } from './lua/write-newer.ts';
import { reportCacheFailure } from './report.ts';

/** What this tier needs of a Redis client: scripts only, so tests can wrap the real one. */
export type RedisClient = Pick<Redis, 'createScript'>;

export function createRedis(redis: NonNullable<Config['redis']>): Redis {
  return new Redis({
    url: redis.url,
    token: redis.token,
    // A cache that is slow is worse than none: fail fast and fall through to the database.
    signal: () => AbortSignal.timeout(redis.timeoutMs),
    retry: { retries: 1, backoff: () => 0 },
    // Commands of one request are sent together explicitly (one script call), never by accident.
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
}

/** Stored values by key; a key that holds nothing is absent. */
export type StoredValues = Map<string, string>;

/** At most this many versions Redis has not confirmed are remembered (a batch of 1,000 awards with Redis down is 1,000). */
const MAX_UNCONFIRMED = 10_000;

/**
 * Versions of records this isolate wrote (or read from the database) that Redis failed to take:
 * until Redis shows it holds one, its copy of that key may be older (the outbox has not been
 * applied yet), so readers here take the key from the primary instead. Bounded: past
 * `MAX_UNCONFIRMED` the oldest are let go.
 */
export class UnconfirmedVersions {
  readonly #versions = new Map<string, number>(); // insertion order = age

  get size() {
    return this.#versions.size;
  }

  /** Redis may hold something older than `version` under `key`. */
  note(key: string, version: number): void {
    const known = this.#versions.get(key);
    if (known !== undefined && known >= version) return;
    this.#versions.delete(key);
    this.#versions.set(key, version);
    for (const oldest of this.#versions.keys()) {
      if (this.#versions.size <= MAX_UNCONFIRMED) break;
      this.#versions.delete(oldest);
    }
  }

  /** Redis holds `version` (or newer) under `key`: what it has is as new as anything noted up to there. */
  confirm(key: string, version: number): void {
    const known = this.#versions.get(key);
    if (known !== undefined && known <= version) this.#versions.delete(key);
  }

  /** The version Redis has not confirmed under `key`, if any: a copy older than this is stale. */
  of(key: string): number | undefined {
    return this.#versions.get(key);
  }
}

export class RedisRecords {
  readonly #read;
  readonly #write;
  readonly #getValue;
  readonly #setValue;
  /** Records this isolate knows newer than Redis may hold (kept by the data tiers, `src/data/tiers.ts`). */
  readonly unconfirmed = new UnconfirmedVersions();
  /** Set by a failure, cleared by the first success after it (see `takeRecovery`). */
  #failed = false;
  #recovered = false;

  constructor(
    client: RedisClient,
    /** How long a record lives without being rewritten: a safety net, not the freshness mechanism. */
    readonly ttlSeconds: number,
  ) {
    this.#read = client.createScript<Array<string | null>>(READ_RECORDS);
    this.#write = client.createScript<number>(WRITE_NEWER);
    this.#getValue = client.createScript<string | null>(GET_VALUE);
    this.#setValue = client.createScript<string>(SET_VALUE);
  }

  /**
   * One round trip: `keys`, and the badge classes and issuers that assertions among them name,
   * except those in `held`. Undefined when Redis failed (then nothing is known).
   */
  async read(keys: readonly string[], held: readonly string[] = []): Promise<StoredValues | undefined> {
    if (!keys.length) return new Map();
    return this.#attempt('read', undefined, async () => {
      const reply = await this.#read.exec([...keys], [recordKeyPrefix.badge, recordKeyPrefix.issuer, ...held]);
      const values: StoredValues = new Map();
      keys.forEach((key, i) => {
        const value = reply[i];
        if (typeof value === 'string') values.set(key, value);
      });
      for (let i = keys.length; i + 1 < reply.length; i += 2) {
        const value = reply[i + 1];
        if (typeof value === 'string') values.set(String(reply[i]), value);
      }
      return values;
    });
  }

  /** Stores every encoded record over an older version (one round trip); false when Redis failed. */
  async write(entries: ReadonlyArray<{ key: string; value: string }>, ttlSeconds = this.ttlSeconds): Promise<boolean> {
    if (!entries.length) return true;
    return this.#attempt('write', false, async () => {
      await this.#write.exec(
        entries.map((entry) => entry.key),
        [String(ttlSeconds), ...entries.map((entry) => entry.value)],
      );
      return true;
    });
  }

  /**
   * A value that never changes under its key: the string, null when absent, undefined when Redis
   * failed. Store no bare JSON: the client would hand it back parsed (read here as absent).
   */
  readValue(key: string): Promise<string | null | undefined> {
    return this.#attempt('read', undefined, async () => {
      const value = await this.#getValue.exec([key], []);
      return typeof value === 'string' ? value : null;
    });
  }

  /** Stores a value that never changes under its key; false when Redis failed. */
  writeValue(key: string, value: string, ttlSeconds = this.ttlSeconds): Promise<boolean> {
    return this.#attempt('write', false, async () => {
      await this.#setValue.exec([key], [value, String(ttlSeconds)]);
      return true;
    });
  }

  /** Runs one round trip: a failure is reported, remembered (see `takeRecovery`) and answered with `failed`. */
  async #attempt<T, F>(operation: 'read' | 'write', failed: F, call: () => Promise<T>): Promise<T | F> {
    try {
      const result = await call();
      this.#succeeded();
      return result;
    } catch (error) {
      this.#failed = true;
      reportCacheFailure('redis', operation, error);
      return failed;
    }
  }

  #succeeded() {
    if (this.#failed) this.#recovered = true;
    this.#failed = false;
  }

  /** True once after Redis answered again following a failure: writes made meanwhile may wait in the outbox. */
  takeRecovery(): boolean {
    const recovered = this.#recovered;
    this.#recovered = false;
    return recovered;
  }
}
