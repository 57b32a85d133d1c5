/**
 * Admin writes under an `Idempotency-Key`, and writes whose reply is lost: a retry writes nothing
 * and gets the first answer; a lost reply says the outcome is unknown (never "nothing was
 * written"), and what the committed write left in the outbox is applied once the database answers.
 */
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { control } from '../stack.ts';
import { ADMIN, worker } from '../worker.ts';

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());
afterEach(() => control('neon', { holdReplyMs: 0 }));

/**
 * A short database timeout (the default 5 s would only make the test slower), in every isolate of
 * the lost-reply tests: the driver's fetch function is global to the module, so the last isolate
 * built sets it for all.
 */
const TIMEOUT_MS = 1000;
const writer = () => worker({ DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) });

const post = (w: ReturnType<typeof worker>, path: string, body: unknown, key?: string) =>
  w.fetch(path, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
const awardsOfBadge = async () =>
  Number(
    (await depsFor(env).db.execute<{ n: string }>(sql`select count(*) as n from assertions where badge_class_id = ${fixture.badgeId}`))
      .rows[0]!.n,
  );
const batch = (n: number) => ({
  badgeId: fixture.badgeId,
  recipients: Array.from({ length: n }, (_, i) => ({ identity: `idem${i}@example.org` })),
});
type Issued = { count: number; assertions: Array<{ id: string; version: number }> };

describe('Idempotency-Key on admin writes', () => {
  it('a retried batch with the same key writes nothing and answers the first result, marked replayed', async () => {
    const w = worker();
    const before = await awardsOfBadge();
    const key = crypto.randomUUID();
    const first = await post(w, '/admin/assertions/batch', batch(3), key);
    await first.settled;
    expect(first.response.status).toBe(201);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    const firstBody = (await first.response.json()) as Issued;
    const retry = await post(worker(), '/admin/assertions/batch', batch(3), key);
    await retry.settled;
    expect(retry.response.status).toBe(201);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    const retryBody = (await retry.response.json()) as Issued;
    expect(retryBody.assertions).toEqual(firstBody.assertions);
    expect(await awardsOfBadge()).toBe(before + 3);
  });

  it('the same key for another request is a 422 and writes nothing; a malformed key is a 400', async () => {
    const w = worker();
    const key = crypto.randomUUID();
    expect((await post(w, '/admin/assertions/batch', batch(1), key)).response.status).toBe(201);
    const before = await awardsOfBadge();
    const other = await post(w, '/admin/assertions/batch', batch(2), key);
    expect(other.response.status).toBe(422);
    expect(((await other.response.json()) as { code: string }).code).toBe('idempotency_key_reused');
    expect(await awardsOfBadge()).toBe(before);
    const bad = await post(w, '/admin/assertions/batch', batch(1), 'x'.repeat(300));
    expect(bad.response.status).toBe(400);
    expect(((await bad.response.json()) as { code: string }).code).toBe('invalid_idempotency_key');
  });

  it('two concurrent requests with one key make one write: both answer the same awards', async () => {
    const before = await awardsOfBadge();
    const key = crypto.randomUUID();
    const [a, b] = await Promise.all([
      post(worker(), '/admin/assertions/batch', batch(2), key),
      post(worker(), '/admin/assertions/batch', batch(2), key),
    ]);
    await Promise.all([a.settled, b.settled]);
    expect([a.response.status, b.response.status]).toEqual([201, 201]);
    const [bodyA, bodyB] = (await Promise.all([a.response.json(), b.response.json()])) as Issued[];
    expect(bodyA!.assertions.map((x) => x.id)).toEqual(bodyB!.assertions.map((x) => x.id));
    expect(await awardsOfBadge()).toBe(before + 2);
  });

  it('each admin write takes a key: a retried revoke answers its first version', async () => {
    const w = worker();
    const issued = await post(w, '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'r@example.org' } });
    const { id } = (await issued.response.json()) as { id: string };
    const key = crypto.randomUUID();
    const first = (await (await post(w, `/admin/assertions/${id}/revoke`, { reason: 'a' }, key)).response.json()) as { version: number };
    const again = await post(w, `/admin/assertions/${id}/revoke`, { reason: 'a' }, key);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.response.json()) as { version: number }).version).toBe(first.version);
  });
});

describe('Idempotency-Key lifetime', () => {
  it('the Cron Trigger forgets keys older than 24 hours: the same key then makes a new write', async () => {
    const w = worker();
    const key = crypto.randomUUID();
    expect((await post(w, '/admin/assertions/batch', batch(1), key)).response.status).toBe(201);
    const db = depsFor(env).db;
    await db.execute(sql`update idempotency_keys set created_at = now() - interval '25 hours' where key = ${key}`);
    const before = await awardsOfBadge();
    await w.scheduled();
    const again = await post(w, '/admin/assertions/batch', batch(1), key);
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBeNull();
    expect(await awardsOfBadge()).toBe(before + 1);
  });
});

describe('a write whose reply is lost', () => {
  it('a revoke answers 503 write_outcome_unknown, has committed, is applied once the database answers, and a retry with its key returns it', async () => {
    const w = writer();
    const issued = await post(w, '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'lost@example.org' } });
    await issued.settled;
    const { id } = (await issued.response.json()) as { id: string };
    const reader = writer();
    expect((await (await reader.get(`/assertions/${id}/verify`)).json<VerificationReport>()).status).toBe('valid'); // now in Redis

    await control('neon', { holdReplyMs: TIMEOUT_MS + 1500 });
    const key = crypto.randomUUID();
    const lost = await post(w, `/admin/assertions/${id}/revoke`, { reason: 'lost reply' }, key);
    expect(lost.response.status).toBe(503);
    const problem = (await lost.response.json()) as { code: string };
    expect(problem.code).toBe('write_outcome_unknown');
    expect(lost.response.headers.get('retry-after')).toBeTruthy();
    await control('neon', { holdReplyMs: 0 });
    const failedAt = Date.now();
    const revokedAt = await depsFor(env).db.execute<{ revoked_at: string | null }>(sql`select revoked_at from assertions where id = ${id}`);
    expect(revokedAt.rows[0]!.revoked_at).not.toBeNull(); // committed, although the answer said unavailable

    await lost.settled; // the writer's drain after the lost reply
    const appliedWithinMs = Date.now() - failedAt;
    console.log(`lost reply: outbox applied ${appliedWithinMs} ms after the 503`);
    expect((await (await writer().get(`/assertions/${id}/verify`)).json<VerificationReport>()).status).toBe('revoked');
    expect(appliedWithinMs).toBeLessThan(7_000 + 2 * TIMEOUT_MS); // the stated bound: the last retry at 7 s, then one drain

    const retry = await post(w, `/admin/assertions/${id}/revoke`, { reason: 'lost reply' }, key);
    expect(retry.response.status).toBe(200);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a batch retried under its key after a lost reply makes each award once', async () => {
    const w = writer();
    const before = await awardsOfBadge();
    const key = crypto.randomUUID();
    await control('neon', { holdReplyMs: TIMEOUT_MS + 1500 });
    const lost = await post(w, '/admin/assertions/batch', batch(4), key);
    expect(lost.response.status).toBe(503);
    expect(((await lost.response.json()) as { code: string }).code).toBe('write_outcome_unknown');
    await control('neon', { holdReplyMs: 0 });
    await lost.settled;
    const retry = await post(w, '/admin/assertions/batch', batch(4), key);
    await retry.settled;
    expect(retry.response.status).toBe(201);
    expect(((await retry.response.json()) as Issued).count).toBe(4);
    expect(await awardsOfBadge()).toBe(before + 4);
  });
});
