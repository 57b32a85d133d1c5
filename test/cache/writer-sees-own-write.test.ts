/**
 * The isolate that wrote sees its write at once, and from then on: while Redis fails, once Redis
 * answers again still holding the pre-write record (the write-through failed; the outbox is not
 * applied yet), and across loads that began before the write. Each `worker()` is one isolate
 * with its own L1 and in-flight loads; Redis and Postgres are shared and real.
 */
import { env } from 'cloudflare:workers';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { control } from '../stack.ts';
import { worker } from '../worker.ts';

type Isolate = ReturnType<typeof worker>;

/** The default L1 lifetime (2 s): the writer's own copy of its write lives this long. */
const L1_TTL_MS = 2_000;
/** How long after the write answered the writer keeps reading it back. */
const WATCH_MS = 4_000;

const isolate = (overrides: Partial<Cloudflare.Env> = {}) =>
  worker({ REDIS_TIMEOUT_MS: '100', RATE_LIMIT_VERIFY_PER_MINUTE: '0', ...overrides });
const redis = () => depsFor(env).redisClient!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** What every read path of `w` says of `id`: the verification, the hosted document, POST /verify. */
async function states(w: Isolate, id: string) {
  const verify = await (await w.get(`/assertions/${id}/verify`)).json<VerificationReport>();
  const document = await w.get(`/assertions/${id}`, { accept: 'application/ld+json' });
  const { response, settled } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assertion: id }),
  });
  const posted = await response.json<VerificationReport>();
  await settled;
  return { verify: verify.status, document: document.status, post: posted.status };
}

const VALID = { verify: 'valid', document: 200, post: 'valid' };
const REVOKED = { verify: 'revoked', document: 410, post: 'revoked' };

/** Reads `id` through every path, back to back, until `untilMs` after `since`; the reads that did not answer `expected`. */
async function watch(w: Isolate, id: string, since: number, untilMs: number, expected: object) {
  const wrong: string[] = [];
  let reads = 0;
  while (Date.now() - since < untilMs) {
    const seen = await states(w, id);
    reads++;
    if (JSON.stringify(seen) !== JSON.stringify(expected)) wrong.push(`${Date.now() - since} ms: ${JSON.stringify(seen)}`);
  }
  expect(reads).toBeGreaterThan(0);
  return wrong;
}

/** An assertion `w` has read through every path: in its L1, and in Redis (version 1). */
async function warm(w: Isolate) {
  const id = await fixture.assertion();
  expect(await states(w, id)).toEqual(VALID);
  expect(await redis().get<string>(`v3:a:${id}`)).toMatch(/^1\|/);
  return id;
}

async function revoke(w: Isolate, id: string, redisState: 'done' | 'pending') {
  const res = await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'own write' });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ revoked: true, cache: { redis: redisState } });
  return Date.now();
}

describe('the writing isolate sees its revoke at once, and from then on', () => {
  it.each(['error', 'hang'] as const)('Redis failing (%s) during the revoke and after: every read for 4 s says revoked', async (fault) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const writer = isolate();
    const id = await warm(writer);
    await control('upstash', { fault });
    const answered = await revoke(writer, id, 'pending');
    expect(await watch(writer, id, answered, WATCH_MS, REVOKED)).toEqual([]);
  });

  it.each(['error', 'hang'] as const)(
    'Redis failing (%s) during the revoke, then answering with the pre-revoke record: the writer still says revoked',
    async (fault) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const writer = isolate();
      const id = await warm(writer);
      await control('upstash', { fault });
      const answered = await revoke(writer, id, 'pending');
      expect(await states(writer, id)).toEqual(REVOKED);
      await control('upstash', { fault: null });
      // Redis answers again, and still holds the record the revoke could not replace.
      expect(await redis().get<string>(`v3:a:${id}`)).toMatch(/^1\|/);
      // Left unread until the writer's own L1 copy has expired: a read past half its lifetime
      // would reload it in the background, and start the outbox drain that repairs Redis (a race).
      await sleep(L1_TTL_MS + 100 - (Date.now() - answered));
      expect(await watch(writer, id, answered, WATCH_MS + 500, REVOKED)).toEqual([]);
    },
  );

  it('an assertion created while Redis fails is not hidden by the "none" Redis remembered before', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const writer = isolate();
    const id = `own-${crypto.randomUUID().slice(0, 8)}`;
    expect((await writer.get(`/assertions/${id}/verify`)).status).toBe(404);
    expect(await redis().get<string>(`v3:a:${id}`)).toBe('0|');
    await control('upstash', { fault: 'error' });
    const created = await writer.admin('POST', '/admin/assertions', {
      id,
      badgeId: fixture.badgeId,
      recipient: { identity: 'own@example.org' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ cache: { redis: 'pending' } });
    const answered = Date.now();
    expect(await states(writer, id)).toEqual(VALID);
    await control('upstash', { fault: null });
    expect(await redis().get<string>(`v3:a:${id}`)).toBe('0|');
    await sleep(L1_TTL_MS + 100 - (Date.now() - answered));
    expect(await watch(writer, id, answered, WATCH_MS, VALID)).toEqual([]);
  });
});

describe('a read that began before the revoke and answers after it', () => {
  it.each([
    ['answering', null],
    ['failing', 'error'],
  ] as const)('cannot put the old record back into L1, with Redis %s (even after L1 let go of the revoke’s copy)', async (_, fault) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    // Three entries: one more bundle read evicts the revoke's own copy.
    const writer = isolate({ L1_MAX_ENTRIES: '3' });
    const id = await fixture.assertion(); // in the database only
    const other = await fixture.assertion();
    await control('neon', { holdReplyMs: 800 });
    const inFlight = writer.fetch(`/assertions/${id}/verify`); // its statement runs now, its reply waits
    await sleep(250);
    await control('neon', { holdReplyMs: 0 });
    if (fault) await control('upstash', { fault });
    const answered = await revoke(writer, id, fault ? 'pending' : 'done');
    expect(await states(writer, other)).toEqual(VALID); // fills L1: the revoke's copy is evicted
    const { response, settled } = await inFlight;
    // It began before the revoke, so "valid" is a correct answer for it; what it keeps is not.
    expect((await response.json<VerificationReport>()).status).toBe('valid');
    await settled;
    expect(await watch(writer, id, answered, L1_TTL_MS + 500, REVOKED)).toEqual([]);
  });

  it('is not joined by a read that starts after the revoke answered (Redis hanging, no L1)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const writer = isolate({ CACHE_TIERS: 'redis' });
    const id = await fixture.assertion();
    await control('upstash', { fault: 'hang' });
    await control('neon', { holdReplyMs: 800 });
    const inFlight = writer.fetch(`/assertions/${id}/verify`); // Redis times out, then the primary's reply is held
    await sleep(350);
    await control('neon', { holdReplyMs: 0 });
    const answered = await revoke(writer, id, 'pending');
    const after = writer.get(`/assertions/${id}/verify`); // while the first read is still in flight
    expect((await (await inFlight).response.json<VerificationReport>()).status).toBe('valid');
    expect((await (await after).json<VerificationReport>()).status).toBe('revoked');
    expect(await watch(writer, id, answered, L1_TTL_MS, REVOKED)).toEqual([]);
  });
});

describe("the writer's status lists", () => {
  /** POST /verify of the OB 3.0 credential in `w`: what its status list says. */
  const credentialStatus = async (w: Isolate, credential: unknown) => {
    const { response, settled } = await w.fetch('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential }),
    });
    await settled;
    return (await response.json<VerificationReport>()).ob3?.status;
  };

  it('a revoke while Redis fails: its list says revoked in the writer, also once Redis answers again with the old list', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = isolate();
    const issued = await w.admin('POST', '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'lists@example.org' } });
    const { id } = await issued.json<{ id: string }>(); // issued: it has a position on a status list
    const credential = await (await w.get(`/credentials/${id}`)).json();
    expect(await credentialStatus(w, credential)).toBe('active'); // the list is kept in Redis now
    await control('upstash', { fault: 'error' });
    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'x' })).status).toBe(200);
    expect(await credentialStatus(w, credential)).toBe('revoked');
    await control('upstash', { fault: null }); // Redis answers again, still with the pre-revoke list
    expect(await credentialStatus(w, credential)).toBe('revoked');
    expect(await credentialStatus(w, credential)).toBe('revoked');
  });
});
