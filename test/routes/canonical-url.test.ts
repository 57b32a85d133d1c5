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
    ['/verify?url=https://issuer.example/a&utm=x', '/verify?url=https%3A%2F%2Fissuer.example%2Fa'],
    ['/verify/?utm=x&url=https%3A%2F%2Fissuer.example%2Fa', '/verify?url=https%3A%2F%2Fissuer.example%2Fa'],
  ])('redirects %s to %s, permanently and cacheably', async (from, to) => {
    const res = await w.get(from);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(to);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  it('leaves canonical URLs, other methods and encoded characters that must stay encoded alone', async () => {
    expect((await w.get('/assertions/enc1/verify')).status).toBe(404);
    expect((await w.get('/assertions/a%20b')).status).toBe(400);
    // The shareable report page reads its one parameter.
    const shared = await w.get('/verify?url=https%3A%2F%2Fob2-hosted.example%2Fassertions%2Fvalid', { accept: 'text/html' });
    expect(shared.status).toBe(200);
    expect(await shared.text()).toContain('ob2-hosted.example/assertions/valid');
    const post = await w.fetch('/verify/batch?x=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['enc1'] }),
    });
    expect(post.response.status).toBe(200);
  });
});
