/**
 * API keys of issuers: a key acts for its issuer only, with its actions only; a revoked or
 * expired key stops working in every isolate within the L1 bound; only the root token manages
 * keys; the secret is shown once and stored as its hash only.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseApiKeyToken } from '../../src/access/api-key-token.ts';
import { resetStats, upstashStats } from '../stack.ts';
import { ADMIN, worker } from '../worker.ts';

const root = worker();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = () => crypto.randomUUID().slice(0, 8);

type Created = { id: string; token: string; issuerId: string | null; actions: string[] };

async function newKey(body: object): Promise<Created> {
  const response = await root.admin('POST', '/admin/api-keys', body);
  expect(response.status).toBe(201);
  return response.json<Created>();
}

/** This file's own client address: the refusals it provokes count against its own failure bucket, not other tests'. */
const ADDRESS = { 'cf-connecting-ip': `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}::1` };

/** A request of `w` with `token`, its background work awaited. */
async function as(w: ReturnType<typeof worker>, token: string, method: string, path: string, body?: unknown) {
  const { response, settled } = await w.fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...ADDRESS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await settled;
  return response;
}

/** Two issuers, each with a badge class and an award. */
async function twoIssuers() {
  const made: Array<{ issuer: string; badge: string; assertion: string }> = [];
  for (const name of ['A', 'B']) {
    const issuer = `issuer-${name}-${unique()}`;
    const badge = `badge-${name}-${unique()}`;
    expect(
      (
        await root.admin('POST', '/admin/issuers', {
          id: issuer,
          name: `Issuer ${name}`,
          url: 'https://example.org',
          email: 'x@example.org',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await root.admin('POST', '/admin/badges', {
          id: badge,
          issuerId: issuer,
          name: `Badge ${name}`,
          description: 'A badge.',
          criteria: { narrative: 'None.' },
          imageUrl: 'https://example.org/badge.png',
        })
      ).status,
    ).toBe(201);
    const issued = await root.admin('POST', '/admin/assertions', {
      badgeId: badge,
      recipient: { type: 'email', identity: 'ada@example.org' },
    });
    expect(issued.status).toBe(201);
    made.push({ issuer, badge, assertion: (await issued.json<{ id: string }>()).id });
  }
  return { a: made[0]!, b: made[1]! };
}

let records: Awaited<ReturnType<typeof twoIssuers>>;
beforeAll(async () => {
  records = await twoIssuers();
});

describe('a key of one issuer', () => {
  it('issues, revokes and edits for its issuer', async () => {
    const { a } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['issue', 'revoke', 'edit'], label: 'A office' });
    expect(key.token).toMatch(/^bv_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const issued = await as(root, key.token, 'POST', '/admin/assertions', {
      badgeId: a.badge,
      recipient: { type: 'email', identity: 'b@example.org' },
    });
    expect(issued.status).toBe(201);
    const { id } = await issued.json<{ id: string }>();
    expect((await as(root, key.token, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'Issued in error' })).status).toBe(200);
    expect((await as(root, key.token, 'PATCH', `/admin/badges/${a.badge}`, { name: 'Badge A, renamed' })).status).toBe(200);
    expect((await as(root, key.token, 'PATCH', `/admin/issuers/${a.issuer}`, { name: 'Issuer A, renamed' })).status).toBe(200);
  });

  it.each([
    [
      'issue',
      (b: typeof records.b) => ['POST', '/admin/assertions', { badgeId: b.badge, recipient: { type: 'email', identity: 'e@example.org' } }],
    ],
    [
      'issue a batch',
      (b: typeof records.b) => [
        'POST',
        '/admin/assertions/batch',
        {
          badgeId: b.badge,
          recipients: [
            { type: 'email', identity: 'e@example.org' },
            { type: 'email', identity: 'f@example.org' },
          ],
        },
      ],
    ],
    ['revoke', (b: typeof records.b) => ['POST', `/admin/assertions/${b.assertion}/revoke`, { reason: 'Not yours' }]],
    ['edit a badge class', (b: typeof records.b) => ['PATCH', `/admin/badges/${b.badge}`, { name: 'Hijacked' }]],
    ['edit the issuer', (b: typeof records.b) => ['PATCH', `/admin/issuers/${b.issuer}`, { name: 'Hijacked' }]],
    [
      'create a badge class',
      (b: typeof records.b) => [
        'POST',
        '/admin/badges',
        { issuerId: b.issuer, name: 'X', description: 'X', criteria: { narrative: 'X' }, imageUrl: 'https://example.org/x.png' },
      ],
    ],
    ['rotate its key', (b: typeof records.b) => ['POST', `/admin/issuers/${b.issuer}/keys`, undefined]],
    ['make a claim code', (b: typeof records.b) => ['POST', `/admin/assertions/${b.assertion}/claim-code`, {}]],
  ] as const)('cannot %s for another issuer: 403, nothing written, nothing purged', async (_, request) => {
    const { a, b } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['issue', 'revoke', 'edit', 'rotate-keys'] });
    const [method, path, body] = request(b);
    const before = await (await root.get(`/admin/audit?issuer=${b.issuer}`, ADMIN)).json<{ rows: unknown[] }>();
    const bBefore = await (await root.get(`/assertions/${b.assertion}/verify`)).json<{ status: string }>();
    const logged = vi.spyOn(console, 'log');
    const response = await as(root, key.token, method as string, path as string, body as unknown);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ status: 403, code: 'other_issuer' });
    // The request's log line (written once its background work is over) counts its purges:
    // a refused write attempts none.
    const requestLines = () => logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('"kind":"request"'));
    const [line] = await vi
      .waitFor(() => {
        const lines = requestLines();
        expect(lines).toHaveLength(1);
        return lines;
      })
      .finally(() => logged.mockRestore());
    expect(JSON.parse(line!)).toMatchObject({ status: 403, purge: 'none' });
    const after = await (await root.get(`/admin/audit?issuer=${b.issuer}`, ADMIN)).json<{ rows: unknown[] }>();
    expect(after.rows).toEqual(before.rows);
    expect((await (await root.get(`/assertions/${b.assertion}/verify`)).json<{ status: string }>()).status).toBe(bStatus(bBefore));
  });

  it('cannot do what it was not given', async () => {
    const { a } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['issue'] });
    const response = await as(root, key.token, 'POST', `/admin/assertions/${a.assertion}/revoke`, { reason: 'No' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'action_not_allowed' });
  });

  it('cannot create issuers (only a key of every issuer can) nor manage keys', async () => {
    const { a } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['issue', 'revoke', 'edit', 'rotate-keys'] });
    const created = await as(root, key.token, 'POST', '/admin/issuers', {
      name: 'New',
      url: 'https://example.org',
      email: 'n@example.org',
    });
    expect(created.status).toBe(403);
    for (const [method, path, body] of [
      ['POST', '/admin/api-keys', { issuerId: null, actions: ['issue'] }],
      ['GET', '/admin/api-keys', undefined],
      ['DELETE', `/admin/api-keys/${key.id}`, undefined],
    ] as const) {
      const response = await as(root, key.token, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'root_only' });
    }
    const everyIssuer = await newKey({ issuerId: null, actions: ['edit'] });
    const made = await as(root, everyIssuer.token, 'POST', '/admin/issuers', {
      name: 'New',
      url: 'https://example.org',
      email: 'n@example.org',
    });
    expect(made.status).toBe(201);
  });

  it('sees only its issuer’s audit rows', async () => {
    const { a, b } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['issue'] });
    const own = await (await as(root, key.token, 'GET', '/admin/audit')).json<{ rows: Array<{ issuerIds: string[] }> }>();
    expect(own.rows.length).toBeGreaterThan(0);
    expect(own.rows.every((row) => row.issuerIds.includes(a.issuer))).toBe(true);
    expect((await as(root, key.token, 'GET', `/admin/audit?issuer=${b.issuer}`)).status).toBe(403);
  });
});

const bStatus = (report: { status: string }) => report.status;

describe('a key that stops working', () => {
  it('fails in every isolate within the L1 bound once revoked', async () => {
    const { a } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['edit'] });
    const isolates = [worker(), worker(), worker()];
    const patch = () => ({ description: `edited ${unique()}` });
    // Each isolate has the key in its L1.
    for (const w of isolates) expect((await as(w, key.token, 'PATCH', `/admin/badges/${a.badge}`, patch())).status).toBe(200);
    expect((await root.admin('DELETE', `/admin/api-keys/${key.id}`, undefined)).status).toBe(200);
    const bound = Number(env.L1_TTL_SECONDS ?? 2) * 1000;
    const revokedAt = Date.now();
    const refusedAfter: number[] = [];
    for (const w of isolates) {
      for (;;) {
        const status = (await as(w, key.token, 'PATCH', `/admin/badges/${a.badge}`, patch())).status;
        if (status === 401) break;
        expect(status).toBe(200);
        expect(Date.now() - revokedAt).toBeLessThan(bound + 1_000);
        await sleep(200);
      }
      refusedAfter.push(Date.now() - revokedAt);
    }
    expect(Math.max(...refusedAfter)).toBeLessThanOrEqual(bound + 1_000);
    // A fresh isolate refuses it at once.
    expect((await as(worker(), key.token, 'PATCH', `/admin/badges/${a.badge}`, patch())).status).toBe(401);
  });

  it('fails once expired', async () => {
    const { a } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['edit'], expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await as(worker(), key.token, 'PATCH', `/admin/badges/${a.badge}`, { description: 'before' })).status).toBe(200);
    await sleep(1_600);
    expect((await as(worker(), key.token, 'PATCH', `/admin/badges/${a.badge}`, { description: 'after' })).status).toBe(401);
  });

  it('fails with a wrong secret, and counts against the failure limit like a wrong root token', async () => {
    const { a } = records;
    const key = await newKey({ issuerId: a.issuer, actions: ['edit'] });
    const wrong = `${key.token.slice(0, -4)}AAAA`;
    const w = worker({ RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '3' } as Partial<Cloudflare.Env>);
    const address = { 'cf-connecting-ip': `198.51.100.${Math.floor(Math.random() * 200) + 1}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { response, settled } = await w.fetch(`/admin/badges/${a.badge}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${wrong}`, 'content-type': 'application/json', ...address },
        body: JSON.stringify({ description: 'x' }),
      });
      await settled;
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});

describe('keys as the root token manages them', () => {
  it('shows the secret once: never in the list, and only its hash is kept', async () => {
    const key = await newKey({ issuerId: records.a.issuer, actions: ['issue'], label: 'listed' });
    const secret = parseApiKeyToken(key.token)!.secret; // whole, though base64url may hold `_`
    expect(secret).toHaveLength(43);
    const listed = await root.get('/admin/api-keys', ADMIN);
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).toContain(key.id);
    expect(text).not.toContain(secret);
    const { keys } = JSON.parse(text) as { keys: Array<{ id: string; label: string; actions: string[] }> };
    expect(keys.find((k) => k.id === key.id)).toMatchObject({ label: 'listed', actions: ['issue'] });
  });

  it('writes last_used_at at most once a minute, off the request path', async () => {
    const key = await newKey({ issuerId: records.a.issuer, actions: ['edit'] });
    const w = worker();
    await resetStats();
    for (let i = 0; i < 3; i++)
      expect((await as(w, key.token, 'PATCH', `/admin/badges/${records.a.badge}`, { description: `n${i}` })).status).toBe(200);
    const { keys } = await (await root.get('/admin/api-keys', ADMIN)).json<{ keys: Array<{ id: string; lastUsedAt: string | null }> }>();
    const used = keys.find((k) => k.id === key.id)!.lastUsedAt;
    expect(used).not.toBeNull();
    expect(Date.now() - Date.parse(used!)).toBeLessThan(60_000);
    expect((await upstashStats()).commands).toBeGreaterThan(0);
  });

  it('refuses a key for an issuer that does not exist, and actions that are not ones', async () => {
    expect((await root.admin('POST', '/admin/api-keys', { issuerId: `nobody-${unique()}`, actions: ['issue'] })).status).toBe(422);
    expect((await root.admin('POST', '/admin/api-keys', { issuerId: null, actions: ['delete-everything'] })).status).toBe(400);
    expect((await root.admin('POST', '/admin/api-keys', { issuerId: null, actions: [] })).status).toBe(400);
  });
});
