/**
 * Recipients' plain identities are never stored, cached or logged, and admin tokens never
 * logged: after a session that issues and verifies with known plaintexts, every response, every
 * Redis value, every database row and every log line is searched for them.
 */
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { depsFor } from '../../src/deps.ts';
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

describe('privacy', () => {
  it('keeps plaintext identities out of responses, Redis, the database and the logs', async () => {
    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
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
      `v3:i:${issuer.id}`,
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
});
