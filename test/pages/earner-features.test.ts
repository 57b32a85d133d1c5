/** For earners: LinkedIn and share links, the embed card and oEmbed, the QR code and the printable certificate. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/pages/assets.ts';
import { BASE, createIssuerWithBadge, DAY } from '../fixtures.ts';
import { worker } from '../worker.ts';

const w = worker();
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let linked: Awaited<ReturnType<typeof createIssuerWithBadge>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  fixture = await createIssuerWithBadge({ issuer: { name: 'Test & Issuer' }, badge: { name: 'Rust: "Ownership" 101' } });
  linked = await createIssuerWithBadge({ issuer: { linkedInOrganizationId: '1337' } });
  ids.valid = await fixture.assertion({ issuedOn: new Date('2026-03-09T10:00:00Z'), expires: new Date('2031-11-30T00:00:00Z') });
  ids.forever = await linked.assertion({ issuedOn: new Date('2026-01-31T23:30:00Z') });
  ids.expired = await fixture.assertion({ issuedOn: new Date(Date.now() - 400 * DAY), expires: new Date('2025-01-15T00:00:00Z') });
  ids.revoked = await fixture.assertion({ revokedAt: new Date(), revocationReason: 'Issued in error' });
  ids.toRevoke = await fixture.assertion({});
});
afterAll(async () => {
  await fixture.cleanup();
  await linked.cleanup();
});

/** The value of attribute `name` on the element with `data-testid="testid"`, entities decoded. */
function attribute(html: string, testid: string, name: string): string {
  const tag = new RegExp(`<[^>]*data-testid="${testid}"[^>]*>`).exec(html)?.[0] ?? '';
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  expect(value, `${testid} ${name}`).toBeDefined();
  return value!
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

describe('the assertion page', () => {
  it('adds to LinkedIn with every parameter, naming an issuer without a LinkedIn id by name', async () => {
    const html = await (await w.get(`/assertions/${ids.valid}`, BROWSER)).text();
    const url = new URL(attribute(html, 'linkedin-add', 'href'));
    expect(`${url.origin}${url.pathname}`).toBe('https://www.linkedin.com/profile/add');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      startTask: 'CERTIFICATION_NAME',
      name: 'Rust: "Ownership" 101',
      organizationName: 'Test & Issuer',
      issueYear: '2026',
      issueMonth: '3',
      expirationYear: '2031',
      expirationMonth: '11',
      certUrl: `${BASE}/assertions/${ids.valid}`,
      certId: ids.valid,
    });
  });

  it('sends the organization id instead of the name when the issuer has one, and no expiry for a badge that never expires', async () => {
    const html = await (await w.get(`/assertions/${ids.forever}`, BROWSER)).text();
    const params = new URL(attribute(html, 'linkedin-add', 'href')).searchParams;
    expect(params.get('organizationId')).toBe('1337');
    expect(params.has('organizationName')).toBe(false);
    // Month and year in UTC: 31 January 23:30 UTC is January everywhere LinkedIn stores it.
    expect([params.get('issueYear'), params.get('issueMonth')]).toEqual(['2026', '1']);
    expect(params.has('expirationYear') || params.has('expirationMonth')).toBe(false);
  });

  it('shares to the LinkedIn feed and by e-mail, copies the link, and links the wallet, QR code, certificate and embed code', async () => {
    const html = await (await w.get(`/assertions/${ids.valid}`, BROWSER)).text();
    const pageUrl = `${BASE}/assertions/${ids.valid}`;
    expect(attribute(html, 'linkedin-share', 'href')).toBe(
      `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(pageUrl)}`,
    );
    const mail = attribute(html, 'share-email', 'href');
    expect(mail.startsWith('mailto:?subject=')).toBe(true);
    expect(decodeURIComponent(mail.split('&body=')[1]!)).toBe(
      `I earned "Rust: "Ownership" 101" from Test & Issuer. Verify it here: ${pageUrl}`,
    );
    expect(html).toContain('data-copy="page-url"');
    expect(html).toContain(`value="${pageUrl}"`);
    expect(attribute(html, 'wallet-link', 'href')).toBe(`/assertions/${ids.valid}/wallet`);
    expect(attribute(html, 'qr', 'src')).toBe(`/assertions/${ids.valid}/qr.svg`);
    expect(html).toContain(`href="/assertions/${ids.valid}/certificate"`);
    // The snippets are text in a textarea (escaped), to copy.
    expect(html).toContain(`&lt;iframe src=&quot;${BASE}/assertions/${ids.valid}/embed&quot; width=&quot;400&quot; height=&quot;200&quot;`);
    expect(html).toContain(`&lt;a href=&quot;${pageUrl}&quot;&gt;&lt;img src=&quot;${BASE}/badges/${fixture.badgeId}/image&quot;`);
    // Own-origin script only (the CSP allows no other), and the oEmbed discovery link.
    expect(html).toContain('<script src="/assets/earner.js" defer=""></script>');
    expect(html).toContain(
      `<link rel="alternate" type="application/json+oembed" href="${BASE}/oembed?url=${encodeURIComponent(pageUrl)}&amp;format=json"`,
    );
    expect(html).not.toMatch(/<script[^>]+src="(https?:)?\/\//);
    const script = await w.get('/assets/earner.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('navigator.clipboard.writeText');
  });

  it('offers no LinkedIn or share buttons for a revoked badge', async () => {
    const html = await (await w.get(`/assertions/${ids.revoked}`, BROWSER)).text();
    expect(html).not.toContain('data-testid="linkedin-add"');
    expect(html).not.toContain('data-testid="share-email"');
  });

  it('keeps the strict CSP: it may not be framed', async () => {
    const res = await w.get(`/assertions/${ids.valid}`, BROWSER);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
  });
});

describe('GET /assertions/{id}/embed', () => {
  it('is a small card that any site may frame: frame-ancestors * on this route only', async () => {
    const res = await w.get(`/assertions/${ids.valid}/embed`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors *');
    expect(csp).not.toContain("frame-ancestors 'none'");
    expect(csp).toBe(PAGE_CSP.replace("frame-ancestors 'none'", 'frame-ancestors *'));
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('Rust: &quot;Ownership&quot; 101');
    expect(html).toContain('Test &amp; Issuer');
    expect(html).toContain(`src="/badges/${fixture.badgeId}/image"`);
    expect(html).toContain('>Valid until 30 November 2031</p>');
    expect(html).toContain(`<a href="${BASE}/assertions/${ids.valid}" target="_blank" rel="noopener">`);
    for (const path of [
      `/assertions/${ids.valid}/certificate`,
      '/verify',
      '/docs',
      `/badges/${fixture.badgeId}`,
      `/assertions/${ids.valid}/wallet`,
    ]) {
      expect((await w.get(path, BROWSER)).headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('says revoked after a revoke, answered and tagged like the page, so the same purge reaches it', async () => {
    const before = await w.get(`/assertions/${ids.toRevoke}/embed`);
    expect(await before.text()).toContain('>Valid</p>');
    const page = await w.get(`/assertions/${ids.toRevoke}`, BROWSER);
    expect(before.headers.get('cache-tag')).toBe(page.headers.get('cache-tag'));
    expect(before.headers.get('cache-tag')).toBe(`assertion:${ids.toRevoke},badge:${fixture.badgeId},issuer:${fixture.issuerId}`);
    expect(before.headers.get('cdn-cache-control')).toBe(page.headers.get('cdn-cache-control'));

    expect((await w.admin('POST', `/admin/assertions/${ids.toRevoke}/revoke`, { reason: 'Plagiarism' })).status).toBe(200);
    const after = await w.get(`/assertions/${ids.toRevoke}/embed`);
    expect(after.status).toBe(410);
    expect(await after.text()).toContain('>Revoked: Plagiarism</p>');
    expect(after.headers.get('cache-tag')).toBe((await w.get(`/assertions/${ids.toRevoke}`, BROWSER)).headers.get('cache-tag'));
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('answers 404 for an unknown award and 400 for a malformed id', async () => {
    expect((await w.get('/assertions/never-was/embed')).status).toBe(404);
    expect((await w.get('/assertions/bad%20id/embed')).status).toBe(400);
  });
});

describe('GET /oembed', () => {
  const oembed = (url: string, extra: Record<string, string> = {}) => w.get(`/oembed?${new URLSearchParams({ url, ...extra })}`);

  it('answers a rich oEmbed 1.0 document whose html is the embed iframe', async () => {
    const pageUrl = `${BASE}/assertions/${ids.valid}`;
    const res = await oembed(pageUrl, { format: 'json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-tag')).toBe(`assertion:${ids.valid},badge:${fixture.badgeId},issuer:${fixture.issuerId}`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      version: '1.0',
      type: 'rich',
      width: 400,
      height: 200,
      title: 'Rust: "Ownership" 101',
      author_name: 'Test & Issuer',
      provider_url: BASE,
      thumbnail_url: `${BASE}/badges/${fixture.badgeId}/image`,
    });
    expect(body.html).toBe(
      `<iframe src="${BASE}/assertions/${ids.valid}/embed" width="400" height="200" title="Rust: &quot;Ownership&quot; 101 — Test &amp; Issuer" loading="lazy" style="border:0;max-width:100%"></iframe>`,
    );
  });

  it('keeps within maxwidth and maxheight, and its parameters through the canonical-URL redirect', async () => {
    const pageUrl = `${BASE}/assertions/${ids.valid}`;
    const body = (await (await oembed(pageUrl, { format: 'json', maxwidth: '300', maxheight: '150' })).json()) as Record<string, unknown>;
    expect([body.width, body.height]).toEqual([300, 150]);
    expect(body.html).toContain('width="300" height="150"');
    // Another order, and a parameter no one reads: one redirect to the canonical spelling, every parameter kept.
    const res = await w.get(`/oembed?maxwidth=300&utm=x&format=json&url=${encodeURIComponent(pageUrl)}`);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`/oembed?url=${encodeURIComponent(pageUrl)}&format=json&maxwidth=300`);
  });

  it('answers problems: 404 for another URL, 400 for no or a malformed URL, 501 for xml', async () => {
    const problem = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      return (await res.json()) as { code: string };
    };
    await problem(await oembed('https://elsewhere.example.org/assertions/x'), 404);
    await problem(await oembed(`${BASE}/badges/${fixture.badgeId}`), 404);
    await problem(await oembed(`${BASE}/assertions/never-was`), 404);
    await problem(await w.get('/oembed'), 400);
    await problem(await oembed('not a url'), 400);
    expect((await problem(await oembed(`${BASE}/assertions/${ids.valid}`, { format: 'xml' }), 501)).code).toBe('format_not_implemented');
  });
});

describe('GET /assertions/{id}/qr.svg', () => {
  it('is an SVG, immutable per URL', async () => {
    const res = await w.get(`/assertions/${ids.valid}/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('cdn-cache-control')).toBe('max-age=31536000');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    const svg = await res.text();
    expect(svg).toMatch(/^<\?xml[^>]*\?><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<path d="M');
    // The same code for the same URL, whenever it is made.
    expect(await (await w.get(`/assertions/${ids.valid}/qr.svg`)).text()).toBe(svg);
    expect(await (await w.get(`/assertions/${ids.expired}/qr.svg`)).text()).not.toBe(svg);
  });

  it('answers 404 for an award that does not exist, kept briefly by browsers only', async () => {
    const res = await w.get('/assertions/never-was/qr.svg');
    expect(res.status).toBe(404);
    expect(res.headers.get('cdn-cache-control')).toBe('no-store');
  });
});

describe('GET /assertions/{id}/certificate', () => {
  it('prints issuer, badge, dates, status, QR code and URL, and never the recipient identity', async () => {
    const res = await w.get(`/assertions/${ids.valid}/certificate`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(res.headers.get('cache-tag')).toBe(`assertion:${ids.valid},badge:${fixture.badgeId},issuer:${fixture.issuerId}`);
    const html = await res.text();
    expect(html).toContain('<h1>Rust: &quot;Ownership&quot; 101</h1>');
    expect(html).toContain('<strong>Test &amp; Issuer</strong>');
    expect(html).toContain('<dd>9 March 2026</dd>');
    expect(html).toContain('<dt>Valid until</dt><dd>30 November 2031</dd>');
    expect(html).toContain('<dd data-testid="status">Valid until 30 November 2031</dd>');
    expect(html).toContain(`<img src="/assertions/${ids.valid}/qr.svg"`);
    expect(html).toContain(`${BASE}/assertions/${ids.valid}</a>`);
    expect(html).not.toContain('data-testid="notice"');
    expect(html).not.toContain('data-testid="recipient"'); // no display name recorded: no recipient line
    expect(html).not.toContain('alice@example.org');
    expect(html).not.toContain('sha256$');
    const css = await (await w.get('/assets/certificate.css')).text();
    expect(css).toContain('@page');
    expect(css).toContain('@media print');
  });

  it.each([
    ['revoked', 410, 'REVOKED: this certificate is no longer valid'],
    ['expired', 200, 'EXPIRED: this certificate is no longer valid'],
  ])('says %s in print too', async (which, status, notice) => {
    const res = await w.get(`/assertions/${ids[which]}/certificate`);
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(html).toContain(`<p class="notice" role="alert" data-testid="notice">${notice}</p>`);
  });
});

describe('the issuer’s LinkedIn organization id (admin API)', () => {
  it('is set and cleared through PATCH, validated as digits, and read by the page', async () => {
    const bad = await w.admin('PATCH', `/admin/issuers/${fixture.issuerId}`, { linkedInOrganizationId: 'acme' });
    expect(bad.status).toBe(400);
    const set = await w.admin('PATCH', `/admin/issuers/${fixture.issuerId}`, { linkedInOrganizationId: '424242' });
    expect(set.status).toBe(200);
    let html = await (await w.get(`/assertions/${ids.valid}`, BROWSER)).text();
    expect(new URL(attribute(html, 'linkedin-add', 'href')).searchParams.get('organizationId')).toBe('424242');
    expect((await w.admin('PATCH', `/admin/issuers/${fixture.issuerId}`, { linkedInOrganizationId: null })).status).toBe(200);
    html = await (await w.get(`/assertions/${ids.valid}`, BROWSER)).text();
    const params = new URL(attribute(html, 'linkedin-add', 'href')).searchParams;
    expect(params.has('organizationId')).toBe(false);
    expect(params.get('organizationName')).toBe('Test & Issuer');
  });
});

describe('the API reference', () => {
  it('documents every earner route in /openapi.json and shows it on /docs', async () => {
    const doc = (await (await w.get('/openapi.json')).json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
    const routes = ['/assertions/{id}/embed', '/assertions/{id}/certificate', '/assertions/{id}/qr.svg', '/oembed'];
    for (const route of routes) expect(doc.paths[route]?.get?.tags, route).toEqual(['Earner']);
    const issuerBody = JSON.stringify(doc).includes('linkedInOrganizationId');
    expect(issuerBody).toBe(true);
    const html = await (await w.get('/docs', BROWSER)).text();
    for (const route of routes) expect(html, route).toContain(`<code>${route}</code>`);
  });
});

describe('the recipient’s display name', () => {
  it('is printed on the certificate only when the issuer recorded one, never the identity', async () => {
    const issued = await w.admin('POST', '/admin/assertions', {
      badgeId: fixture.badgeId,
      recipient: { identity: 'Dana.Named@example.org', name: 'Dana <Named>' },
    });
    expect(issued.status).toBe(201);
    const { id } = (await issued.json()) as { id: string };
    const html = await (await w.get(`/assertions/${id}/certificate`)).text();
    expect(html).toContain('<strong>Dana &lt;Named&gt;</strong>');
    expect(html.toLowerCase()).not.toContain('dana.named@example.org');
    // Kept in Redis with the record: a second isolate reads it from there.
    expect(await (await worker().get(`/assertions/${id}/certificate`)).text()).toContain('<strong>Dana &lt;Named&gt;</strong>');
    const batch = await w.admin('POST', '/admin/assertions/batch', {
      badgeId: fixture.badgeId,
      recipients: [{ identity: 'eve@example.org', name: 'Eve E.' }, { identity: 'frank@example.org' }],
    });
    expect(batch.status).toBe(201);
    const [eve, frank] = ((await batch.json()) as { assertions: Array<{ id: string }> }).assertions;
    expect(await (await w.get(`/assertions/${eve!.id}/certificate`)).text()).toContain('<strong>Eve E.</strong>');
    expect(await (await w.get(`/assertions/${frank!.id}/certificate`)).text()).not.toContain('data-testid="recipient"');
    // The OB 2.0 document does not carry it.
    expect(await (await w.get(`/assertions/${id}`, { accept: 'application/ld+json' })).text()).not.toContain('Dana');
  });
});
