import { env } from 'cloudflare:workers';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { assertions, badgeClasses, issuers } from '../../src/db/schema.ts';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { PNG_1X1, uid } from '../fixtures.ts';
import { ADMIN, worker } from '../worker.ts';

const w = worker();
const made = { issuers: [] as string[], badges: [] as string[], assertions: [] as string[] };
afterAll(async () => {
  const db = depsFor(env).db;
  if (made.assertions.length) await db.delete(assertions).where(inArray(assertions.id, made.assertions));
  if (made.badges.length) await db.delete(badgeClasses).where(inArray(badgeClasses.id, made.badges));
  if (made.issuers.length) await db.delete(issuers).where(inArray(issuers.id, made.issuers));
});

const pngBase64 = btoa(String.fromCharCode(...PNG_1X1));

async function issueOne(recipient: string) {
  const issuer = await (
    await w.admin('POST', '/admin/issuers', { name: 'Admin Co', url: 'https://admin.example.org', email: 'a@admin.example.org' })
  ).json<{ id: string }>();
  made.issuers.push(issuer.id);
  const badge = await (
    await w.admin('POST', '/admin/badges', {
      issuerId: issuer.id,
      name: 'Admin Badge',
      description: 'd',
      criteria: { narrative: 'c' },
      image: { type: 'image/png', base64: pngBase64 },
    })
  ).json<{ id: string }>();
  made.badges.push(badge.id);
  const res = await w.admin('POST', '/admin/assertions', { badgeId: badge.id, recipient: { type: 'email', identity: recipient } });
  const assertion = await res.json<{ id: string; url: string; verifyUrl: string; imageUrl: string }>();
  made.assertions.push(assertion.id);
  return { issuer, badge, assertion, status: res.status };
}

describe('admin authentication', () => {
  it('answers 401 without a token and with a wrong one', async () => {
    const none = await w.fetch('/admin/issuers', { method: 'POST', body: '{}' });
    expect(none.response.status).toBe(401);
    expect(await none.response.json()).toMatchObject({ code: 'unauthorized' });
    const wrong = await w.fetch('/admin/issuers', {
      method: 'POST',
      body: '{}',
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.response.status).toBe(401);
  });

  it('answers 401 with a Bearer challenge to credentials of another scheme or a malformed header', async () => {
    for (const authorization of [`Basic ${btoa('admin:secret')}`, 'Bearer', 'Bearer ', 'Token abc', 'garbage']) {
      const res = (await w.fetch('/admin/issuers', { method: 'POST', body: '{}', headers: { authorization } })).response;
      expect(res.status, authorization).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('answers 503 when no admin token is configured, never open', async () => {
    const closed = worker({ ADMIN_TOKEN: undefined });
    const res = await closed.fetch('/admin/issuers', { method: 'POST', body: '{}', headers: ADMIN });
    expect(res.response.status).toBe(503);
    expect(await res.response.json()).toMatchObject({ code: 'admin_disabled' });
  });
});

describe('admin writes', () => {
  it('issues an assertion that verifies for its recipient, storing only the salted hash', async () => {
    const logs = vi.spyOn(console, 'log');
    const warns = vi.spyOn(console, 'warn');
    const plaintext = `Zed.${crypto.randomUUID()}@Example.org`;
    const { assertion, status } = await issueOne(plaintext);
    expect(status).toBe(201);
    expect(assertion.url).toBe(`${env.PUBLIC_BASE_URL}/assertions/${assertion.id}`);

    const report = await (
      await w.admin('POST', '/verify', { assertion: assertion.id, recipient: { identity: plaintext } })
    ).json<VerificationReport>();
    expect(report).toMatchObject({ valid: true, recipient: { matched: true } });

    // The plaintext is nowhere: not in the row, not in Redis, not in the logs.
    const [row] = await depsFor(env).db.select().from(assertions).where(eq(assertions.id, assertion.id));
    expect(JSON.stringify(row).toLowerCase()).not.toContain(plaintext.toLowerCase());
    expect(row?.recipientIdentity).toMatch(/^sha256\$[0-9a-f]{64}$/);
    const cached = await depsFor(env).redisClient!.get(`v3:a:${assertion.id}`);
    expect(cached).not.toBeNull();
    expect(JSON.stringify(cached).toLowerCase()).not.toContain(plaintext.toLowerCase());
    const logged = [...logs.mock.calls, ...warns.mock.calls].flat().map(String).join('\n');
    expect(logged.toLowerCase()).not.toContain(plaintext.toLowerCase());
    expect(logged).not.toContain(env.ADMIN_TOKEN!);
  });

  it('validates bodies with a reason', async () => {
    const res = await w.admin('POST', '/admin/issuers', { name: '', url: 'ftp://x', email: 'nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_body' });
    const noImage = await w.admin('POST', '/admin/badges', { issuerId: 'x', name: 'n', description: 'd', criteria: { narrative: 'c' } });
    expect(noImage.status).toBe(400);
  });

  it('answers 422 for an unknown badge class, 409 for a taken id and 404 for an unknown assertion', async () => {
    const unknown = await w.admin('POST', '/admin/assertions', { badgeId: 'no-such-badge', recipient: { identity: 'a@b.org' } });
    expect([unknown.status, (await unknown.json<{ code: string }>()).code]).toEqual([422, 'unknown_reference']);
    const id = uid('dup');
    made.issuers.push(id);
    const body = { id, name: 'Dup', url: 'https://dup.example.org', email: 'd@dup.example.org' };
    expect((await w.admin('POST', '/admin/issuers', body)).status).toBe(201);
    expect((await w.admin('POST', '/admin/issuers', body)).status).toBe(409);
    expect((await w.admin('POST', '/admin/assertions/never-was/revoke', { reason: 'x' })).status).toBe(404);
  });
});

describe('issuer verification scope input (OB 2.0)', () => {
  it('takes allowedOrigins as host names only, and checks the assertion host name against them', async () => {
    const w2 = worker();
    for (const bad of ['127.0.0.1:8797', 'https://badges.test', 'badges.test/path', '-bad.example']) {
      const res = await w2.admin('POST', '/admin/issuers', {
        name: 'Scoped',
        url: 'https://s.example.org',
        email: 's@s.example.org',
        verification: { allowedOrigins: [bad] },
      });
      expect(res.status, bad).toBe(400);
    }
    const ok = await w2.admin('POST', '/admin/issuers', {
      name: 'Scoped',
      url: 'https://s.example.org',
      email: 's@s.example.org',
      verification: { allowedOrigins: ['Badges.Test'] },
    });
    expect(ok.status).toBe(201);
    const { id } = await ok.json<{ id: string }>();
    try {
      const badge = await w2.admin('POST', '/admin/badges', {
        issuerId: id,
        name: 'B',
        description: 'd',
        criteria: { narrative: 'n' },
        imageUrl: 'https://s.example.org/i.png',
      });
      const { id: badgeId } = await badge.json<{ id: string }>();
      const issued = await w2.admin('POST', '/admin/assertions', { badgeId, recipient: { identity: 'scope@example.org' } });
      const { id: assertion } = await issued.json<{ id: string }>();
      const report = await (await w2.get(`/assertions/${assertion}/verify`)).json<VerificationReport>();
      expect(report.checks.find((c) => c.name === 'hosted_scope')?.passed).toBe(true);
    } finally {
      await depsFor(env).db.execute(sql`delete from assertions where issuer_id = ${id}`);
      await depsFor(env).db.execute(sql`delete from badge_classes where issuer_id = ${id}`);
      await depsFor(env).db.execute(sql`delete from issuers where id = ${id}`);
    }
  });
});

describe('badge image uploads', () => {
  const upload = (image: { type: string; base64: string }) =>
    worker().admin('POST', '/admin/badges', { issuerId: 'no-matter', name: 'I', description: 'd', criteria: { narrative: 'n' }, image });
  const b64 = (text: string) => btoa(text);

  it.each([
    ['bytes that are not the declared PNG', { type: 'image/png', base64: b64('hello') }, 'image_type_mismatch'],
    ['an SVG declared as PNG', { type: 'image/png', base64: b64('<svg xmlns="http://www.w3.org/2000/svg"/>') }, 'image_type_mismatch'],
    [
      'an SVG with a script',
      { type: 'image/svg+xml', base64: b64('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
      'svg_active_content',
    ],
    [
      'an SVG with an event handler',
      { type: 'image/svg+xml', base64: b64('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>') },
      'svg_active_content',
    ],
    [
      'an SVG with foreignObject',
      { type: 'image/svg+xml', base64: b64('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>') },
      'svg_active_content',
    ],
    [
      'an SVG loading another resource',
      { type: 'image/svg+xml', base64: b64('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>') },
      'svg_active_content',
    ],
    [
      'an SVG with a DOCTYPE',
      { type: 'image/svg+xml', base64: b64('<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>') },
      'svg_doctype_forbidden',
    ],
    ['a PNG with a broken chunk', { type: 'image/png', base64: btoa(String.fromCharCode(...PNG_1X1.slice(0, 30))) }, 'png_truncated'],
  ])('refuses %s with 422 and a code, storing nothing', async (_, image, code) => {
    const res = await upload(image);
    expect(res.status).toBe(422);
    expect((await res.json<{ code: string }>()).code).toMatch(code === 'png_truncated' ? /^png_/ : new RegExp(`^${code}$`));
  });
});

describe('PATCH with nothing to change', () => {
  it('is refused with 400, writing nothing', async () => {
    const res = await worker().admin('PATCH', '/admin/issuers/any-issuer', {});
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_body' });
    expect((await worker().admin('PATCH', '/admin/badges/any-badge', {})).status).toBe(400);
  });
});
