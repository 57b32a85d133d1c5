/** Pages for people at the same URLs as the JSON-LD, and the OpenAPI document. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app.ts';
import { createIssuerWithBadge, DAY } from '../fixtures.ts';
import { worker } from '../worker.ts';

const w = worker();
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
const ids: Record<string, string> = {};
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
  ids.valid = await fixture.assertion({ recipient: 'alice@example.org' });
  ids.expired = await fixture.assertion({ issuedOn: new Date(Date.now() - 400 * DAY), expires: new Date('2025-01-15T00:00:00Z') });
  ids.revoked = await fixture.assertion({ revokedAt: new Date(), revocationReason: 'Issued in error' });
});
afterAll(() => fixture.cleanup());

/** Resource references (scripts, styles, images, fonts, frames) to anything but this origin. */
function externalResources(html: string): string[] {
  const refs = [
    ...html.matchAll(/<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc="([^"]*)"/g),
    ...html.matchAll(/<link\b[^>]*\bhref="([^"]*)"/g),
    ...html.matchAll(/url\(([^)]*)\)/g),
  ].map((m) => m[1]!);
  // The oEmbed discovery link names this origin absolutely, as consumers expect.
  return refs.filter((ref) => /^(https?:)?\/\//.test(ref) && !ref.startsWith('https://badges.test/'));
}

describe('content negotiation', () => {
  it('serves JSON-LD to validators and HTML to browsers from the same URL', async () => {
    const ld = await w.get(`/assertions/${ids.valid}`, { accept: 'application/ld+json' });
    expect(ld.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    expect(await ld.json()).toMatchObject({ type: 'Assertion' });
    const html = await w.get(`/assertions/${ids.valid}`, BROWSER);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('vary')).toBe('Accept');
    expect(await html.text()).toContain('<h1 id="badge-name">Test Badge</h1>');
    const anything = await w.get(`/assertions/${ids.valid}`, { accept: '*/*' });
    expect(anything.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
  });
});

describe('the verification page', () => {
  it.each([
    ['valid', 200, 'Valid'],
    ['expired', 200, 'Expired on 15 January 2025'],
    ['revoked', 410, 'Revoked: Issued in error'],
  ])('shows a %s badge with status %i and "%s"', async (which, status, text) => {
    const res = await w.get(`/assertions/${ids[which]}`, BROWSER);
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(html).toContain(`>${text}</p>`);
    expect(html).toContain('<meta property="og:title" content="Test Badge — Test Issuer"/>');
    expect(html).toContain(`<meta property="og:image" content="https://badges.test/badges/${fixture.badgeId}/image"/>`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers the recipient question from a POSTed form, never caching the answer', async () => {
    const ask = (email: string) =>
      w
        .fetch(`/assertions/${ids.valid}/recipient`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email }).toString(),
        })
        .then((r) => r.response);
    const yes = await ask('alice@example.org');
    expect(yes.headers.get('cache-control')).toBe('private, no-store');
    expect(await yes.text()).toContain('Yes: this badge was issued to that address.');
    expect(await (await ask('mallory@example.org')).text()).toContain('No: this badge was not issued to that address.');
  });

  it('references no external origin from any page', async () => {
    for (const path of [
      `/assertions/${ids.valid}`,
      `/assertions/${ids.revoked}`,
      `/badges/${fixture.badgeId}`,
      `/issuers/${fixture.issuerId}`,
      '/verify',
      '/docs',
    ]) {
      const res = await w.get(path, BROWSER);
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(externalResources(await res.text()), path).toEqual([]);
    }
    const css = await (await w.get('/assets/site.css')).text();
    expect(externalResources(css)).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents every route the app serves, with examples', async () => {
    const doc = await (await w.get('/openapi.json')).json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    const served = app.routes
      .filter(
        (r) =>
          r.method !== 'ALL' &&
          !r.path.startsWith('/assets') &&
          r.path !== '/openapi.json' &&
          r.path !== '/docs' &&
          r.path !== '/health/live',
      )
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(new Set(served)).toEqual(new Set(documented));
    expect(JSON.stringify(doc.paths['/verify']?.post)).toContain('alice@example.org');
  });

  it('renders the reference at /docs from the same document', async () => {
    const html = await (await w.get('/docs', BROWSER)).text();
    expect(html).toContain('<code>/assertions/{id}/verify</code>');
    expect(html).toContain('<code>/admin/assertions/{id}/revoke</code>');
  });
});
