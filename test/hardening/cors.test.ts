import { describe, expect, it } from 'vitest';
import { worker } from '../worker.ts';

const w = worker();
const ORIGIN = { origin: 'https://verifier.example' };

describe('CORS', () => {
  it('lets any origin read public documents and POST /verify', async () => {
    expect((await w.get('/assertions/demo-valid', ORIGIN)).headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await w.fetch('/verify', {
      method: 'OPTIONS',
      headers: { ...ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.response.status).toBe(204);
    expect(preflight.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('allows no origin on admin routes', async () => {
    const preflight = await w.fetch('/admin/issuers', {
      method: 'OPTIONS',
      headers: { ...ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.response.headers.get('access-control-allow-origin')).toBeNull();
    const post = await w.fetch('/admin/issuers', { method: 'POST', headers: ORIGIN, body: '{}' });
    expect(post.response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const res = (await w.fetch('/assertions/some-id', { method: 'DELETE' })).response;
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toMatchObject({ code: 'method_not_allowed' });
    const put = (await w.fetch('/verify', { method: 'PUT' })).response;
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });
});
