import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/cache/coalesce.ts';
import { MemoryCache } from '../../src/cache/memory.ts';

const value = (cache: MemoryCache, key: string) => cache.lookup(key)?.value;

describe('MemoryCache (L1)', () => {
  it('evicts the least recently used entry past its entry bound', () => {
    const cache = new MemoryCache({ maxEntries: 2, maxBytes: 1_000 });
    cache.set('a', 1, 1, 10_000, 1);
    cache.set('b', 2, 1, 10_000, 1);
    cache.lookup('a'); // a is now the most recent
    cache.set('c', 3, 1, 10_000, 1);
    expect([value(cache, 'a'), value(cache, 'b'), value(cache, 'c')]).toEqual([1, undefined, 3]);
  });

  it('stays within its byte bound and refuses an entry larger than it', () => {
    const cache = new MemoryCache({ maxEntries: 100, maxBytes: 10 });
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key, 1, 10_000, 4);
    expect(cache.size.bytes).toBeLessThanOrEqual(10);
    cache.set('huge', 'x', 1, 10_000, 11);
    expect(value(cache, 'huge')).toBeUndefined();
  });

  it('expires entries after their TTL and asks for a refresh past half of it', () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1_000 });
    const now = Date.now();
    cache.set('k', 'v', 1, 1_000, 1, now);
    expect(cache.lookup('k', now + 100)).toEqual({ value: 'v', refresh: false });
    expect(cache.lookup('k', now + 600)).toEqual({ value: 'v', refresh: true });
    expect(cache.lookup('k', now + 1_100)).toBeUndefined();
    expect(cache.size.entries).toBe(0);
  });

  it('never replaces a live newer version with an older one', () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1_000 });
    cache.set('k', 'revoked', 2, 10_000, 1);
    cache.set('k', 'valid', 1, 10_000, 1); // a load that began before the write
    expect(value(cache, 'k')).toBe('revoked');
    cache.set('k', 'edited', 3, 10_000, 1);
    expect(value(cache, 'k')).toBe('edited');
  });

  it('lists fresh keys under its indexed prefixes only', () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1_000, indexedPrefixes: ['b:'] });
    const now = Date.now();
    cache.set('a:1', 1, 1, 10_000, 1, now);
    cache.set('b:1', 1, 1, 10_000, 1, now);
    cache.set('b:2', 1, 1, 1_000, 1, now);
    expect(cache.freshKeys(10, now + 100).sort()).toEqual(['b:1', 'b:2']);
    // Past half its lifetime a key is due for a reload: Redis should send it again.
    expect(cache.freshKeys(10, now + 600)).toEqual(['b:1']);
    cache.delete('b:1');
    expect(cache.freshKeys(10, now + 100)).toEqual(['b:2']);
  });
});

describe('Coalescer', () => {
  it('coalesces concurrent loads of one key into one call, and forgets them after a write', async () => {
    const inFlight = new Coalescer();
    let calls = 0;
    const load = async () => {
      const call = ++calls;
      await new Promise((r) => setTimeout(r, 10));
      return call;
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => inFlight.run('k', load, 1_000)));
    expect(new Set(results)).toEqual(new Set([1]));
    const first = inFlight.run('k', load, 1_000);
    inFlight.forget();
    const second = inFlight.run('k', load, 1_000);
    expect([await first, await second]).toEqual([2, 3]);
  });

  it('does not let a caller join a load older than the join window', async () => {
    const inFlight = new Coalescer();
    let calls = 0;
    const load = async () => {
      const call = ++calls;
      await new Promise((r) => setTimeout(r, 60));
      return call;
    };
    const first = inFlight.run('k', load, 20);
    await new Promise((r) => setTimeout(r, 30));
    expect([await first, await inFlight.run('k', load, 20)]).toEqual([1, 2]);
  });
});
