import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createIssuerWithBadge, DAY, get } from '../fixtures.ts';

type Doc = Record<string, unknown>;
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let valid: string;
let revoked: string;

beforeAll(async () => {
  fixture = await createIssuerWithBadge();
  valid = await fixture.assertion({ expires: new Date(Date.now() + 30 * DAY), narrative: 'Did the thing.' });
  revoked = await fixture.assertion({ revokedAt: new Date(), revocationReason: 'Cheating' });
});
afterAll(() => fixture.cleanup());

describe('GET /issuers/{id}', () => {
  it('serves the Issuer profile as JSON-LD with a revocation list', async () => {
    const res = await get(`/issuers/${fixture.issuerId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    expect(await res.json()).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Issuer',
      id: `${BASE}/issuers/${fixture.issuerId}`,
      name: 'Test Issuer',
      url: 'https://issuer.example.org',
      email: 'badges@issuer.example.org',
      revocationList: `${BASE}/issuers/${fixture.issuerId}/revocations`,
    });
  });

  it('answers application/json to a client that accepts only that', async () => {
    const res = await get(`/issuers/${fixture.issuerId}`, { accept: 'application/json' });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('vary')).toContain('Accept');
  });

  it('answers 404 problem+json for an unknown id', async () => {
    const res = await get('/issuers/nobody-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('rejects a malformed id with 400 before touching the database', async () => {
    const res = await get('/issuers/bad%20id%27;--');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'malformed_id' });
  });
});

describe('GET /badges/{id}', () => {
  it('serves the BadgeClass with every required field', async () => {
    const doc = await (await get(`/badges/${fixture.badgeId}`)).json<Doc>();
    expect(doc).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'BadgeClass',
      id: `${BASE}/badges/${fixture.badgeId}`,
      name: 'Test Badge',
      description: 'Awarded in tests.',
      image: `${BASE}/badges/${fixture.badgeId}/image`,
      criteria: { narrative: 'Pass the tests.' },
      issuer: `${BASE}/issuers/${fixture.issuerId}`,
    });
  });
});

describe('GET /assertions/{id}', () => {
  it('serves a hosted Assertion', async () => {
    const res = await get(`/assertions/${valid}`, { accept: 'application/ld+json, application/json' });
    expect(res.status).toBe(200);
    const doc = await res.json<Doc>();
    expect(doc).toMatchObject({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      id: `${BASE}/assertions/${valid}`,
      recipient: { type: 'email', hashed: true, salt: 'pepper' },
      badge: `${BASE}/badges/${fixture.badgeId}`,
      verification: { type: 'hosted' },
      narrative: 'Did the thing.',
    });
    expect((doc.recipient as Doc).identity).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(new Date(doc.issuedOn as string).getTime()).toBeLessThan(Date.now());
    expect(new Date(doc.expires as string).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers 410 Gone with the revoked body for a revoked assertion', async () => {
    const res = await get(`/assertions/${revoked}`);
    expect(res.status).toBe(410);
    expect(await res.json()).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      id: `${BASE}/assertions/${revoked}`,
      type: 'Assertion',
      revoked: true,
      revocationReason: 'Cheating',
    });
  });

  it('answers 404 for an unknown assertion', async () => {
    expect((await get('/assertions/unknown-one')).status).toBe(404);
  });
});

describe('GET /issuers/{id}/revocations', () => {
  it('lists revoked assertions across keyset pages', async () => {
    const many = await createIssuerWithBadge();
    try {
      // More than one page (1000) of revocations, inserted in one statement.
      const { depsFor } = await import('../../src/platform/deps.ts');
      const { env } = await import('cloudflare:workers');
      const { sql } = await import('drizzle-orm');
      await depsFor(env).db.execute(sql`
        insert into assertions (id, badge_class_id, issuer_id, recipient_identity, issued_on, revoked_at, revocation_reason)
        select ${many.badgeId} || '-' || lpad(n::text, 5, '0'), ${many.badgeId}, ${many.issuerId}, 'sha256$00', now(), now(), 'bulk ' || n
        from generate_series(1, 1205) n`);
      await many.assertion(); // not revoked: must not appear
      const res = await get(`/issuers/${many.issuerId}/revocations`);
      expect(res.status).toBe(200);
      const list = await res.json<{ type: string; issuer: string; revokedAssertions: Array<{ id: string; revocationReason: string }> }>();
      expect(list.type).toBe('RevocationList');
      expect(list.issuer).toBe(`${BASE}/issuers/${many.issuerId}`);
      expect(list.revokedAssertions).toHaveLength(1205);
      expect(list.revokedAssertions[0]).toEqual({ id: `${BASE}/assertions/${many.badgeId}-00001`, revocationReason: 'bulk 1' });
      expect(list.revokedAssertions.at(-1)?.id).toBe(`${BASE}/assertions/${many.badgeId}-01205`);
      await depsFor(env).db.execute(sql`delete from assertions where issuer_id = ${many.issuerId}`);
    } finally {
      await many.cleanup();
    }
  });

  it('streams: the first page arrives before the last is read, and no ETag buffers it', async () => {
    const many = await createIssuerWithBadge();
    const { depsFor } = await import('../../src/platform/deps.ts');
    const { env } = await import('cloudflare:workers');
    const { sql } = await import('drizzle-orm');
    const { control } = await import('../stack.ts');
    try {
      await depsFor(env).db.execute(sql`
        insert into assertions (id, badge_class_id, issuer_id, recipient_identity, issued_on, revoked_at)
        select ${many.badgeId} || '-' || lpad(n::text, 5, '0'), ${many.badgeId}, ${many.issuerId}, 'sha256$00', now(), now()
        from generate_series(1, 1500) n`);
      await control('neon', { holdReplyMs: 800 }); // each page's reply waits 0.8 s
      const started = performance.now();
      const res = await get(`/issuers/${many.issuerId}/revocations`);
      expect(res.headers.get('etag')).toBeNull();
      const reader = res.body!.getReader();
      await reader.read();
      const firstChunk = performance.now() - started;
      while (!(await reader.read()).done);
      const whole = performance.now() - started;
      expect(whole - firstChunk).toBeGreaterThan(600); // the second page was read after the first was sent
    } finally {
      await control('neon', { holdReplyMs: 0 });
      await depsFor(env).db.execute(sql`delete from assertions where issuer_id = ${many.issuerId}`);
      await many.cleanup();
    }
  });

  it('answers 404 for an unknown issuer', async () => {
    expect((await get('/issuers/nobody-here/revocations')).status).toBe(404);
  });
});
