/**
 * @module L1: a bounded LRU of versioned records in isolate memory (entries and bytes), with a
 * short per-entry lifetime: the bound on how long another isolate's write can go unseen here.
 */

export type MemoryCacheOptions = {
  maxEntries: number;
  /** Rough bound on the cached values' size (their stored length). */
  maxBytes: number;
  /** Keys under these prefixes are listed by `freshKeys` (definitions: few, and named in every read). */
  indexedPrefixes?: readonly string[];
};

type Entry = { value: unknown; version: number; expiresAt: number; refreshAt: number; bytes: number };

/** An entry past half its lifetime is still served, and reloaded in the background (refresh-ahead). */
const REFRESH_AHEAD_FRACTION = 0.5;

export class MemoryCache {
  readonly #entries = new Map<string, Entry>(); // insertion order = recency order
  readonly #indexed = new Set<string>();
  #bytes = 0;

  constructor(readonly options: MemoryCacheOptions) {}

  get size() {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  /** The live value of `key` and whether it is due for a background reload; refreshes its recency. */
  lookup<T>(key: string, now = Date.now()): { value: T; refresh: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return { value: entry.value as T, refresh: now >= entry.refreshAt };
  }

  /** Whether `key` is live and not yet due for a reload, without touching its recency. */
  holdsFresh(key: string, now = Date.now()): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.refreshAt > now;
  }

  /** Keeps `value` for `ttlMs` unless a live entry of a newer version is here already. */
  set(key: string, value: unknown, version: number, ttlMs: number, bytes: number, now = Date.now()): void {
    const current = this.#entries.get(key);
    if (current && current.expiresAt > now && current.version > version) return;
    this.delete(key);
    if (ttlMs <= 0 || bytes > this.options.maxBytes) return;
    this.#entries.set(key, { value, version, expiresAt: now + ttlMs, refreshAt: now + ttlMs * REFRESH_AHEAD_FRACTION, bytes });
    this.#bytes += bytes;
    if (this.options.indexedPrefixes?.some((prefix) => key.startsWith(prefix))) this.#indexed.add(key);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.options.maxEntries && this.#bytes <= this.options.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#indexed.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Up to `limit` indexed keys that are live and not due for a reload. */
  freshKeys(limit: number, now = Date.now()): string[] {
    const keys: string[] = [];
    for (const key of this.#indexed) {
      if (keys.length >= limit) break;
      if (this.holdsFresh(key, now)) keys.push(key);
    }
    return keys;
  }
}
