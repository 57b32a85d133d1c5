/**
 * Hostile input against every route: generated (fast-check) and a corpus of known-bad cases.
 * Every answer is a 4xx problem+json with a reason (or a normal answer), never a 5xx, and quick.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakePng } from '../../src/openbadges/baking/png.ts';
import { createIssuerWithBadge, PNG_1X1 } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { ADMIN, worker } from '../worker.ts';

const w = worker({ RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '0' });
let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let assertionId: string;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
  assertionId = await fixture.assertion();
});
afterAll(() => fixture.cleanup());

const ID_ROUTES = [
  '/issuers/{id}',
  '/issuers/{id}/revocations',
  '/badges/{id}',
  '/badges/{id}/image',
  '/assertions/{id}',
  '/assertions/{id}/image',
  '/assertions/{id}/verify',
];

/** Sends, then checks the contract every hostile request must meet; resolves to the status, headers and problem code. */
async function expectRefusedCleanly(path: string, init: RequestInit = {}) {
  const started = performance.now();
  const { response, settled } = await w.fetch(path, init);
  await settled;
  const body = await response.text();
  expect(performance.now() - started, `${init.method ?? 'GET'} ${path} took too long`).toBeLessThan(3_000);
  expect(response.status, `${init.method ?? 'GET'} ${path} → ${body.slice(0, 200)}`).toBeLessThan(500);
  let code: string | undefined;
  if (response.status >= 400) {
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    code = (JSON.parse(body) as { code: string }).code;
    expect(code).toMatch(/^[a-z_]+$/);
  }
  return { status: response.status, headers: response.headers, code };
}

const hostileId = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; drop table assertions; --',
    '../../etc/passwd',
    '..%2F..%2Fetc',
    '%00',
    'a'.repeat(65),
    'a'.repeat(10_000),
    '$1',
    '\\x00',
    '{}',
    '*',
  ),
);

describe('generated ids on every GET route', () => {
  it('are refused or not found, never a 5xx, and malformed ones never reach the database', async () => {
    await fc.assert(
      fc.asyncProperty(hostileId, fc.constantFrom(...ID_ROUTES), async (id, route) => {
        const path = route.replace('{id}', encodeURIComponent(id));
        await resetStats();
        const res = await expectRefusedCleanly(path);
        const wellFormed = /^[A-Za-z0-9_-]{1,64}$/.test(id);
        // A non-canonical spelling (an empty last segment leaves a trailing slash; an escaped
        // letter) is redirected to the canonical URL, which gets the same scrutiny.
        if (res.status === 301) {
          expect(res.headers.get('location')).not.toBe(path);
          expect((await neonStats()).httpRequests).toBe(0);
          return;
        }
        if (!wellFormed) {
          expect([400, 404]).toContain(res.status);
          expect((await neonStats()).httpRequests).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});

const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('generated JSON bodies on every POST and PATCH route', () => {
  const targets = [
    { path: '/verify', headers: {} },
    { path: '/verify/batch', headers: {} },
    { path: '/admin/issuers', headers: ADMIN },
    { path: `/admin/issuers/{issuer}`, headers: ADMIN, method: 'PATCH' },
    { path: '/admin/badges', headers: ADMIN },
    { path: '/admin/assertions', headers: ADMIN },
    { path: `/admin/assertions/{assertion}/revoke`, headers: ADMIN },
  ];

  it('answer 4xx with a reason (or a report), never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, fc.constantFrom(...targets), async (body, target) => {
        const path = target.path.replace('{issuer}', fixture.issuerId).replace('{assertion}', 'no-such-assertion');
        const { status } = await expectRefusedCleanly(path, {
          method: target.method ?? 'POST',
          headers: { ...target.headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        // No generated body is a valid admin write; a verifier may get a report for a lucky one.
        if (path.startsWith('/admin')) expect(status).toBeGreaterThanOrEqual(400);
        else expect(status === 200 || (status >= 400 && status < 500)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('generated uploads to POST /verify', () => {
  it('random bytes and mutated baked PNGs are refused with a reason', async () => {
    const baked = bakePng(PNG_1X1, `https://badges.test/assertions/${assertionId}`);
    const mutated = fc.tuple(fc.nat({ max: baked.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, xor]) => {
      const copy = baked.slice();
      copy[at] = copy[at]! ^ xor;
      return copy;
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 2048 }), mutated),
        fc.constantFrom('image/png', 'image/svg+xml', 'application/octet-stream'),
        async (bytes, type) => {
          await expectRefusedCleanly('/verify', { method: 'POST', headers: { 'content-type': type }, body: bytes });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('known-bad corpus', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  const svg = (inner: string) => new TextEncoder().encode(inner);
  const cases: Array<[string, string, RequestInit, number, string]> = [
    [
      'deeply nested JSON',
      '/verify',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"assertion":${deep(100_000)}}` },
      400,
      'invalid_body',
    ],
    [
      'nested JSON in a batch',
      '/verify/batch',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"ids":${deep(50_000)}}` },
      400,
      'invalid_body',
    ],
    [
      'truncated JSON',
      '/verify',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"assertion": "abc' },
      400,
      'invalid_body',
    ],
    [
      'wrong content type',
      '/verify',
      { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' },
      415,
      'unsupported_media_type',
    ],
    ['no content type', '/verify', { method: 'POST', body: 'hello' }, 415, 'unsupported_media_type'],
    ['wrong method', '/assertions/x', { method: 'PUT' }, 405, 'method_not_allowed'],
    ['admin without token', '/admin/assertions', { method: 'POST', body: '{}' }, 401, 'unauthorized'],
    [
      'admin with a non-bearer scheme',
      '/admin/assertions',
      { method: 'POST', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, body: '{}' },
      401,
      'unauthorized',
    ],
    [
      'billion laughs',
      '/verify',
      {
        method: 'POST',
        headers: { 'content-type': 'image/svg+xml' },
        body: svg(
          `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><svg>&lol2;</svg>`,
        ),
      },
      422,
      'svg_doctype_forbidden',
    ],
    [
      'external entity',
      '/verify',
      {
        method: 'POST',
        headers: { 'content-type': 'image/svg+xml' },
        body: svg(`<!DOCTYPE svg [<!ENTITY xxe SYSTEM "http://169.254.169.254/">]><svg>&xxe;</svg>`),
      },
      422,
      'svg_doctype_forbidden',
    ],
    [
      'svg with an external image and no assertion',
      '/verify',
      { method: 'POST', headers: { 'content-type': 'image/svg+xml' }, body: svg(`<svg><image href="http://evil.example/x.png"/></svg>`) },
      422,
      'not_baked',
    ],
    [
      'baked url of a private address',
      '/verify',
      { method: 'POST', headers: { 'content-type': 'image/png' }, body: bakePng(PNG_1X1, 'http://169.254.169.254/latest/meta-data') },
      422,
      'refused_url',
    ],
    [
      'baked garbage text',
      '/verify',
      { method: 'POST', headers: { 'content-type': 'image/png' }, body: bakePng(PNG_1X1, '{not json') },
      422,
      'baked_json_invalid',
    ],
    [
      '101 ids',
      '/verify/batch',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: Array(101).fill('a') }) },
      400,
      'invalid_body',
    ],
    [
      'admin body with an unknown field',
      '/admin/issuers',
      {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'n', url: 'https://a.org', email: 'a@a.org', isAdmin: true }),
      },
      400,
      'invalid_body',
    ],
    [
      'admin image that is not base64',
      '/admin/badges',
      {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify({
          issuerId: 'x',
          name: 'n',
          description: 'd',
          criteria: { narrative: 'c' },
          image: { type: 'image/png', base64: '%%%' },
        }),
      },
      400,
      'invalid_body',
    ],
  ];

  it.each(cases)('%s: exactly %i %s', async (_, path, init, status, code) => {
    expect(await expectRefusedCleanly(path, init)).toMatchObject({ status, code });
  });

  it('refuses an oversized body from its Content-Length, before reading it', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 64) return controller.close();
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const res = await expectRefusedCleanly('/verify', {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-length': String(50 * 1024 * 1024) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(4);
  });

  it('refuses an oversized chunked body once it passes the limit', async () => {
    const chunks = Array.from({ length: 40 }, () => new Uint8Array(64 * 1024)); // 2.5 MiB
    const body = new ReadableStream<Uint8Array>({ pull: (c) => (chunks.length ? c.enqueue(chunks.pop()!) : c.close()) });
    const res = await expectRefusedCleanly('/verify', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });
});
