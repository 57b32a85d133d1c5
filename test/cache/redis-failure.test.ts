/** Redis is a cache, never a gate: unreachable or hanging, every read is still right and prompt. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { control } from '../stack.ts';
import { worker } from '../worker.ts';

const REDIS_TIMEOUT_MS = 150;
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());
afterEach(() => control('upstash', { fault: null }));

/** Every read path, each needing the database: L1 and the edge are off. */
async function readEverything(w: ReturnType<typeof worker>, id: string) {
  const started = performance.now();
  const [verify, doc, badge, issuer] = await Promise.all([
    w.get(`/assertions/${id}/verify`),
    w.get(`/assertions/${id}`),
    w.get(`/badges/${fixture.badgeId}`),
    w.get(`/issuers/${fixture.issuerId}`),
  ]);
  return { elapsed: performance.now() - started, verify, doc, badge, issuer };
}

describe('when Redis misbehaves', () => {
  it.each([
    ['is unreachable', { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9' }, null],
    ['hangs', {}, 'hang'],
    ['answers errors', {}, 'error'],
  ] as const)('reads stay correct when Redis %s', async (_, overrides, fault) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ CACHE_TIERS: 'redis', REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS), ...overrides });
    const id = await fixture.assertion();
    if (fault) await control('upstash', { fault });
    const { elapsed, verify, doc, badge, issuer } = await readEverything(w, id);
    expect(await verify.json<VerificationReport>()).toMatchObject({ valid: true, status: 'valid' });
    expect(verify.headers.get('x-cache')).toBe('MISS');
    expect(doc.status).toBe(200);
    expect(await badge.json()).toMatchObject({ name: 'Test Badge' });
    expect(await issuer.json()).toMatchObject({ name: 'Test Issuer' });
    // Within the Redis timeout plus the database's own time (generous for a loaded CI machine).
    expect(elapsed).toBeLessThan(REDIS_TIMEOUT_MS + 1_000);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/cache redis read failed/));
    warn.mockRestore();
  });

  it('recovers without a restart once Redis is back', async () => {
    const w = worker({ CACHE_TIERS: 'redis', REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS) });
    const id = await fixture.assertion();
    await control('upstash', { fault: 'error' });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect((await w.get(`/assertions/${id}/verify`)).headers.get('x-cache')).toBe('MISS');
    await control('upstash', { fault: null });
    await w.get(`/assertions/${id}/verify`); // fills Redis again
    expect((await w.get(`/assertions/${id}/verify`)).headers.get('x-cache')).toBe('HIT redis');
    vi.restoreAllMocks();
  });
});
