/** One URL per resource: other spellings of a public GET are redirected before anything is cached. */
import { describe, expect, it } from 'vitest';
import { worker } from '../worker.ts';

const w = worker();

describe('canonical URLs', () => {
  it.each([
    ['/assertions/%65nc1/verify', '/assertions/enc1/verify'],
    ['/assertions/enc1/', '/assertions/enc1'],
    ['/assertions/enc1/verify?utm=x', '/assertions/enc1/verify'],
    ['/badges/b%2Dx%5F1', '/badges/b-x_1'],
  ])('redirects %s to %s, permanently and cacheably', async (from, to) => {
    const res = await w.get(from);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(to);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  it('leaves canonical URLs, other methods and encoded characters that must stay encoded alone', async () => {
    expect((await w.get('/assertions/enc1/verify')).status).toBe(404);
    expect((await w.get('/assertions/a%20b')).status).toBe(400);
    const post = await w.fetch('/verify/batch?x=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['enc1'] }),
    });
    expect(post.response.status).toBe(200);
  });
});
