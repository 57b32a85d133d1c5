/**
 * @module L1: a bounded LRU in isolate memory (entries and bytes), per-entry TTL, and in-flight
 * coalescing so concurrent misses for one key make one call to the next tier.
 */

export type MemoryCacheOptions = {
  maxEntries: number;
  /** Rough bound on the cached values' size (their JSON length). */
  maxBytes: number;
};

type Entry = { value: unknown; expiresAt: number; refreshAt: number; bytes: number };

/** An entry past half its TTL is still served, and reloaded in the background (refresh-ahead). */
const REFRESH_AHEAD_FRACTION = 0.5;

export class MemoryCache {
  readonly #entries = new Map<string, Entry>(); // insertion order = recency order
  readonly #inFlight = new Map<string, Promise<unknown>>();
  #bytes = 0;
  #generation = 0;

  constructor(readonly options: MemoryCacheOptions) {}

  get size() {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  get<T>(key: string, now = Date.now()): T | undefined {
    return this.lookup<T>(key, now)?.value;
  }

  /** The live value of `key` and whether it is due for a background reload. */
  lookup<T>(key: string, now = Date.now()): { value: T; refresh: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= now) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return { value: entry.value as T, refresh: now >= entry.refreshAt };
  }

  /** Whether `key` holds a live entry, without touching its recency. */
  has(key: string, now = Date.now()): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAt > now;
  }

  set(key: string, value: unknown, ttlMs: number, bytes: number): void {
    this.delete(key);
    if (ttlMs <= 0 || bytes > this.options.maxBytes) return;
    const now = Date.now();
    this.#entries.set(key, { value, expiresAt: now + ttlMs, refreshAt: now + ttlMs * REFRESH_AHEAD_FRACTION, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.options.maxEntries && this.#bytes <= this.options.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Changes on every invalidation: a load that began under an older generation must not be kept. */
  get generation() {
    return this.#generation;
  }

  /** After a write: drops `keys` and every key under `prefixes`, and lets running loads finish unshared. */
  invalidate(keys: readonly string[], prefixes: readonly string[] = []): void {
    this.#generation++;
    this.#inFlight.clear();
    for (const key of keys) this.delete(key);
    if (prefixes.length) for (const key of [...this.#entries.keys()]) if (prefixes.some((p) => key.startsWith(p))) this.delete(key);
  }

  /** Runs `load` once for all concurrent callers of one key; later callers share its promise. */
  coalesce<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const promise = load().finally(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, promise);
    return promise;
  }
}
