/**
 * The audit trail: every kind of admin write leaves one row, written by the write's own
 * statement, naming who (root or key:{id}), what, which records and their issuers; a write that
 * changed nothing leaves none; the trail pages newest first.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN, worker } from '../worker.ts';

const w = worker();
const unique = () => crypto.randomUUID().slice(0, 8);
type Row = { id: number; principal: string; action: string; recordKind: string; recordIds: string[]; issuerIds: string[] };
const trail = async (issuer: string, query = '') =>
  (await w.get(`/admin/audit?issuer=${issuer}${query}`, ADMIN)).json<{ rows: Row[]; next: number | null }>();

describe('the audit trail', () => {
  it('has a row for every kind of admin write, by root and by a key', async () => {
    const issuer = `audit-${unique()}`;
    const badge = `audit-badge-${unique()}`;
    expect(
      (await w.admin('POST', '/admin/issuers', { id: issuer, name: 'Audited', url: 'https://example.org', email: 'a@example.org' })).status,
    ).toBe(201);
    expect((await w.admin('PATCH', `/admin/issuers/${issuer}`, { name: 'Audited, renamed' })).status).toBe(200);
    const badgeBody = {
      id: badge,
      issuerId: issuer,
      name: 'B',
      description: 'B',
      criteria: { narrative: 'B' },
      imageUrl: 'https://example.org/b.png',
    };
    expect((await w.admin('POST', '/admin/badges', badgeBody)).status).toBe(201);
    expect((await w.admin('PATCH', `/admin/badges/${badge}`, { name: 'B2' })).status).toBe(200);
    const one = await (await w.admin('POST', '/admin/assertions', { badgeId: badge, recipient: { identity: 'one@example.org' } })).json<{
      id: string;
    }>();
    const batch = await (
      await w.admin('POST', '/admin/assertions/batch', {
        badgeId: badge,
        recipients: [{ identity: 'two@example.org' }, { identity: 'three@example.org' }],
      })
    ).json<{ assertions: Array<{ id: string }> }>();
    expect((await w.admin('POST', `/admin/assertions/${one.id}/revoke`, { reason: 'audit' })).status).toBe(200);
    expect((await w.admin('POST', `/admin/assertions/${one.id}/claim-code`, {})).status).toBe(201);
    expect((await w.admin('POST', `/admin/issuers/${issuer}/keys`, undefined)).status).toBe(201);
    const key = await (await w.admin('POST', '/admin/api-keys', { issuerId: issuer, actions: ['revoke'] })).json<{
      id: string;
      token: string;
    }>();
    const byKey = await w.fetch(`/admin/assertions/${batch.assertions[0]!.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'by key' }),
    });
    await byKey.settled;
    expect(byKey.response.status).toBe(200);
    expect((await w.admin('DELETE', `/admin/api-keys/${key.id}`, undefined)).status).toBe(200);
    // A write that changes nothing (no such record) leaves no row.
    expect((await w.admin('PATCH', `/admin/badges/no-such-${unique()}`, { name: 'x' })).status).toBe(404);

    const { rows } = await trail(issuer);
    const seen = rows.map((r) => [r.action, r.principal, r.recordKind, r.recordIds]).reverse();
    expect(seen).toEqual([
      ['issuer.create', 'root', 'issuer', [issuer]],
      ['issuer.edit', 'root', 'issuer', [issuer]],
      ['badge.create', 'root', 'badge', [badge]],
      ['badge.edit', 'root', 'badge', [badge]],
      ['assertion.issue', 'root', 'assertion', [one.id]],
      ['assertion.issue', 'root', 'assertion', batch.assertions.map((a) => a.id).sort()],
      ['assertion.revoke', 'root', 'assertion', [one.id]],
      ['assertion.claim-code', 'root', 'assertion', [one.id]],
      ['issuer.rotate-key', 'root', 'issuer', [issuer]],
      ['api-key.create', 'root', 'apiKey', [key.id]],
      ['assertion.revoke', `key:${key.id}`, 'assertion', [batch.assertions[0]!.id]],
      ['api-key.revoke', 'root', 'apiKey', [key.id]],
    ]);
    expect(rows.every((r) => r.issuerIds.includes(issuer))).toBe(true);
  });

  it('pages newest first', async () => {
    const issuer = `audit-pages-${unique()}`;
    expect(
      (await w.admin('POST', '/admin/issuers', { id: issuer, name: 'Paged', url: 'https://example.org', email: 'p@example.org' })).status,
    ).toBe(201);
    for (let i = 0; i < 4; i++) expect((await w.admin('PATCH', `/admin/issuers/${issuer}`, { name: `Paged ${i}` })).status).toBe(200);
    const first = await trail(issuer, '&limit=2');
    expect(first.rows.map((r) => r.action)).toEqual(['issuer.edit', 'issuer.edit']);
    const second = await trail(issuer, `&before=${first.next}&limit=2`);
    const third = await trail(issuer, `&before=${second.next}&limit=2`);
    expect(third.rows.map((r) => r.action)).toEqual(['issuer.create']);
    expect(third.next).toBeNull();
    expect(new Set([...first.rows, ...second.rows, ...third.rows].map((r) => r.id)).size).toBe(5);
  });
});
