/** A misbehaving origin costs a verification bounded time, bytes and requests, and gets nothing but a plain GET. */
import { env } from 'cloudflare:workers';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/remote/network.ts';
import { MAX_REMOTE_REQUESTS, MAX_REMOTE_REQUESTS_PER_REQUEST, openRemoteSession } from '../../src/remote/session.ts';
import { fetchOnce, forgetRemoteCopies, hitsOf, hostileUrl, isolate } from './hostile.ts';

afterAll(forgetRemoteCopies);

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZSJ9.c2lnbmF0dXJl';

describe('redirects', () => {
  it('follows three redirects, each a request of the budget', async () => {
    const url = hostileUrl('/chain?n=3');
    const { document, trace, source } = await fetchOnce(isolate(), url);
    expect(document).toMatchObject({ status: 200, url, finalUrl: url.replace('n=3', 'n=0') });
    expect(trace.remoteFetches).toBe(4);
    expect(source).toMatchObject({ from: 'network', status: 200 });
  });

  it('refuses a fourth as too_many_redirects', async () => {
    const { document, trace } = await fetchOnce(isolate(), hostileUrl('/chain?n=4'));
    expect(document).toMatchObject({ code: 'too_many_redirects' });
    expect(trace.remoteFetches).toBe(4);
  });
});

describe('bodies', () => {
  it('cuts off a 20 MB body without a Content-Length once past 1 MiB', async () => {
    const url = hostileUrl('/big?bytes=20000000');
    const started = performance.now();
    const { document } = await fetchOnce(isolate(), url);
    expect(document).toMatchObject({ code: 'too_large' });
    expect(performance.now() - started).toBeLessThan(2_000);
    // The connection was dropped, not drained: the origin stopped well short of 20 MB.
    expect((await hitsOf(url)).bytesSent).toBeLessThan(20_000_000);
  });

  it('takes a body just under the cap', async () => {
    const { document } = await fetchOnce(isolate(), hostileUrl(`/big?bytes=${MAX_BODY_BYTES - 1024}`));
    expect(document).toMatchObject({ status: 200, contentType: 'application/json' });
  });

  it('refuses a declared Content-Length above the cap before reading the body', async () => {
    const started = performance.now();
    const { document } = await fetchOnce(isolate(), hostileUrl('/declared-big'));
    expect(document).toMatchObject({ code: 'too_large' });
    // The origin never sends the body: reading it would wait for the fetch timeout.
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe('time', () => {
  it('gives up on a slow origin after 3 s', async () => {
    const started = performance.now();
    const { document, source } = await fetchOnce(isolate(), hostileUrl('/slow?ms=10000'));
    const elapsed = performance.now() - started;
    expect(document).toMatchObject({ code: 'timeout' });
    expect(source).toMatchObject({ error: { code: 'timeout' } });
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(4_500);
  });

  it('gives up on a body that trickles in after 3 s', async () => {
    const started = performance.now();
    const { document } = await fetchOnce(isolate(), hostileUrl('/trickle?ms=10000'));
    expect(document).toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(4_500);
  });

  it("ends a session's remote documents at its 8 s deadline", async () => {
    const { session } = isolate().session();
    const started = performance.now();
    const slow = [hostileUrl('/slow?ms=10000'), hostileUrl('/slow?ms=10000'), hostileUrl('/slow?ms=10000')];
    const outcomes: unknown[] = [];
    for (const url of slow) outcomes.push(await session.fetchDocument(url, 'definition').catch((error: unknown) => error));
    const elapsed = performance.now() - started;
    expect(outcomes.map((outcome) => (outcome as { code: string }).code)).toEqual(['timeout', 'timeout', 'timeout']);
    expect((outcomes[2] as Error).message).toMatch(/8 s/);
    expect(elapsed).toBeGreaterThanOrEqual(7_900);
    expect(elapsed).toBeLessThan(8_900);
  });
});

describe('budget', () => {
  it(`refuses the request after the ${MAX_REMOTE_REQUESTS}th of a session as over_budget`, async () => {
    const { session, scope } = isolate().session();
    for (let i = 0; i < MAX_REMOTE_REQUESTS; i++) await session.fetchDocument(hostileUrl('/json'), 'definition');
    const last = hostileUrl('/json');
    await expect(session.fetchDocument(last, 'definition')).rejects.toMatchObject({ code: 'over_budget' });
    expect(scope.cache.remoteFetches).toBe(MAX_REMOTE_REQUESTS);
    expect((await hitsOf(last)).hits).toBe(0);
    expect(session.sources).toHaveLength(MAX_REMOTE_REQUESTS + 1);
    // Another verification has its own budget.
    expect(await isolate().session().session.fetchDocument(last, 'definition')).toMatchObject({ status: 200 });
  });

  it(`refuses the request after the ${MAX_REMOTE_REQUESTS_PER_REQUEST}th of one client request, however many verifications it holds`, async () => {
    const { scope } = isolate().session();
    const sessions = Array.from({ length: Math.ceil(MAX_REMOTE_REQUESTS_PER_REQUEST / MAX_REMOTE_REQUESTS) + 1 }, () =>
      openRemoteSession(scope),
    );
    const outcomes = await Promise.all(
      sessions.flatMap((session) =>
        Array.from({ length: MAX_REMOTE_REQUESTS }, () =>
          session.fetchDocument(hostileUrl('/json'), 'definition').then(
            () => 'fetched',
            (error: { code: string }) => error.code,
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'fetched')).toHaveLength(MAX_REMOTE_REQUESTS_PER_REQUEST);
    expect(new Set(outcomes.filter((o) => o !== 'fetched'))).toEqual(new Set(['over_budget']));
    expect(scope.cache.remoteFetches).toBe(MAX_REMOTE_REQUESTS_PER_REQUEST);
  });

  it('counts a redirect hop that would pass the budget', async () => {
    const { session, scope } = isolate().session();
    for (let i = 0; i < MAX_REMOTE_REQUESTS - 1; i++) await session.fetchDocument(hostileUrl('/json'), 'definition');
    await expect(session.fetchDocument(hostileUrl('/chain?n=1'), 'definition')).rejects.toMatchObject({ code: 'over_budget' });
    expect(scope.cache.remoteFetches).toBe(MAX_REMOTE_REQUESTS);
  });
});

describe('content types and statuses', () => {
  it.each([
    ['application/json', '{}'],
    ['application/ld+json; charset=utf-8', '{}'],
    ['application/did+json', '{}'],
    ['application/did+ld+json', '{}'],
    ['text/plain', '{"plain": "json"}'],
  ])('takes %s as JSON', async (type, body) => {
    const { document } = await fetchOnce(isolate(), hostileUrl(`/json?type=${encodeURIComponent(type)}&body=${encodeURIComponent(body)}`));
    expect(document).toMatchObject({ status: 200, contentType: type.split(';')[0], body });
  });

  it.each([
    ['application/jwt', JWT],
    ['application/vc+jwt', JWT],
    ['application/vc+ld+jwt', JWT],
    ['text/plain', JWT],
    ['application/ld+json', '{}'],
  ])('takes %s as json-or-jwt', async (type, body) => {
    const { document } = await fetchOnce(
      isolate(),
      hostileUrl(`/json?type=${encodeURIComponent(type)}&body=${encodeURIComponent(body)}`),
      'definition',
      'json-or-jwt',
    );
    expect(document).toMatchObject({ status: 200, contentType: type, body });
  });

  it.each([
    ['text/html', '{}', 'json'],
    ['text/plain', 'not json', 'json'],
    ['text/plain', JWT, 'json'],
    ['application/jwt', JWT, 'json'],
    ['application/octet-stream', '{}', 'json'],
    ['image/svg+xml', '{}', 'json-or-jwt'],
    ['text/plain', 'not a jwt', 'json-or-jwt'],
  ] as const)('refuses %s (%s) as %s', async (type, body, accept) => {
    const url = hostileUrl(`/json?type=${encodeURIComponent(type)}&body=${encodeURIComponent(body)}`);
    const { document } = await fetchOnce(isolate(), url, 'definition', accept);
    expect(document).toMatchObject({ code: 'bad_content_type', url });
  });

  it('refuses an HTML page', async () => {
    const { document, source } = await fetchOnce(isolate(), hostileUrl('/html'));
    expect(document).toMatchObject({ code: 'bad_content_type', message: expect.stringContaining('text/html') });
    expect(source).toMatchObject({ error: { code: 'bad_content_type' } });
  });

  it('answers 404 and 410 as documents, whatever their body', async () => {
    expect((await fetchOnce(isolate(), hostileUrl('/status/404'))).document).toMatchObject({ status: 404 });
    expect((await fetchOnce(isolate(), hostileUrl('/gone'))).document).toMatchObject({ status: 410, body: '{"revoked":true}' });
  });

  it.each([500, 503, 401, 403, 204, 304])('refuses a final %i as bad_status', async (status) => {
    const { document } = await fetchOnce(isolate(), hostileUrl(`/status/${status}`));
    expect(document).toMatchObject({ code: 'bad_status', message: expect.stringContaining(String(status)) });
  });
});

describe('what the origin is sent', () => {
  it('sends only Accept and a User-Agent naming this deployment: no cookies, no credentials', async () => {
    const { document } = await fetchOnce(isolate(), hostileUrl('/echo-headers'));
    const headers = JSON.parse((document as { body: string }).body) as Record<string, string>;
    expect(headers['user-agent']).toBe(`badge-verify/0.1 (+${env.PUBLIC_BASE_URL})`);
    expect(headers.accept).toMatch(/^application\/ld\+json, application\/json/);
    // Beyond ours, only what HTTP itself and the platform (CF-Worker) add.
    const ours = new Set(['accept', 'user-agent', 'host', 'connection', 'accept-encoding', 'content-length', 'cf-worker']);
    expect(Object.keys(headers).filter((name) => !ours.has(name))).toEqual([]);
  });
});
