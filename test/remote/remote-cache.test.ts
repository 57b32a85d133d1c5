/**
 * Remote documents in the record tiers: fresh copies cost no request (L1 in the isolate, Redis
 * across isolates), freshness is the headers' clamped by kind, stale copies are revalidated, a
 * definition (never a status document) outlives its origin's failure, and concurrent or repeated
 * asks of one broken document reach its origin once.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { remoteDocumentKey } from '../../src/cache/keys.ts';
import { RemoteFetchError } from '../../src/remote/types.ts';
import { fetchOnce, forgetRemoteCopies, hitsOf, hostileUrl, isolate, sleep } from './hostile.ts';

afterAll(forgetRemoteCopies);

/** Small bounds, so a test can outwait them. */
const SHORT = { REMOTE_STATUS_TTL_SECONDS: '2', REMOTE_DEFINITION_TTL_SECONDS: '3' };

describe('fresh copies', () => {
  it('serves a fresh document from L1 with no request, and from Redis in another isolate', async () => {
    const url = hostileUrl('/json?max-age=60');
    const first = isolate();
    const fetched = await fetchOnce(first, url);
    expect(fetched.source).toMatchObject({ from: 'network', status: 200, freshForSeconds: 60, ageSeconds: 0 });
    expect(fetched.trace.remoteFetches).toBe(1);

    const again = await fetchOnce(first, url);
    expect(again.document).toEqual(fetched.document);
    expect(again.source).toMatchObject({ from: 'cache', freshForSeconds: 60 });
    expect(again.trace).toMatchObject({ remoteFetches: 0, redisRequests: 0 });

    const elsewhere = await fetchOnce(isolate(), url);
    expect(elsewhere.document).toEqual(fetched.document);
    expect(elsewhere.source).toMatchObject({ from: 'cache' });
    expect(elsewhere.trace).toMatchObject({ remoteFetches: 0, redisRequests: 1 });
    expect((await hitsOf(url)).hits).toBe(1);
  });

  it('lists each document once per session, however often it is asked for', async () => {
    const { session, scope } = isolate().session();
    const [a, b] = [hostileUrl('/json'), hostileUrl('/status/500')];
    await session.fetchDocument(a, 'definition');
    await expect(session.fetchDocument(b, 'status')).rejects.toBeInstanceOf(RemoteFetchError);
    await session.fetchDocument(a, 'definition');
    await expect(session.fetchDocument(b, 'status')).rejects.toMatchObject({ code: 'bad_status' });
    expect(session.sources).toEqual([
      { url: a, kind: 'definition', from: 'network', status: 200, ageSeconds: 0, freshForSeconds: 86_400 },
      { url: b, kind: 'status', from: 'network', error: { code: 'bad_status', message: `${b} answered HTTP 500.` } },
    ]);
    expect(scope.cache.remoteFetches).toBe(2);
  });

  it('ignores a negative or malformed Age, which would keep a copy fresh past every bound', async () => {
    const w = isolate(SHORT);
    for (const age of ['-100000000', 'soon']) {
      const url = hostileUrl(`/json?max-age=60&age=${age}`);
      expect((await fetchOnce(w, url, 'status')).source).toMatchObject({ ageSeconds: 0, freshForSeconds: 2 });
      await sleep(2_100);
      expect((await fetchOnce(w, url, 'status')).source).toMatchObject({ from: 'network' });
      expect((await hitsOf(url)).hits).toBe(2);
    }
  });

  it('keeps a document without caching headers for its kind’s bound', async () => {
    const w = isolate(SHORT);
    expect((await fetchOnce(w, hostileUrl('/json'))).source).toMatchObject({ freshForSeconds: 3 });
    expect((await fetchOnce(w, hostileUrl('/json'), 'status')).source).toMatchObject({ freshForSeconds: 2 });
  });

  it('asks again for a 404 every time, and keeps a 410 as status', async () => {
    const w = isolate(SHORT);
    const missing = hostileUrl('/status/404');
    await fetchOnce(w, missing);
    expect((await fetchOnce(w, missing)).source).toMatchObject({ from: 'network', status: 404, freshForSeconds: 0 });
    expect((await hitsOf(missing)).hits).toBe(2);
    const gone = hostileUrl('/gone');
    expect((await fetchOnce(w, gone)).source).toMatchObject({ from: 'network', status: 410, freshForSeconds: 2 });
    expect((await fetchOnce(w, gone)).source).toMatchObject({ from: 'cache', status: 410 });
  });

  it('keeps nothing an origin marks no-store', async () => {
    const w = isolate();
    const url = hostileUrl('/json?cache-control=no-store');
    await fetchOnce(w, url);
    expect((await fetchOnce(w, url)).source).toMatchObject({ from: 'network', freshForSeconds: 0 });
    expect((await hitsOf(url)).hits).toBe(2);
  });
});

describe('freshness bounds', () => {
  it('keeps a status document that allows an hour for REMOTE_STATUS_TTL_SECONDS only', async () => {
    const w = isolate(SHORT);
    const url = hostileUrl('/json?max-age=3600');
    expect((await fetchOnce(w, url, 'status')).source).toMatchObject({ from: 'network', freshForSeconds: 2 });
    expect((await fetchOnce(isolate(SHORT), url, 'status')).source).toMatchObject({ from: 'cache' });
    await sleep(2_100);
    const later = await fetchOnce(w, url, 'status');
    expect(later.source).toMatchObject({ from: 'network', freshForSeconds: 2 });
    expect(later.trace.remoteFetches).toBe(1);
    expect((await hitsOf(url)).hits).toBe(2);
  });

  it('counts freshness from when the origin produced the answer: its Age included', async () => {
    const w = isolate(SHORT);
    const url = hostileUrl('/json?max-age=3600&age=2');
    expect((await fetchOnce(w, url, 'status')).source).toMatchObject({ from: 'network', ageSeconds: 2, freshForSeconds: 2 });
    expect((await fetchOnce(w, url, 'status')).source).toMatchObject({ from: 'network' });
    expect((await hitsOf(url)).hits).toBe(2);
  });

  it('does not hand a status asker a copy only fresh enough for a definition', async () => {
    const w = isolate(SHORT);
    const url = hostileUrl('/json?max-age=3600');
    await fetchOnce(w, url, 'definition');
    await sleep(2_100);
    expect((await fetchOnce(w, url, 'definition')).source).toMatchObject({ from: 'cache' });
    expect((await fetchOnce(w, url, 'status')).source).toMatchObject({ from: 'network' });
  });
});

describe('revalidation', () => {
  it('renews a stale copy with its ETag: a 304 costs one request and no body', async () => {
    const w = isolate();
    const url = hostileUrl('/json?max-age=1&etag=%22v1%22');
    const first = await fetchOnce(w, url);
    await sleep(1_100);
    const renewed = await fetchOnce(w, url);
    expect(renewed.source).toMatchObject({ from: 'revalidated', status: 200, ageSeconds: 0, freshForSeconds: 1 });
    expect(renewed.document).toEqual(first.document);
    expect(renewed.trace.remoteFetches).toBe(1);
    expect(await hitsOf(url)).toMatchObject({ hits: 2, notModified: 1 });
    // Renewed in L1 and Redis alike.
    expect((await fetchOnce(w, url)).source).toMatchObject({ from: 'cache' });
    expect((await fetchOnce(isolate(), url)).source).toMatchObject({ from: 'cache' });
  });

  it('renews a stale copy with its Last-Modified', async () => {
    const w = isolate();
    const lastModified = new Date(Date.now() - 86_400_000).toUTCString();
    const url = hostileUrl(`/json?max-age=1&last-modified=${encodeURIComponent(lastModified)}`);
    await fetchOnce(w, url);
    await sleep(1_100);
    expect((await fetchOnce(w, url)).source).toMatchObject({ from: 'revalidated' });
    expect(await hitsOf(url)).toMatchObject({ hits: 2, notModified: 1 });
  });

  it('does not renew a stale copy with a 304 whose ETag is another: it asks again, unconditionally', async () => {
    const w = isolate();
    const url = hostileUrl('/json?max-age=1&etag=%22v1%22&304-etag=%22v2%22');
    await fetchOnce(w, url, 'status');
    await sleep(1_100);
    const { document, source, trace } = await fetchOnce(w, url, 'status');
    expect(source).toMatchObject({ from: 'network', status: 200 });
    expect(JSON.parse((document as { body: string }).body)).toMatchObject({ hit: 3 });
    expect(trace.remoteFetches).toBe(2);
    expect(await hitsOf(url)).toMatchObject({ hits: 3, notModified: 1 });
  });

  it('fetches a stale copy without validators again in full', async () => {
    const w = isolate();
    const url = hostileUrl('/json?max-age=1');
    await fetchOnce(w, url);
    await sleep(1_100);
    expect((await fetchOnce(w, url)).source).toMatchObject({ from: 'network' });
    expect(await hitsOf(url)).toMatchObject({ hits: 2, notModified: 0 });
  });
});

describe('when the origin fails', () => {
  it('serves a stale definition while its origin answers 5xx, and remembers the failure', async () => {
    const url = hostileUrl('/json?max-age=1&fail-after=1');
    const first = await fetchOnce(isolate(), url);
    await sleep(1_100);
    const w = isolate();
    const stale = await fetchOnce(w, url);
    expect(stale.document).toEqual(first.document);
    expect(stale.source).toMatchObject({ from: 'stale', status: 200, freshForSeconds: 1 });
    expect(stale.source.ageSeconds).toBeGreaterThanOrEqual(1);
    expect((await fetchOnce(w, url)).source).toMatchObject({ from: 'stale' });
    expect((await hitsOf(url)).hits).toBe(2);
  });

  it('never serves a stale status document: it throws', async () => {
    const url = hostileUrl('/json?max-age=1&fail-after=1');
    await fetchOnce(isolate(), url, 'status');
    await sleep(1_100);
    const { document, source } = await fetchOnce(isolate(), url, 'status');
    expect(document).toMatchObject({ code: 'bad_status', message: expect.stringContaining('503') });
    expect(source).toMatchObject({ kind: 'status', from: 'network', error: { code: 'bad_status' } });
  });

  it('remembers a failure briefly: asked again, the same error without a request', async () => {
    const w = isolate();
    const url = hostileUrl('/status/502');
    const first = await fetchOnce(w, url);
    const again = await fetchOnce(w, url);
    expect(again.document).toBe(first.document);
    expect(again.source).toMatchObject({ from: 'cache', error: { code: 'bad_status' } });
    expect(again.trace.remoteFetches).toBe(0);
    expect((await hitsOf(url)).hits).toBe(1);
  });

  it('asks a failing origin again once the failure is forgotten', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const w = isolate();
      const url = hostileUrl('/status/503');
      await fetchOnce(w, url);
      vi.setSystemTime(Date.now() + 10_001);
      expect((await fetchOnce(w, url)).source).toMatchObject({ from: 'network', error: { code: 'bad_status' } });
      expect((await hitsOf(url)).hits).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('in one isolate', () => {
  it('shares one fetch between concurrent sessions needing the same document', async () => {
    const w = isolate();
    const url = hostileUrl('/slow?ms=300');
    const [a, b] = [w.session(), w.session()];
    const [first, second] = await Promise.all([a.session.fetchDocument(url, 'definition'), b.session.fetchDocument(url, 'definition')]);
    expect(second).toEqual(first);
    expect((await hitsOf(url)).hits).toBe(1);
    expect(a.scope.cache.remoteFetches + b.scope.cache.remoteFetches).toBe(1);
    await Promise.all([a.settled(), b.settled()]);
  });
});

describe('without Redis', () => {
  it('still fetches when Redis is unreachable', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const w = isolate({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', REDIS_TIMEOUT_MS: '150' });
      const url = hostileUrl('/json?max-age=60');
      const { document, source, trace } = await fetchOnce(w, url);
      expect(document).toMatchObject({ status: 200 });
      expect(source).toMatchObject({ from: 'network' });
      expect(trace.remoteFetches).toBe(1);
      expect(trace.redisRequests).toBeGreaterThanOrEqual(1);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/cache redis read failed/));
    } finally {
      warn.mockRestore();
    }
  });

  it('never lets an older answer replace a newer copy in Redis', async () => {
    const w = isolate();
    const url = hostileUrl('/slow?ms=500');
    const key = remoteDocumentKey('json', url);
    const redis = w.deps.redisClient!;
    const fetching = fetchOnce(w, url);
    await sleep(100);
    // Another isolate's answer, received after this one's request went out.
    const newer = `${Date.now() + 60_000}|{"newer":true}`;
    await redis.set(key, newer);
    expect((await fetching).source).toMatchObject({ from: 'network' });
    expect(await redis.get<string>(key)).toBe(newer);
  });

  it('stores what it fetched under the time it was received, as the version', async () => {
    const before = Date.now();
    const url = hostileUrl('/json?max-age=60');
    const w = isolate();
    await fetchOnce(w, url);
    const stored = (await w.deps.redisClient!.get<string>(remoteDocumentKey('json', url)))!;
    const version = Number(stored.slice(0, stored.indexOf('|')));
    expect(version).toBeGreaterThanOrEqual(before);
    expect(version).toBeLessThanOrEqual(Date.now());
  });
});
