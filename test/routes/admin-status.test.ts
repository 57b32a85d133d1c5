import { describe, expect, it } from 'vitest';
import { createIssuerWithBadge } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { ADMIN, worker } from '../worker.ts';

type Status = {
  version: unknown;
  outbox: { depth: number; oldestSeconds: number } | null;
  lastDrain: { at: string; applied: number; done: boolean; depth: number } | null;
  lastPurgeError: { at: string; by: string; tags: number; reason: string } | null;
  database: { ok: boolean; ms: number };
  redis: { ok: boolean; ms: number };
  checkedAt: string;
};

describe('GET /admin/status', () => {
  it('is for admins only', async () => {
    expect((await worker().get('/admin/status')).status).toBe(401);
    expect((await worker().get('/admin/status', { authorization: 'Bearer not-the-admin-token' })).status).toBe(401);
  });

  it("is the root token's: an API key, even one for every issuer, gets 403", async () => {
    const w = worker();
    const created = await (await w.admin('POST', '/admin/api-keys', { issuerId: null, actions: ['issue'], label: 'status test' })).json<{
      id: string;
      token: string;
    }>();
    try {
      const res = await w.get('/admin/status', { authorization: `Bearer ${created.token}` });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'root_only' });
    } finally {
      await w.admin('DELETE', `/admin/api-keys/${created.id}`, undefined);
    }
  });

  it('reports the outbox, both dependencies and the version with one statement, reused for a few seconds', async () => {
    const w = worker();
    await resetStats();
    const res = await w.get('/admin/status', ADMIN);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const status = await res.json<Status>();
    expect(status).toMatchObject({ version: null, database: { ok: true }, redis: { ok: true } });
    expect(status.outbox!.depth).toBeGreaterThanOrEqual(0);
    expect(status.outbox!.oldestSeconds).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 5; i++) expect((await w.get('/admin/status', ADMIN)).status).toBe(200);
    expect((await neonStats()).statements).toBe(1);
  });

  it('shows the last drain of the Cron Trigger and the last purge that failed', async () => {
    const before = Date.now();
    await worker({ OUTBOX_RETRY_AFTER_SECONDS: '0' }).scheduled();
    const fixture = await createIssuerWithBadge();
    try {
      // An edit purges the edge; this stand-in URL refuses every purge.
      const refusing = worker({ WORKERS_CACHE_PURGE_URL: 'http://127.0.0.1:9/__purge' });
      expect((await refusing.admin('PATCH', `/admin/badges/${fixture.badgeId}`, { name: 'Renamed' })).status).toBe(200);
      const status = await (await worker().get('/admin/status', ADMIN)).json<Status>();
      expect(Date.parse(status.lastDrain!.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(status.lastDrain).toMatchObject({ done: true });
      expect(status.lastPurgeError).toMatchObject({ by: 'request', reason: 'refused' });
      expect(Date.parse(status.lastPurgeError!.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(status.lastPurgeError!.tags).toBeGreaterThan(0);
    } finally {
      await fixture.cleanup();
      await worker({ OUTBOX_RETRY_AFTER_SECONDS: '0' }).scheduled();
    }
  });

  it('is rate-limited per address', async () => {
    const w = worker();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await w.get('/admin/status', ADMIN)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const last = await w.get('/admin/status', ADMIN);
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
