/** Which tier answers, counted from the local stack's own counters. */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeClasses } from '../../src/db/schema.ts';
import { depsFor } from '../../src/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { neonStats, resetStats, upstashStats } from '../stack.ts';
import { worker } from '../worker.ts';

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());

const counts = async () => {
  const [neon, upstash] = await Promise.all([neonStats(), upstashStats()]);
  return { statements: neon.statements, dbRequests: neon.httpRequests, redisRequests: upstash.requests, mget: upstash['cmd:mget'] ?? 0 };
};

describe('GET /assertions/{id}/verify through the tiers', () => {
  it('cold: one Redis request and one statement; the repeat is an L1 hit with neither', async () => {
    const w = worker();
    const id = await fixture.assertion();
    await resetStats();
    const { response, settled } = await w.fetch(`/assertions/${id}/verify`);
    expect(response.headers.get('x-cache')).toBe('MISS');
    // On the request's path: one MGET and one statement.
    expect(await counts()).toMatchObject({ statements: 1, dbRequests: 1, mget: 1 });
    await settled; // then the write-back, in the background
    expect((await upstashStats())['cmd:set']).toBe(1);

    await resetStats();
    const warm = await w.get(`/assertions/${id}/verify`);
    expect(warm.headers.get('x-cache')).toBe('HIT l1');
    expect(await warm.json<VerificationReport>()).toMatchObject({ status: 'valid' });
    expect(await counts()).toEqual({ statements: 0, dbRequests: 0, redisRequests: 0, mget: 0 });
  });

  it('L1 off, edge warm: no statement and no Redis request', async () => {
    const w = worker({ CACHE_TIERS: 'edge,redis' });
    const id = await fixture.assertion();
    await w.get(`/assertions/${id}/verify`);
    await resetStats();
    const res = await w.get(`/assertions/${id}/verify`);
    expect(res.headers.get('x-cache')).toBe('HIT edge');
    expect(await counts()).toEqual({ statements: 0, dbRequests: 0, redisRequests: 0, mget: 0 });
  });

  it('L1 and edge off, Redis warm: exactly one Redis request and no statement', async () => {
    const w = worker({ CACHE_TIERS: 'redis' });
    const id = await fixture.assertion();
    await w.get(`/assertions/${id}/verify`);
    await resetStats();
    const res = await w.get(`/assertions/${id}/verify`);
    expect(res.headers.get('x-cache')).toBe('HIT redis');
    expect(await res.json<VerificationReport>()).toMatchObject({ status: 'valid' });
    expect(await counts()).toEqual({ statements: 0, dbRequests: 0, redisRequests: 1, mget: 1 });
  });

  it('batch verification reads every id with one MGET', async () => {
    // The rate limiter's own Redis call is switched off to count the cache's alone.
    const w = worker({ CACHE_TIERS: 'redis', RATE_LIMIT_VERIFY_PER_MINUTE: '0' });
    const ids = await Promise.all(Array.from({ length: 5 }, () => fixture.assertion()));
    await w.admin('POST', '/verify/batch', { ids });
    await resetStats();
    const { response, settled } = await w.fetch('/verify/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
    await settled;
    expect(response.status).toBe(200);
    expect(await counts()).toEqual({ statements: 0, dbRequests: 0, redisRequests: 1, mget: 1 });
  });

  it('serves a stale edge entry at once and refreshes it once in the background', async () => {
    const w = worker({ CACHE_TIERS: 'edge' });
    const id = await fixture.assertion();
    const key = `${w.bindings.PUBLIC_BASE_URL}/assertions/${id}/verify`;
    await w.get(`/assertions/${id}/verify`);
    // Age the stored entry past its fresh window, and change the data behind it without telling
    // this data centre (as a write elsewhere would).
    const stored = (await caches.default.match(key))!;
    const aged = new Response(await stored.text(), stored);
    aged.headers.set('x-edge-stored-at', String(Date.now() - 45_000));
    await caches.default.put(key, aged);
    await depsFor(env).db.update(badgeClasses).set({ name: 'Renamed Behind The Cache' }).where(eq(badgeClasses.id, fixture.badgeId));

    await resetStats();
    const [first, second] = await Promise.all([w.fetch(`/assertions/${id}/verify`), w.fetch(`/assertions/${id}/verify`)]);
    for (const { response } of [first, second]) {
      expect(response.headers.get('x-cache')).toBe('STALE edge');
      expect((await response.json<VerificationReport>()).badge?.name).toBe('Test Badge');
    }
    await Promise.all([first.settled, second.settled]);
    expect((await neonStats()).statements).toBe(1); // one refresh for both

    const refreshed = await w.get(`/assertions/${id}/verify`);
    expect(refreshed.headers.get('x-cache')).toBe('HIT edge');
    expect((await refreshed.json<VerificationReport>()).badge?.name).toBe('Renamed Behind The Cache');
    await depsFor(env).db.update(badgeClasses).set({ name: 'Test Badge' }).where(eq(badgeClasses.id, fixture.badgeId));
  });

  it('100 concurrent cold requests for one assertion in one isolate cost one statement', async () => {
    const w = worker();
    const id = await fixture.assertion();
    await resetStats();
    const results = await Promise.all(Array.from({ length: 100 }, () => w.fetch(`/assertions/${id}/verify`)));
    await Promise.all(results.map((r) => r.settled));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(await counts()).toMatchObject({ statements: 1, dbRequests: 1, mget: 1 });
  });
});

describe('Redis soft expiry', () => {
  it('serves a soft-expired value at once and lets one request refresh it behind a lock', async () => {
    const id = await fixture.assertion();
    const [first, second] = [worker({ CACHE_TIERS: 'redis' }), worker({ CACHE_TIERS: 'redis' })]; // two isolates
    await first.get(`/assertions/${id}/verify`);
    const redis = depsFor(env).redisClient!;
    const key = `v1:bundle:${id}`;
    const stored = await redis.get<{ e: number; s: number; v: unknown }>(key);
    await redis.set(key, { ...stored!, s: Date.now() - 1 }, { ex: 60 }); // past its soft expiry, not its TTL

    await resetStats();
    const results = await Promise.all([first.fetch(`/assertions/${id}/verify`), second.fetch(`/assertions/${id}/verify`)]);
    expect(results.map((r) => r.response.headers.get('x-cache'))).toEqual(['HIT redis', 'HIT redis']);
    await Promise.all(results.map((r) => r.settled));
    expect((await neonStats()).statements).toBe(1); // one refresh, by the lock holder
    const refreshed = await redis.get<{ s: number }>(key);
    expect(refreshed!.s).toBeGreaterThan(Date.now());
  });
});
