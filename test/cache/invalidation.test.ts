/** Read-after-write through the same Worker, with the old value cached in every tier first. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge, uid } from '../fixtures.ts';
import { worker } from '../worker.ts';

const w = worker();
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());

/** Reads twice: the first fills Redis and the edge, the second L1. */
async function warm(path: string) {
  await w.get(path);
  const res = await w.get(path);
  expect(res.headers.get('x-cache')).toMatch(/HIT/);
}

const BROWSER = { accept: 'text/html' };
const report = async (path: string) => (await w.get(path)).json<VerificationReport>();

describe('writes are visible to the next read', () => {
  it('revoke → verify says revoked, and the document and the page answer 410', async () => {
    const id = await fixture.assertion();
    await warm(`/assertions/${id}/verify`);
    await warm(`/assertions/${id}`);
    // The page's edge entry, read through another isolate so this one's L1 does not answer first.
    const other = worker();
    await other.get(`/assertions/${id}`, BROWSER);
    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'Fraud' })).status).toBe(200);
    expect(await report(`/assertions/${id}/verify`)).toMatchObject({ status: 'revoked', valid: false });
    expect((await w.get(`/assertions/${id}`)).status).toBe(410);
    expect((await w.get(`/assertions/${id}`, BROWSER)).status).toBe(410);
    // A third isolate in this data centre finds no pre-revoke page in the edge tier.
    expect((await worker().get(`/assertions/${id}`, BROWSER)).status).toBe(410);
    // Another isolate: Redis and the edge were invalidated; its L1 never held the bundle.
    expect((await worker().get(`/assertions/${id}/verify`).then((r) => r.json<VerificationReport>())).status).toBe('revoked');
  });

  it('badge edit → new name in the badge document and in verification reports', async () => {
    const id = await fixture.assertion();
    await warm(`/badges/${fixture.badgeId}`);
    await warm(`/assertions/${id}/verify`);
    expect((await w.admin('PATCH', `/admin/badges/${fixture.badgeId}`, { name: 'Renamed Badge' })).status).toBe(200);
    expect(await (await w.get(`/badges/${fixture.badgeId}`)).json()).toMatchObject({ name: 'Renamed Badge' });
    expect((await report(`/assertions/${id}/verify`)).badge?.name).toBe('Renamed Badge');
  });

  it('issuer edit → new name in the profile and in verification reports', async () => {
    const id = await fixture.assertion();
    await warm(`/issuers/${fixture.issuerId}`);
    await warm(`/assertions/${id}/verify`);
    expect((await w.admin('PATCH', `/admin/issuers/${fixture.issuerId}`, { name: 'Renamed Issuer' })).status).toBe(200);
    expect(await (await w.get(`/issuers/${fixture.issuerId}`)).json()).toMatchObject({ name: 'Renamed Issuer' });
    expect((await report(`/assertions/${id}/verify`)).issuer?.name).toBe('Renamed Issuer');
  });

  it('new issuer, badge class and assertion → readable right after a 404', async () => {
    const issuerId = uid('new-iss');
    expect((await w.get(`/issuers/${issuerId}`)).status).toBe(404);
    await w.admin('POST', '/admin/issuers', { id: issuerId, name: 'Fresh', url: 'https://fresh.example.org', email: 'f@fresh.example.org' });
    expect((await w.get(`/issuers/${issuerId}`)).status).toBe(200);
    const badgeId = uid('new-badge');
    expect((await w.get(`/badges/${badgeId}`)).status).toBe(404);
    await w.admin('POST', '/admin/badges', { id: badgeId, issuerId, name: 'Fresh Badge', description: 'd', criteria: { url: 'https://fresh.example.org/c' }, imageUrl: 'https://fresh.example.org/i.png' });
    expect((await w.get(`/badges/${badgeId}`)).status).toBe(200);
    const assertionId = uid('new-a');
    expect((await w.get(`/assertions/${assertionId}/verify`)).status).toBe(404);
    await w.admin('POST', '/admin/assertions', { id: assertionId, badgeId, recipient: { identity: 'new@example.org' } });
    expect(await report(`/assertions/${assertionId}/verify`)).toMatchObject({ status: 'valid' });
    const { depsFor } = await import('../../src/deps.ts');
    const { env } = await import('cloudflare:workers');
    const { sql } = await import('drizzle-orm');
    await depsFor(env).db.batch([
      depsFor(env).db.execute(sql`delete from assertions where id = ${assertionId}`),
      depsFor(env).db.execute(sql`delete from badge_classes where id = ${badgeId}`),
      depsFor(env).db.execute(sql`delete from issuers where id = ${issuerId}`),
    ]);
  });
});
