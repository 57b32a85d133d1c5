/** Downstream caching headers per kind of resource, ETags and 304s. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuerWithBadge, DAY } from '../fixtures.ts';
import { worker } from '../worker.ts';

const w = worker();
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let id: string;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
  id = await fixture.assertion({ expires: new Date(Date.now() + DAY) });
});
afterAll(() => fixture.cleanup());

const ALL_CACHE_HEADERS = ['cache-control', 'cdn-cache-control', 'cloudflare-cdn-cache-control'];

describe('caching headers', () => {
  it('definitions and images: long, with stale-while-revalidate and stale-if-error', async () => {
    for (const path of [`/issuers/${fixture.issuerId}`, `/badges/${fixture.badgeId}`, `/badges/${fixture.badgeId}/image`]) {
      const res = await w.get(path);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400, stale-if-error=86400');
      expect(res.headers.get('cloudflare-cdn-cache-control')).toBe('max-age=300, stale-while-revalidate=86400, stale-if-error=86400');
      expect(res.headers.get('cdn-cache-control')).toBe(res.headers.get('cloudflare-cdn-cache-control'));
    }
  });

  it('assertions, verification and revocation lists: a minute at most', async () => {
    for (const path of [`/assertions/${id}`, `/assertions/${id}/verify`, `/assertions/${id}/image`, `/issuers/${fixture.issuerId}/revocations`]) {
      const res = await w.get(path);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=30, stale-while-revalidate=30, stale-if-error=60');
    }
  });

  it('tags responses with issuer, badge and assertion', async () => {
    const res = await w.get(`/assertions/${id}`);
    expect(res.headers.get('cache-tag')).toBe(`assertion:${id},badge:${fixture.badgeId},issuer:${fixture.issuerId}`);
    expect((await w.get(`/badges/${fixture.badgeId}`)).headers.get('cache-tag')).toBe(`badge:${fixture.badgeId},issuer:${fixture.issuerId}`);
  });

  it('404 briefly; recipient-dependent answers and errors never', async () => {
    expect((await w.get('/assertions/absent-one')).headers.get('cache-control')).toBe('public, max-age=10');
    const post = await w.fetch('/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assertion: id, recipient: { identity: 'a@b.org' } }) });
    expect(post.response.headers.get('cache-control')).toBe('private, no-store');
    expect((await w.get('/assertions/bad%20id')).headers.get('cache-control')).toBe('no-store');
  });

  it('never sends s-maxage, which would switch stale-while-revalidate off at Cloudflare', async () => {
    for (const path of [`/issuers/${fixture.issuerId}`, `/badges/${fixture.badgeId}/image`, `/assertions/${id}`, `/assertions/${id}/verify`, '/assertions/absent-one']) {
      const res = await w.get(path);
      for (const header of ALL_CACHE_HEADERS) expect(res.headers.get(header) ?? '').not.toMatch(/s-maxage|must-revalidate|proxy-revalidate/);
    }
  });

  it('answers 304 to a matching If-None-Match, with a strong ETag, and varies on Accept', async () => {
    const first = await w.get(`/badges/${fixture.badgeId}`);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    expect(first.headers.get('vary')).toBe('Accept');
    const again = await w.get(`/badges/${fixture.badgeId}`, { 'if-none-match': tag! });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('cache-control')).toContain('max-age=300');
    const changed = await w.get(`/badges/${fixture.badgeId}`, { 'if-none-match': '"0000"' });
    expect(changed.status).toBe(200);
  });
});
