import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/platform/config.ts';
import { createIssuerWithBadge } from './fixtures.ts';
import { neonStats, resetStats } from './stack.ts';
import { worker } from './worker.ts';

describe('configuration', () => {
  it('names every missing or malformed variable, never its value', () => {
    const attempt = () => parseConfig({ ...env, DATABASE_URL: undefined, PUBLIC_BASE_URL: 'not a url', ASSERTION_TTL_SECONDS: '3600' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL/);
    expect(attempt).toThrow(/PUBLIC_BASE_URL/);
    expect(attempt).toThrow(/ASSERTION_TTL_SECONDS/);
    expect(attempt).not.toThrow(/not a url/);
    expect(() => parseConfig({ ...env, UPSTASH_REDIS_REST_TOKEN: undefined })).toThrow(/UPSTASH_REDIS_REST_TOKEN: set both or neither/);
  });

  it('answers 500 problem+json naming the variable when the Worker is misconfigured', async () => {
    const broken = worker({ DATABASE_URL: 'mysql://nope' });
    const res = await broken.get('/health');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'misconfigured', detail: expect.stringContaining('DATABASE_URL') });
  });

  it('sends reads that Redis answered with a miss to DATABASE_URL_READ, writes to the primary', async () => {
    const fixture = await createIssuerWithBadge();
    try {
      const w = worker({ DATABASE_URL_READ: 'postgres://postgres@replica.localtest/replica', CACHE_TIERS: 'redis' });
      await resetStats();
      expect((await w.get(`/badges/${fixture.badgeId}`)).status).toBe(200);
      expect(await neonStats()).toMatchObject({ 'db:replica': 1 });
      expect((await w.admin('PATCH', `/admin/badges/${fixture.badgeId}`, { name: 'Via Primary' })).status).toBe(200);
      expect((await neonStats())['db:test']).toBeGreaterThanOrEqual(1);
      expect((await neonStats())['db:replica']).toBe(1);
    } finally {
      await fixture.cleanup();
    }
  });

  it('without Redis to fence it, the replica is never read: a lagging replica could hide a write', async () => {
    const fixture = await createIssuerWithBadge();
    try {
      const w = worker({ DATABASE_URL_READ: 'postgres://postgres@replica.localtest/replica', CACHE_TIERS: 'none' });
      await resetStats();
      expect((await w.get(`/badges/${fixture.badgeId}`)).status).toBe(200);
      const stats = await neonStats();
      expect(stats['db:replica'] ?? 0).toBe(0);
      expect(stats['db:test']).toBe(1);
    } finally {
      await fixture.cleanup();
    }
  });
});
