import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/cache/memory.ts';

describe('MemoryCache (L1)', () => {
  it('evicts the least recently used entry past its entry bound', () => {
    const cache = new MemoryCache({ maxEntries: 2, maxBytes: 1_000 });
    cache.set('a', 1, 10_000, 1);
    cache.set('b', 2, 10_000, 1);
    cache.get('a'); // a is now the most recent
    cache.set('c', 3, 10_000, 1);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('stays within its byte bound and refuses an entry larger than it', () => {
    const cache = new MemoryCache({ maxEntries: 100, maxBytes: 10 });
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key, 10_000, 4);
    expect(cache.size.bytes).toBeLessThanOrEqual(10);
    cache.set('huge', 'x', 10_000, 11);
    expect(cache.get('huge')).toBeUndefined();
  });

  it('expires entries after their TTL and asks for a refresh past half of it', () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1_000 });
    const now = Date.now();
    cache.set('k', 'v', 1_000, 1);
    expect(cache.lookup('k', now + 100)).toEqual({ value: 'v', refresh: false });
    expect(cache.lookup('k', now + 600)).toEqual({ value: 'v', refresh: true });
    expect(cache.lookup('k', now + 1_100)).toBeUndefined();
    expect(cache.size.entries).toBe(0);
  });

  it('coalesces concurrent loads of one key into one call', async () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1_000 });
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return 'loaded';
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.coalesce('k', load)));
    expect(results.every((r) => r === 'loaded')).toBe(true);
    expect(calls).toBe(1);
  });

  it('moves to a new generation on invalidation and drops keys by prefix', () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1_000 });
    cache.set('v1:bundle:a', 1, 10_000, 1);
    cache.set('v1:issuer:x', 2, 10_000, 1);
    const before = cache.generation;
    cache.invalidate([], ['v1:bundle:']);
    expect(cache.generation).toBe(before + 1);
    expect([cache.get('v1:bundle:a'), cache.get('v1:issuer:x')]).toEqual([undefined, 2]);
  });
});
