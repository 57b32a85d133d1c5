/** Rate limits per client address, on the real Redis through @upstash/ratelimit. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { control } from '../stack.ts';
import { ADMIN, worker } from '../worker.ts';

const address = () => `203.0.113.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 6)}`;
afterEach(async () => {
  await control('upstash', { fault: null });
  vi.restoreAllMocks();
});

const verify = (w: ReturnType<typeof worker>, ip: string) =>
  w
    .fetch('/verify/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
      body: JSON.stringify({ ids: ['nothing-here'] }),
    })
    .then((r) => r.response);

describe('POST /verify rate limit', () => {
  it('answers 429 with Retry-After past the limit, per address', async () => {
    const w = worker({ RATE_LIMIT_VERIFY_PER_MINUTE: '3' });
    const ip = address();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await verify(w, ip)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await verify(w, ip);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
    expect((await verify(w, address())).status).toBe(200); // another address is not affected
  });

  it('fails open when Redis is down', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ RATE_LIMIT_VERIFY_PER_MINUTE: '1', REDIS_TIMEOUT_MS: '100' });
    await control('upstash', { fault: 'error' });
    const ip = address();
    expect([(await verify(w, ip)).status, (await verify(w, ip)).status]).toEqual([200, 200]);
  });
});

describe('admin authentication failures', () => {
  const attempt = (w: ReturnType<typeof worker>, ip: string, token: string) =>
    w
      .fetch('/admin/issuers', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip, 'content-type': 'application/json' },
        body: '{}',
      })
      .then((r) => r.response);

  it('locks an address out after too many wrong tokens, even for the right one', async () => {
    const w = worker({ RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '2' });
    const ip = address();
    expect((await attempt(w, ip, 'guess-number-one')).status).toBe(401);
    expect((await attempt(w, ip, 'guess-number-two')).status).toBe(401);
    const locked = await attempt(w, ip, ADMIN.authorization.slice('Bearer '.length));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    expect((await attempt(w, address(), ADMIN.authorization.slice('Bearer '.length))).status).toBe(400); // authenticated, empty body
  });

  it('counts failures in the isolate while Redis is down: the right token still works, guessing stays limited', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '2', REDIS_TIMEOUT_MS: '100' });
    await control('upstash', { fault: 'error' });
    const ip = address();
    // An issuer can still write (here: authenticated, then 400 for the empty body) while Redis is down.
    expect((await attempt(w, ip, ADMIN.authorization.slice('Bearer '.length))).status).toBe(400);
    expect((await attempt(w, ip, 'guess-number-one')).status).toBe(401);
    expect((await attempt(w, ip, 'guess-number-two')).status).toBe(401);
    const locked = await attempt(w, ip, 'guess-number-three');
    expect(locked.status).toBe(429);
    expect(await locked.json()).toMatchObject({ code: 'rate_limited' });
    expect((await attempt(w, address(), ADMIN.authorization.slice('Bearer '.length))).status).toBe(400); // another address is not affected
  });
});

describe('revocation lists, which no cache tier keeps', () => {
  const list = (w: ReturnType<typeof worker>, ip: string) =>
    w.fetch('/issuers/no-such-issuer/revocations', { headers: { 'cf-connecting-ip': ip } }).then((r) => r.response);

  it('answer 429 past the limit, per address', async () => {
    const w = worker({ RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '2' });
    const ip = address();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await list(w, ip)).status);
    expect(statuses).toEqual([404, 404, 429]);
    expect((await list(w, address())).status).toBe(404);
  });

  it('stay limited in each isolate while Redis is down', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '2', REDIS_TIMEOUT_MS: '100' });
    await control('upstash', { fault: 'error' });
    const ip = address();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await list(w, ip)).status);
    expect(statuses).toEqual([404, 404, 429]);
  });
});

describe('client buckets: IPv6 by its /64, IPv4 by address', () => {
  const random = (below: number) => Math.floor(Math.random() * below);
  /** A fresh /64 of the documentation prefix, written four ways, and the /64 next to it. */
  function network() {
    const [a, b] = [random(0x10000), random(0xffff)];
    const hex = (n: number) => n.toString(16);
    const full = (n: number) => hex(n).padStart(4, '0').toUpperCase();
    return {
      spellings: [
        `2001:db8:${hex(a)}:${hex(b)}::1`,
        `2001:0DB8:${full(a)}:${full(b)}:0000:0000:0000:0002`,
        `2001:db8:${hex(a)}:${hex(b)}:ffff:ffff:ffff:ffff`,
        `2001:db8:${hex(a)}:${hex(b)}::3%eth0`,
      ],
      neighbour: `2001:db8:${hex(a)}:${hex(b + 1)}::1`,
    };
  }
  const token = ADMIN.authorization.slice('Bearer '.length);
  const attempt = (w: ReturnType<typeof worker>, ip: string, bearer: string) =>
    w
      .fetch('/admin/issuers', {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'cf-connecting-ip': ip, 'content-type': 'application/json' },
        body: '{}',
      })
      .then((r) => r.response.status);
  const list = (w: ReturnType<typeof worker>, ip: string) =>
    w.fetch('/issuers/no-such-issuer/revocations', { headers: { 'cf-connecting-ip': ip } }).then((r) => r.response.status);

  it('addresses of one /64, however written, share one verify budget; the next /64 has its own', async () => {
    const w = worker({ RATE_LIMIT_VERIFY_PER_MINUTE: '3' });
    const { spellings, neighbour } = network();
    const statuses = [];
    for (const ip of spellings) statuses.push((await verify(w, ip)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await verify(w, neighbour)).status).toBe(200);
  });

  it('addresses of one /64 share one admin-failure budget: two guesses lock the whole /64 out, not the next', async () => {
    const w = worker({ RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '2' });
    const { spellings, neighbour } = network();
    expect(await attempt(w, spellings[0]!, 'guess-number-one')).toBe(401);
    expect(await attempt(w, spellings[1]!, 'guess-number-two')).toBe(401);
    expect(await attempt(w, spellings[2]!, token)).toBe(429);
    expect(await attempt(w, spellings[3]!, token)).toBe(429);
    expect(await attempt(w, neighbour, token)).toBe(400); // authenticated, empty body
  });

  it('addresses of one /64 share one revocation-list budget, in Redis and in the isolate while Redis is down', async () => {
    const w = worker({ RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '2' });
    const shared = network();
    expect([await list(w, shared.spellings[0]!), await list(w, shared.spellings[1]!), await list(w, shared.spellings[2]!)]).toEqual([
      404, 404, 429,
    ]);
    expect(await list(w, shared.neighbour)).toBe(404);

    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const down = worker({ RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '2', REDIS_TIMEOUT_MS: '100' });
    await control('upstash', { fault: 'error' });
    const isolated = network();
    expect([
      await list(down, isolated.spellings[1]!),
      await list(down, isolated.spellings[3]!),
      await list(down, isolated.spellings[0]!),
    ]).toEqual([404, 404, 429]);
    expect(await list(down, isolated.neighbour)).toBe(404);
  });

  it('an IPv4-mapped IPv6 address is its IPv4 address; IPv4 addresses stay one budget each; malformed ones are answered', async () => {
    const w = worker({ RATE_LIMIT_VERIFY_PER_MINUTE: '2' });
    const [b, c, d] = [18 + random(2), random(256), random(254)];
    const v4 = `198.${b}.${c}.${d}`;
    const statuses = [];
    for (const ip of [v4, `::ffff:${v4}`, `::FFFF:${v4}`]) statuses.push((await verify(w, ip)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await verify(w, `198.${b}.${c}.${d + 1}`)).status).toBe(200);
    for (const malformed of ['1::2::3', '2001:db8::g', '::ffff:300.1.1.1', '%', ':::', 'not an address', '', 'x'.repeat(2000)])
      expect([200, 429]).toContain((await verify(w, malformed)).status);
  });
});
