/** The database down or hanging: cached answers still served, nothing uncached ever claimed valid, nothing half-written. */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertions, issuers } from '../../src/db/schema.ts';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { control } from '../stack.ts';
import { worker } from '../worker.ts';

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());
afterEach(async () => {
  await control('neon', { fault: null });
  vi.restoreAllMocks();
});

describe.each([
  ['down', 'error'],
  ['hanging', 'hang'],
] as const)('when the database is %s', (_, fault) => {
  it('serves cached definitions and assertions, and answers 503 + Retry-After for anything uncached', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ DATABASE_TIMEOUT_MS: '300' });
    const cached = await fixture.assertion();
    const uncached = await fixture.assertion();
    for (const path of [`/badges/${fixture.badgeId}`, `/issuers/${fixture.issuerId}`, `/assertions/${cached}/verify`]) await w.get(path);

    await control('neon', { fault });
    expect((await w.get(`/badges/${fixture.badgeId}`)).status).toBe(200);
    expect((await w.get(`/issuers/${fixture.issuerId}`)).status).toBe(200);
    expect(await (await w.get(`/assertions/${cached}/verify`)).json<VerificationReport>()).toMatchObject({ status: 'valid' });

    const started = performance.now();
    const res = await w.get(`/assertions/${uncached}/verify`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ code: 'database_unavailable' });
    expect(performance.now() - started).toBeLessThan(2_000);
    const post = await w.fetch('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assertion: uncached }),
    });
    expect(post.response.status).toBe(503);

    await control('neon', { fault: null }); // recovery, without a restart
    expect(await (await w.get(`/assertions/${uncached}/verify`)).json<VerificationReport>()).toMatchObject({ status: 'valid' });
  });
});

describe('a write when the database fails', () => {
  it('answers 503, writes nothing and leaves the caches as they were', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ DATABASE_TIMEOUT_MS: '300' });
    const id = await fixture.assertion();
    await w.get(`/assertions/${id}/verify`);
    await w.get(`/issuers/${fixture.issuerId}`);

    await control('neon', { fault: 'error' });
    const revoke = await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'x' });
    const rename = await w.admin('PATCH', `/admin/issuers/${fixture.issuerId}`, { name: 'Never Written' });
    expect([revoke.status, rename.status]).toEqual([503, 503]);
    // Cached answers are untouched (no invalidation ran) and still right.
    expect((await w.get(`/assertions/${id}/verify`)).headers.get('x-cache')).toBe('HIT l1');
    await control('neon', { fault: null });

    const db = depsFor(env).db;
    const [assertion] = await db.select({ revokedAt: assertions.revokedAt }).from(assertions).where(eq(assertions.id, id));
    const [issuer] = await db.select({ name: issuers.name }).from(issuers).where(eq(issuers.id, fixture.issuerId));
    expect(assertion?.revokedAt).toBeNull();
    expect(issuer?.name).toBe('Test Issuer');
  });
});
