/**
 * Recipients' plain identities are never stored, cached or logged, admin tokens never logged,
 * and issuers' private keys never leave the database unencrypted: after a session that issues,
 * verifies and signs with known secrets, every response, every Redis value, every database row
 * and every log line is searched for them.
 */
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIAL_KEY_SECRET } from '../../dev/bindings.ts';
import { parseApiKeyToken } from '../../src/access/api-key-token.ts';
import { recordKey } from '../../src/cache/keys.ts';
import { base58btc } from '../../src/credentials/multibase.ts';
import { fromBase64 } from '../../src/lib/base64.ts';
import { depsFor } from '../../src/platform/deps.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { ADMIN, worker } from '../worker.ts';

const w = worker();
const secrets = ['Priv.One', 'priv-two', 'PRIV_THREE'].map((name) => `${name}.${crypto.randomUUID().slice(0, 8)}@Example.org`);
const created: { issuer?: string; badge?: string; assertions: string[] } = { assertions: [] };

afterAll(async () => {
  const db = depsFor(env).db;
  for (const id of created.assertions) await db.execute(sql`delete from assertions where id = ${id}`);
  if (created.badge) await db.execute(sql`delete from badge_classes where id = ${created.badge}`);
  if (created.issuer) await db.execute(sql`delete from issuers where id = ${created.issuer}`);
});

/** Every console line from now until `vi.restoreAllMocks()`. */
function captureLogs(): string[] {
  const logged: string[] = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
  return logged;
}

describe('privacy', () => {
  it('keeps plaintext identities out of responses, Redis, the database and the logs', async () => {
    const logged = captureLogs();
    const responses: string[] = [];
    const keep = async (res: Response) => {
      responses.push(JSON.stringify([...res.headers]) + (await res.clone().text()));
      return res;
    };
    const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      w
        .fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
        .then((r) => keep(r.response));

    const issuer = await (
      await json('/admin/issuers', { name: 'Privacy Co', url: 'https://p.example.org', email: 'p@p.example.org' }, ADMIN)
    ).json<{ id: string }>();
    created.issuer = issuer.id;
    const badge = await (
      await json(
        '/admin/badges',
        { issuerId: issuer.id, name: 'P', description: 'd', criteria: { narrative: 'c' }, imageUrl: 'https://p.example.org/i.png' },
        ADMIN,
      )
    ).json<{ id: string }>();
    created.badge = badge.id;
    for (const identity of secrets) {
      const { id } = await (await json('/admin/assertions', { badgeId: badge.id, recipient: { identity } }, ADMIN)).json<{ id: string }>();
      created.assertions.push(id);
    }
    const [first, second] = created.assertions as [string, string];
    await json('/verify', { assertion: first, recipient: { identity: secrets[0] } });
    await json('/verify', { assertion: first, recipient: { identity: secrets[1] } });
    await json('/verify/batch', { ids: created.assertions, recipient: { identity: secrets[2] } });
    const form = new FormData();
    form.set('assertion', second);
    form.set('recipient_identity', secrets[1]!);
    await keep((await w.fetch('/verify', { method: 'POST', body: form })).response);
    for (const id of created.assertions) {
      await keep(await w.get(`/assertions/${id}`));
      await keep(await w.get(`/assertions/${id}/verify`));
    }
    await json('/admin/issuers', {}, { authorization: 'Bearer wrong-token-that-must-not-be-logged' });
    await json('/verify', { assertion: first, recipient: { identity: secrets[0] } }, {});
    vi.restoreAllMocks();

    const deps = depsFor(env);
    // Every record this test wrote, and every rate-limit key (the shared Redis may hold many other records).
    const keys = [
      ...created.assertions.map((id) => `v3:a:${id}`),
      `v3:b:${badge.id}`,
      recordKey('issuer', issuer.id),
      ...(await deps.redisClient!.keys('v1:ratelimit:*')),
    ];
    expect(await deps.redisClient!.exists(`v3:a:${first}`)).toBe(1); // the records really are cached
    const redisValues: unknown[] = [];
    for (let i = 0; i < keys.length; i += 100) redisValues.push(...(await deps.redisClient!.mget(...keys.slice(i, i + 100))));
    const tables = await deps.db.execute<{ doc: string }>(sql`
      select row_to_json(a)::text as doc from assertions a
      union all select row_to_json(b)::text from badge_classes b where b.id = ${badge.id}
      union all select row_to_json(i)::text from issuers i where i.id = ${issuer.id}`);

    const haystacks = {
      responses: responses.join('\n'),
      redis: JSON.stringify(redisValues),
      database: tables.rows.map((r) => r.doc).join('\n'),
      logs: logged.join('\n'),
    };
    expect(responses.length).toBeGreaterThan(10);
    expect(redisValues.length).toBeGreaterThan(0);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) {
        expect(text.toLowerCase().includes(secret.toLowerCase()), `${secret} found in ${where}`).toBe(false);
        expect(text.toLowerCase().includes(secret.toLowerCase().split('@')[0]!), `${secret} local part found in ${where}`).toBe(false);
      }
    }
    expect(haystacks.logs).not.toContain(env.ADMIN_TOKEN!);
    expect(haystacks.logs).not.toContain('wrong-token-that-must-not-be-logged');
  });

  it('keeps identities, tokens and query strings out of the request log lines and the metrics points', async () => {
    const fixture = await createIssuerWithBadge();
    try {
      const identity = `Metric.${crypto.randomUUID().slice(0, 8)}@Example.org`;
      const id = await fixture.assertion({ recipient: identity.toLowerCase() });
      await fetch(`${env.STACK_METRICS_URL}/__stats/reset`, { method: 'POST' });
      const logged = captureLogs();
      const token = 'bearer-token-that-must-not-be-logged';
      const calls = [
        w.fetch('/verify', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'cf-ray': identity },
          body: JSON.stringify({ assertion: id, recipient: { identity } }),
        }),
        w.fetch(`/assertions/${id}/verify?recipient=${encodeURIComponent(identity)}&token=${token}`),
        w.fetch(`/verify?url=${encodeURIComponent(`https://badges.test/assertions/nope?email=${identity}`)}`),
        w.fetch('/admin/issuers', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' }),
        w.fetch('/admin/issuers', { method: 'POST', headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` }, body: '{}' }),
      ];
      for (const call of calls) await (await call).settled;
      vi.restoreAllMocks();
      const points = await (await fetch(`${env.STACK_METRICS_URL}/__points`)).text();
      const lines = logged.filter((line) => line.startsWith('{'));
      expect(lines.length).toBeGreaterThanOrEqual(calls.length);
      for (const [where, text] of Object.entries({ logs: logged.join('\n'), points })) {
        for (const needle of [identity, identity.toLowerCase(), identity.split('@')[0]!, token, env.ADMIN_TOKEN!, 'recipient=', 'email']) {
          expect(text.toLowerCase().includes(needle.toLowerCase()), `${needle} found in ${where}`).toBe(false);
        }
      }
    } finally {
      await fixture.cleanup();
    }
  });

  it("keeps issuers' private keys out of responses, Redis, the logs and every column but their ciphertext", async () => {
    const logged = captureLogs();
    const fixture = await createIssuerWithBadge();
    try {
      const responses: string[] = [];
      const keep = async (res: Response) => responses.push(JSON.stringify([...res.headers]) + (await res.text()));
      const award = async () => {
        const res = await w.admin('POST', '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'key@example.org' } });
        return ((await res.clone().json()) as { id: string }).id;
      };
      const first = await award();
      const credential = await w.get(`/credentials/${first}`);
      const { statusListCredential } = ((await credential.clone().json()) as { credentialStatus: { statusListCredential: string } })
        .credentialStatus;
      await keep(credential);
      await keep(await w.get(new URL(statusListCredential).pathname));
      await keep(await w.admin('POST', `/admin/issuers/${fixture.issuerId}/keys`, {}));
      const second = await award();
      await keep(await w.get(`/credentials/${second}`));
      await keep(await w.admin('POST', `/admin/assertions/${first}/revoke`, { reason: 'privacy' }));
      await keep(await w.get(new URL(statusListCredential).pathname));
      vi.restoreAllMocks();

      const deps = depsFor(env);
      const stored = await deps.db.execute<{ id: string; ciphertext: string }>(
        sql`select id, encode(private_key_ciphertext, 'hex') as ciphertext from issuer_keys where issuer_id = ${fixture.issuerId}`,
      );
      expect(stored.rows).toHaveLength(2);
      // The private keys, decrypted here with the local key-encryption key: what must appear nowhere else.
      const kek = await crypto.subtle.importKey('raw', fromBase64(LOCAL_CREDENTIAL_KEY_SECRET), 'AES-GCM', false, ['decrypt']);
      const needles: string[] = [];
      for (const { id, ciphertext } of stored.rows) {
        const sealed = Uint8Array.from(ciphertext.match(/../g)!.map((h) => Number.parseInt(h, 16)));
        const aad = new TextEncoder().encode(`${fixture.issuerId}\n${id}`);
        const pkcs8 = new Uint8Array(
          await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: aad }, kek, sealed.subarray(12)),
        );
        const seed = pkcs8.subarray(pkcs8.length - 32);
        for (const secret of [seed, pkcs8]) {
          const b64 = btoa(String.fromCharCode(...secret));
          needles.push(
            [...secret].map((b) => b.toString(16).padStart(2, '0')).join(''),
            b64,
            b64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''),
            base58btc(secret).slice(1),
          );
        }
      }
      const keys = [
        ...(await deps.redisClient!.keys(`v3:cred:*`)),
        recordKey('issuer', fixture.issuerId),
        ...(await deps.redisClient!.keys(`v3:sl:*:${fixture.issuerId}:*`)),
      ];
      const redisValues = await deps.redisClient!.mget(...keys);
      const rows = await deps.db.execute<{ doc: string }>(sql`
        select row_to_json(i)::text as doc from issuers i where i.id = ${fixture.issuerId}
        union all select row_to_json(a)::text from assertions a where a.issuer_id = ${fixture.issuerId}
        union all select row_to_json(s)::text from status_lists s where s.issuer_id = ${fixture.issuerId}
        union all select row_to_json(k)::text from issuer_keys k where k.issuer_id = ${fixture.issuerId}`);
      const haystacks = {
        responses: responses.join('\n'),
        redis: JSON.stringify(redisValues),
        database: rows.rows.map((r) => r.doc).join('\n'),
        logs: logged.join('\n'),
      };
      expect(responses.join()).toContain('did:key:z6Mk'); // the public half is everywhere it should be
      for (const [where, text] of Object.entries(haystacks)) {
        for (const needle of needles) expect(text.includes(needle), `private key material found in ${where}`).toBe(false);
      }
    } finally {
      await fixture.cleanup();
    }
  });

  it("keeps an API key's secret out of every response but the creating one, the logs, Redis and every column", async () => {
    const logged = captureLogs();
    const fixture = await createIssuerWithBadge();
    try {
      const created = await w.admin('POST', '/admin/api-keys', {
        issuerId: fixture.issuerId,
        actions: ['issue', 'revoke'],
        label: 'privacy',
      });
      const { id, token } = await created.json<{ id: string; token: string }>();
      // The whole secret (base64url may itself hold `_`, so splitting the token on `_` could leave a fragment that matches anything).
      const secret = parseApiKeyToken(token)!.secret;
      expect(secret).toHaveLength(43);
      const responses: string[] = [];
      const keep = async (res: Response) => responses.push(JSON.stringify([...res.headers]) + (await res.text()));
      const asKey = (path: string, body: unknown) =>
        w.fetch(path, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const issued = await asKey('/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'apikey@example.org' } });
      await issued.settled;
      const { id: assertionId } = (await issued.response.clone().json()) as { id: string };
      await keep(issued.response);
      const revoked = await asKey(`/admin/assertions/${assertionId}/revoke`, { reason: 'privacy' });
      await revoked.settled;
      await keep(revoked.response);
      await keep(await w.get('/admin/api-keys', ADMIN));
      await keep(await w.get(`/admin/audit?issuer=${fixture.issuerId}`, ADMIN));
      await keep((await w.fetch(`/admin/api-keys/${id}`, { method: 'DELETE', headers: ADMIN })).response);
      vi.restoreAllMocks();

      const deps = depsFor(env);
      // Every API key record, and the records its requests wrote (the shared Redis holds other tests' keys too: not all of them).
      const keys = [
        ...(await deps.redisClient!.keys('v1:k:*')),
        recordKey('assertion', assertionId),
        recordKey('issuer', fixture.issuerId),
        recordKey('badge', fixture.badgeId),
      ];
      const redisValues = await deps.redisClient!.mget(...keys);
      expect(redisValues.some((value) => typeof value === 'string' && value.includes(id))).toBe(true);
      const rows = await deps.db.execute<{ doc: string }>(sql`
        select row_to_json(k)::text as doc from api_keys k
        union all select row_to_json(l)::text from audit_log l
        union all select row_to_json(i)::text from idempotency_keys i`);
      const haystacks = {
        responses: responses.join('\n'),
        redis: JSON.stringify(redisValues),
        database: rows.rows.map((r) => r.doc).join('\n'),
        logs: logged.join('\n'),
      };
      expect(haystacks.database).toContain(id); // the key is there, by id and hash
      for (const [where, text] of Object.entries(haystacks))
        expect(text.includes(secret), `the key's secret found in ${where}`).toBe(false);
    } finally {
      await fixture.cleanup();
    }
  });
});
