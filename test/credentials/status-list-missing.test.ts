/**
 * Status lists that do not exist (an issuer's list number it never allocated, or an unknown
 * issuer): answered from the tiers after the first miss, kept briefly at the edge, and shown at
 * once when issuance allocates the list.
 */
import CachePolicy from 'http-cache-semantics';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STATUS_LIST_SIZE } from '../../src/db/schema.ts';
import { createIssuerWithBadge, uid } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  // One award short of a full list 0: the next-but-one award allocates list 1.
  fixture = await createIssuerWithBadge({ issuer: { nextStatusIndex: STATUS_LIST_SIZE - 1 } });
});
afterAll(() => fixture.cleanup());
afterEach(() => vi.restoreAllMocks());

const issue = async (w: ReturnType<typeof worker>) => {
  const res = await w.admin('POST', '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'dora@example.org' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

describe('GET /status/{issuer}/{list} of a list that does not exist', () => {
  it('50 reads of a list number a known issuer never allocated: 404, and 0 statements after the first miss', async () => {
    const path = `/status/${fixture.issuerId}/7`;
    expect((await worker().get(`/issuers/${fixture.issuerId}`)).status).toBe(200); // the issuer is cached
    await resetStats();
    expect((await worker().get(path)).status).toBe(404);
    expect((await neonStats()).statements).toBe(1); // the list's statement finds it not allocated
    await resetStats();
    const statuses = new Set<number>();
    for (let i = 0; i < 50; i++) statuses.add((await worker().get(path)).status);
    expect([...statuses]).toEqual([404]);
    expect((await neonStats()).statements).toBe(0);
  });

  it('50 reads of a list of an unknown issuer cost at most 1 statement, and other list numbers of it none', async () => {
    const nobody = uid('nobody');
    await resetStats();
    for (let i = 0; i < 50; i++) expect((await worker().get(`/status/${nobody}/0`)).status).toBe(404);
    for (let list = 1; list <= 10; list++) expect((await worker().get(`/status/${nobody}/${list}`)).status).toBe(404);
    expect((await neonStats()).statements).toBeLessThanOrEqual(1);
  });

  it('the 404 is kept by the edge for a short bounded time, tagged with the list', async () => {
    for (const [issuerId, list] of [
      [uid('nobody'), 0],
      [fixture.issuerId, 9],
    ] as const) {
      const path = `/status/${issuerId}/${list}`;
      const res = await worker().get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-tag')).toBe(`status:${issuerId}:${list}`);
      expect(res.headers.get('cache-control')).toBe('public, max-age=10');
      const edge = edgePolicy(path, res);
      expect(edge?.storable()).toBe(true);
      // Fresh at the edge 10 s, and kept at most 10 s more, only while the Worker answers errors.
      expect(edge!.maxAge()).toBe(10);
      expect(edge!.timeToLive()).toBeLessThanOrEqual(20_000);
    }
  });

  it('a list that issuance allocates is served at once: the award purges its 404 at the edge, and every isolate serves it', async () => {
    const purged: string[][] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== PURGE_URL) return realFetch(input, init);
      purged.push((JSON.parse(String(init?.body)) as { tags: string[] }).tags);
      return Response.json({ success: true });
    });
    const edge = new Edge();
    // Short timeouts: the write's second purge waits for them.
    const w = worker({ WORKERS_CACHE_PURGE_URL: PURGE_URL, L1_TTL_SECONDS: '1', DATABASE_TIMEOUT_MS: '500', REDIS_TIMEOUT_MS: '150' });
    const path = `/status/${fixture.issuerId}/1`;
    const reader = worker();
    expect((await edge.get(w, path)).status).toBe(404);
    expect((await edge.get(w, path)).cache).toBe('HIT');
    expect((await reader.get(path)).status).toBe(404); // and the tiers remember it

    await issue(w); // position STATUS_LIST_SIZE - 1, still list 0
    const id = await issue(w); // position STATUS_LIST_SIZE: list 1 is allocated
    expect(purged.flat()).toContain(`status:${fixture.issuerId}:1`);
    for (const tags of purged) edge.purge(tags);

    const credential = (await (await w.get(`/credentials/${id}`)).json()) as { credentialStatus: { statusListCredential: string } };
    expect(new URL(credential.credentialStatus.statusListCredential).pathname).toBe(path);
    expect(await edge.get(w, path)).toMatchObject({ status: 200, cache: 'MISS' });
    for (const isolate of [reader, worker()]) expect((await isolate.get(path)).status).toBe(200);
  });
});

const PURGE_URL = 'http://edge-purge.test/__purge';

/** What the edge keeps, by the local Workers Cache stand-in's rules (`dev/workers-cache.ts`): its header precedence, RFC 9111 via http-cache-semantics. */
function edgePolicy(path: string, res: Response): CachePolicy | undefined {
  const headers = Object.fromEntries(res.headers);
  if (/private|no-store/i.test(headers['cache-control'] ?? '')) return undefined;
  const cacheControl = headers['cloudflare-cdn-cache-control'] ?? headers['cdn-cache-control'] ?? headers['cache-control'];
  if (cacheControl === undefined) return undefined;
  return new CachePolicy(
    { url: path, method: 'GET', headers: {} },
    { status: res.status, headers: { ...headers, 'cache-control': cacheControl } },
    { shared: true },
  );
}

/** A cache in front of an isolate that keeps what `edgePolicy` allows while fresh, and drops entries by tag. */
class Edge {
  readonly #entries = new Map<string, { status: number; tags: string[]; until: number }>();

  async get(w: ReturnType<typeof worker>, path: string): Promise<{ status: number; cache: 'HIT' | 'MISS' }> {
    const kept = this.#entries.get(path);
    if (kept && kept.until > Date.now()) return { status: kept.status, cache: 'HIT' };
    const res = await w.get(path);
    const policy = edgePolicy(path, res);
    if (policy?.storable() && policy.maxAge() > 0) {
      const tags = (res.headers.get('cache-tag') ?? '').split(',').map((tag) => tag.trim().toLowerCase());
      this.#entries.set(path, { status: res.status, tags, until: Date.now() + policy.maxAge() * 1000 });
    }
    return { status: res.status, cache: 'MISS' };
  }

  purge(tags: readonly string[]) {
    const purged = new Set(tags.map((tag) => tag.toLowerCase()));
    for (const [path, entry] of this.#entries) if (entry.tags.some((tag) => purged.has(tag))) this.#entries.delete(path);
  }
}
