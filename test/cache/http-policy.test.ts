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
    for (const path of [
      `/assertions/${id}`,
      `/assertions/${id}/verify`,
      `/assertions/${id}/image`,
      `/issuers/${fixture.issuerId}/revocations`,
    ]) {
      const res = await w.get(path);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=30, stale-while-revalidate=30, stale-if-error=60');
    }
  });

  it('tags responses with issuer, badge and assertion', async () => {
    const res = await w.get(`/assertions/${id}`);
    expect(res.headers.get('cache-tag')).toBe(`assertion:${id},badge:${fixture.badgeId},issuer:${fixture.issuerId}`);
    expect((await w.get(`/badges/${fixture.badgeId}`)).headers.get('cache-tag')).toBe(
      `badge:${fixture.badgeId},issuer:${fixture.issuerId}`,
    );
  });

  it('404 briefly; recipient-dependent answers and errors never', async () => {
    expect((await w.get('/assertions/absent-one')).headers.get('cache-control')).toBe('public, max-age=10');
    const post = await w.fetch('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assertion: id, recipient: { identity: 'a@b.org' } }),
    });
    expect(post.response.headers.get('cache-control')).toBe('private, no-store');
    expect((await w.get('/assertions/bad%20id')).headers.get('cache-control')).toBe('no-store');
  });

  it('never sends s-maxage, which would switch stale-while-revalidate off at Cloudflare', async () => {
    for (const path of [
      `/issuers/${fixture.issuerId}`,
      `/badges/${fixture.badgeId}/image`,
      `/assertions/${id}`,
      `/assertions/${id}/verify`,
      '/assertions/absent-one',
    ]) {
      const res = await w.get(path);
      for (const header of ALL_CACHE_HEADERS)
        expect(res.headers.get(header) ?? '').not.toMatch(/s-maxage|must-revalidate|proxy-revalidate/);
    }
  });

  it('answers 304 to a matching If-None-Match, with an ETag from record versions, and varies on Accept', async () => {
    const first = await w.get(`/badges/${fixture.badgeId}`);
    const tag = first.headers.get('etag');
    expect(tag).toBe(`W/"badge.${fixture.badgeId}.1.application/ld+json"`);
    expect(first.headers.get('vary')).toBe('Accept');
    const again = await w.get(`/badges/${fixture.badgeId}`, { 'if-none-match': tag! });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(tag);
    expect(again.headers.get('cache-control')).toContain('max-age=300');
    const changed = await w.get(`/badges/${fixture.badgeId}`, { 'if-none-match': '"0000"' });
    expect(changed.status).toBe(200);
  });

  it('keeps the ETag of a verification while its records are unchanged, and changes it with them', async () => {
    const other = await fixture.assertion();
    const first = await w.get(`/assertions/${other}/verify`);
    const again = await worker().get(`/assertions/${other}/verify`); // another isolate, another render time
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect((await w.get(`/assertions/${other}/verify`, { 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
    await w.admin('POST', `/admin/assertions/${other}/revoke`, { reason: 'etag' });
    const revoked = await w.get(`/assertions/${other}/verify`, { 'if-none-match': first.headers.get('etag')! });
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });

  it('tags every answer with each record it embeds, on every variant, and a 404 with the id asked for', async () => {
    const tags = `assertion:${id},badge:${fixture.badgeId},issuer:${fixture.issuerId}`;
    for (const [path, accept] of [
      [`/assertions/${id}`, 'application/ld+json'],
      [`/assertions/${id}`, 'text/html'],
      [`/assertions/${id}/verify`, '*/*'],
      [`/assertions/${id}/image`, '*/*'],
    ] as const) {
      expect((await w.get(path, { accept })).headers.get('cache-tag'), `${path} ${accept}`).toBe(tags);
    }
    expect((await w.get(`/issuers/${fixture.issuerId}/revocations`)).headers.get('cache-tag')).toBe(
      `revocations:${fixture.issuerId},issuer:${fixture.issuerId}`,
    );
    expect((await w.get('/assertions/absent-two')).headers.get('cache-tag')).toBe('assertion:absent-two');
  });

  it('never lets a cache keep an assertion answer past its expiry', async () => {
    const soon = await fixture.assertion({ expires: new Date(Date.now() + 20_500) });
    for (const path of [`/assertions/${soon}`, `/assertions/${soon}/verify`, `/assertions/${soon}/image`]) {
      const cacheControl = (await w.get(path)).headers.get('cache-control')!;
      const seconds = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(cacheControl)?.[1] ?? 0);
      expect(seconds('max-age') + seconds('stale-while-revalidate'), `${path}: ${cacheControl}`).toBeLessThanOrEqual(20);
      expect(seconds('max-age') + seconds('stale-if-error'), `${path}: ${cacheControl}`).toBeLessThanOrEqual(20);
    }
  });
});
