/**
 * The freshness contract across isolates: each `worker()` is an isolate with its own memory (L1,
 * in-flight loads); Redis and Postgres are shared and real. Counts come from the local stack.
 */
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { control, neonStats, resetStats, upstashStats } from '../stack.ts';
import { worker } from '../worker.ts';

/** Short L1 lifetime, so "within the L1 bound" is quick to wait out. */
const L1_TTL_SECONDS = 1;
const isolate = (overrides: Partial<Cloudflare.Env> = {}) =>
  worker({ L1_TTL_SECONDS: String(L1_TTL_SECONDS), RATE_LIMIT_VERIFY_PER_MINUTE: '0', ...overrides });
const pastL1Bound = () => new Promise((resolve) => setTimeout(resolve, L1_TTL_SECONDS * 1000 + 100));

const status = async (w: ReturnType<typeof worker>, id: string) =>
  (await (await w.get(`/assertions/${id}/verify`)).json<VerificationReport>()).status;

const db = () => depsFor(env).db;
const redis = () => depsFor(env).redisClient!;

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());
afterEach(async () => {
  await control('upstash', { fault: null });
  await control('neon', { holdReplyMs: 0 });
  vi.restoreAllMocks();
});

async function issue(w: ReturnType<typeof worker>, count: number): Promise<string[]> {
  const recipients = Array.from({ length: count }, (_, i) => ({ identity: `r${i}@example.org` }));
  const res = await w.admin('POST', '/admin/assertions/batch', { badgeId: fixture.badgeId, recipients });
  expect(res.status).toBe(201);
  const body = await res.json<{ count: number; assertions: Array<{ id: string }>; cache: { redis: string } }>();
  expect(body).toMatchObject({ count, cache: { redis: 'done' } });
  return body.assertions.map((a) => a.id);
}

async function verifyAll(w: ReturnType<typeof worker>, ids: string[]) {
  for (let i = 0; i < ids.length; i += 100) {
    const res = await w.fetch('/verify/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ids.slice(i, i + 100) }),
    });
    await res.settled;
    const { results } = await res.response.json<{ results: VerificationReport[] }>();
    expect(results.every((r) => r.status === 'valid')).toBe(true);
  }
}

describe('a write changes only what it wrote', () => {
  it('batch issuance of 1,000 is one statement and one Redis write, and leaves them warm', async () => {
    const writer = isolate();
    await issue(writer, 1); // loads the scripts into Redis
    await resetStats();
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ identity: `bulk${i}@example.org` }));
    const { response, settled } = await writer.fetch('/admin/assertions/batch', {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ badgeId: fixture.badgeId, recipients }),
    });
    expect(response.status).toBe(201);
    // On the request's path: the insert (outbox rows included) and one script call.
    const timing = response.headers.get('server-timing') ?? '';
    expect(timing).toMatch(/db;dur=[\d.]+;desc="1 statements in 1 requests"/);
    expect(timing).toMatch(/redis;dur=[\d.]+;desc="1 requests"/);
    await settled;
    // In the background: settling the outbox rows, and at most one drain of older leftovers.
    expect((await neonStats()).statements).toBeLessThanOrEqual(3);
    const { assertions } = await response.json<{ assertions: Array<{ id: string; url: string }> }>();
    expect(assertions).toHaveLength(1000);
    expect(assertions[0]!.url).toBe(`${env.PUBLIC_BASE_URL}/assertions/${assertions[0]!.id}`);
  });

  it('an issuance between two passes over 1,000 warm assertions costs 0 statements in the second pass', async () => {
    const writer = isolate();
    const ids = await issue(writer, 1000);
    // Definitions reach Redis with their first read; the assertions were written through.
    await verifyAll(isolate(), ids.slice(0, 1));
    await resetStats();
    await verifyAll(isolate(), ids);
    expect((await neonStats()).statements).toBe(0);

    await issue(writer, 1);
    await resetStats();
    await verifyAll(isolate(), ids); // a new isolate: nothing in L1, everything from Redis
    expect((await neonStats()).statements).toBe(0);
    expect((await upstashStats()).requests).toBe(10); // one per batch of 100
  });

  it('a badge edit shows in the writer at once, in other isolates within the L1 bound, and flushes no assertion', async () => {
    const [id, other] = await issue(isolate(), 2);
    const reader = isolate();
    expect(await status(reader, id!)).toBe('valid'); // badge now in the reader's L1 and in Redis
    const writer = isolate();
    const name = `Renamed ${crypto.randomUUID().slice(0, 6)}`;
    expect((await writer.admin('PATCH', `/admin/badges/${fixture.badgeId}`, { name })).status).toBe(200);
    const badgeName = async (w: ReturnType<typeof worker>, assertion: string) =>
      (await (await w.get(`/assertions/${assertion}/verify`)).json<VerificationReport>()).badge?.name;
    expect(await badgeName(writer, id!)).toBe(name);

    await resetStats();
    const fresh = isolate();
    expect(await badgeName(fresh, other!)).toBe(name);
    expect((await neonStats()).statements).toBe(0); // the assertion stayed in Redis; the badge was written through
    await pastL1Bound();
    expect(await badgeName(reader, id!)).toBe(name);
  });
});

describe('revocation across isolates', () => {
  it('the writer and any isolate without the record in L1 see it at once; others within the L1 bound', async () => {
    const [id] = await issue(isolate(), 1);
    const reader = isolate();
    const writer = isolate();
    expect(await status(reader, id!)).toBe('valid');
    const res = await writer.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' });
    expect(await res.json()).toMatchObject({ revoked: true, cache: { redis: 'done' } });
    expect(await status(writer, id!)).toBe('revoked');
    await resetStats();
    expect(await status(isolate(), id!)).toBe('revoked');
    expect((await neonStats()).statements).toBe(0); // written through: Redis answers
    await pastL1Bound();
    expect(await status(reader, id!)).toBe('revoked');
  });

  it('a read whose database reply is held across a revoke cannot store its pre-revoke record', async () => {
    const id = await fixture.assertion(); // in the database only
    const reader = isolate({ CACHE_TIERS: 'redis' });
    await control('neon', { holdReplyMs: 600 });
    const inFlight = reader.fetch(`/assertions/${id}/verify`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // its statement has run; the reply waits
    await control('neon', { holdReplyMs: 0 });
    const revoked = await isolate().admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'in flight' });
    expect(await revoked.json()).toMatchObject({ cache: { redis: 'done' } });

    const { response, settled } = await inFlight;
    // It began before the revoke answered, so "valid" is a correct answer for it...
    expect((await response.json<VerificationReport>()).status).toBe('valid');
    await settled; // ...but its write-back of the old version was refused by the compare-and-set.
    expect(await redis().get<string>(`v3:a:${id}`)).toMatch(/^2\|/);
    const after = await isolate({ CACHE_TIERS: 'redis' }).get(`/assertions/${id}/verify`);
    expect(after.headers.get('x-cache')).toBe('HIT redis');
    expect((await after.json<VerificationReport>()).status).toBe('revoked');
  });

  it('a lagging read replica never brings a revoked record back', async () => {
    // The replica: a schema holding an older copy of the rows, read through DATABASE_URL_READ.
    const replica = 'lagging_replica';
    for (const table of ['issuers', 'badge_classes', 'assertions']) {
      await db().execute(sql.raw(`create schema if not exists ${replica}`));
      await db().execute(sql.raw(`create table if not exists ${replica}.${table} (like public.${table} including defaults)`));
    }
    const id = await fixture.assertion();
    await db().execute(
      sql`insert into ${sql.raw(replica)}.issuers select * from public.issuers where id = ${fixture.issuerId} on conflict do nothing`,
    );
    await db().execute(
      sql`insert into ${sql.raw(replica)}.badge_classes select * from public.badge_classes where id = ${fixture.badgeId} on conflict do nothing`,
    );
    await db().execute(sql`insert into ${sql.raw(replica)}.assertions select * from public.assertions where id = ${id}`);
    const withReplica = (overrides: Partial<Cloudflare.Env> = {}) =>
      isolate({
        DATABASE_URL_READ: `postgres://postgres@replica.localtest/replica?options=-csearch_path%3D${replica}`,
        CACHE_TIERS: 'redis',
        ...overrides,
      });

    try {
      await resetStats();
      expect(await status(withReplica(), id)).toBe('valid');
      expect((await neonStats())['db:replica']).toBe(1); // a Redis miss: the replica answered
      await isolate().admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'replica' });
      // The replica still says valid; Redis holds the revoke, and every reader goes there first.
      expect(await status(withReplica(), id)).toBe('revoked');
      // With Redis failing, a miss cannot be fenced: the primary answers, never the replica.
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      await control('upstash', { fault: 'error' });
      await resetStats();
      expect(await status(withReplica({ REDIS_TIMEOUT_MS: '100' }), id)).toBe('revoked');
      expect((await neonStats())['db:replica'] ?? 0).toBe(0);
    } finally {
      await db().execute(sql.raw(`drop schema ${replica} cascade`));
    }
  });
});

describe('Redis failing during a revoke', () => {
  const outboxRows = async (id: string) => (await db().execute(sql`select 1 from cache_outbox where record_id = ${id}`)).rows.length;

  it('commits and answers; reads meanwhile come from the database; Redis is repaired once it answers again', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const settings = { OUTBOX_RETRY_AFTER_SECONDS: '0', REDIS_TIMEOUT_MS: '100' };
    const [id] = await issue(isolate(), 1);
    const reader = isolate(settings);
    expect(await status(reader, id!)).toBe('valid');

    await control('upstash', { fault: 'error' });
    const writer = isolate(settings);
    const res = await writer.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'outage' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ revoked: true, cache: { redis: 'pending' } });
    expect(await outboxRows(id!)).toBe(1);
    expect(await status(writer, id!)).toBe('revoked');
    await pastL1Bound();
    expect(await status(reader, id!)).toBe('revoked'); // Redis fails: the primary answers

    await control('upstash', { fault: null });
    // Redis is back but still holds the pre-revoke record: the outbox has not been applied yet.
    expect(await redis().get<string>(`v3:a:${id}`)).toMatch(/^1\|/);
    // The first read in an isolate that saw the failure applies the outbox in the background.
    await pastL1Bound();
    await status(reader, id!);
    expect(await redis().get<string>(`v3:a:${id}`)).toMatch(/^2\|/);
    expect(await outboxRows(id!)).toBe(0);
    expect(await status(isolate(), id!)).toBe('revoked');
  });

  it('the Cron Trigger applies what a write left in the outbox, in any isolate', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const [id] = await issue(isolate(), 1);
    await control('upstash', { fault: 'error' });
    await isolate({ REDIS_TIMEOUT_MS: '100' }).admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'outage' });
    await control('upstash', { fault: null });
    expect(await status(isolate({ CACHE_TIERS: 'redis' }), id!)).toBe('valid'); // stale until the outbox is applied

    // Rows younger than OUTBOX_RETRY_AFTER_SECONDS are left to their writer; then the cron takes them.
    await isolate().scheduled();
    expect(await outboxRows(id!)).toBe(1);
    await isolate({ OUTBOX_RETRY_AFTER_SECONDS: '0' }).scheduled();
    expect(await outboxRows(id!)).toBe(0);
    expect(await status(isolate({ CACHE_TIERS: 'redis' }), id!)).toBe('revoked');
  });
});

describe('ids that have no record', () => {
  it('repeated lookups of a missing id cost one statement, and creating it is seen at once', async () => {
    const id = `missing-${crypto.randomUUID().slice(0, 8)}`;
    await resetStats();
    for (let i = 0; i < 10; i++) expect((await isolate().get(`/assertions/${id}/verify`)).status).toBe(404);
    for (let i = 0; i < 5; i++) expect((await isolate().get(`/issuers/${id}`)).status).toBe(404);
    expect((await neonStats()).statements).toBe(2); // one per kind; Redis remembers "none" for the rest
    const created = await isolate().admin('POST', '/admin/assertions', {
      id,
      badgeId: fixture.badgeId,
      recipient: { identity: 'late@example.org' },
    });
    expect(created.status).toBe(201);
    expect(await status(isolate(), id)).toBe('valid'); // the record (version 1) replaced the "none" (version 0)
  });

  it('a late "none" from a read that began before the issuance never hides the new record', async () => {
    const id = `late-${crypto.randomUUID().slice(0, 8)}`;
    const reader = isolate({ CACHE_TIERS: 'redis' });
    await control('neon', { holdReplyMs: 600 });
    const inFlight = reader.fetch(`/assertions/${id}/verify`); // reads "none" now, answers later
    await new Promise((resolve) => setTimeout(resolve, 200));
    await control('neon', { holdReplyMs: 0 });
    expect(
      (await isolate().admin('POST', '/admin/assertions', { id, badgeId: fixture.badgeId, recipient: { identity: 'race@example.org' } }))
        .status,
    ).toBe(201);
    const { response, settled } = await inFlight;
    expect(response.status).toBe(404);
    await settled;
    expect(await status(isolate({ CACHE_TIERS: 'redis' }), id)).toBe('valid');
  });
});
