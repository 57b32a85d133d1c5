/**
 * The README's Hardening promises about stored images, bounded reads and admin credentials,
 * probed adversarially (a review's reproductions, each kept as a regression test).
 */
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { depsFor } from '../../src/platform/deps.ts';
import { createIssuerWithBadge, PNG_1X1, pngChunk, SVG_BADGE, uid } from '../fixtures.ts';
import { control, neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
const text = (value: string) => new Uint8Array(new TextEncoder().encode(value));
const base64 = (bytes: Uint8Array) => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};
const db = () => depsFor(env).db;
const redis = () => depsFor(env).redisClient!;
const code = async (res: Response) => ((await res.clone().json()) as { code?: string }).code;

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());
afterEach(async () => {
  await control('upstash', { fault: null });
  vi.restoreAllMocks();
});

/** Issuer + badge holding `imageBytes` as `imageType` (as stored before upload checks), run `body`, clean up. */
async function withStoredImage(
  imageBytes: Uint8Array | null,
  imageType: string | null,
  body: (f: Awaited<ReturnType<typeof createIssuerWithBadge>>) => Promise<void>,
  extra: Record<string, unknown> = {},
) {
  const f = await createIssuerWithBadge({ badge: { imageBytes, imageType, ...extra } });
  try {
    await body(f);
  } finally {
    await f.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
describe('a stored image never makes an image GET answer 5xx', () => {
  // Passes the upload check (no script, handler, href/src, url(), DOCTYPE; has an <svg> root), but
  // its only <svg> root sits inside an openbadges:assertion element, which bakeSvg strips first:
  // `ROOT.exec(text)!` is then null → TypeError → 500.
  const rootInsideAssertion = text(
    '<?xml version="1.0"?><openbadges:assertion verify="x"><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></openbadges:assertion>',
  );

  it('an SVG whose only <svg> root sits inside an openbadges:assertion is refused at upload: it could not be baked', async () => {
    await withStoredImage(PNG_1X1, 'image/png', async (f) => {
      const patch = await worker().admin('PATCH', `/admin/badges/${f.badgeId}`, {
        image: { type: 'image/svg+xml', base64: base64(rootInsideAssertion) },
      });
      expect(patch.status).toBe(422);
      expect(await code(patch)).toBe('not_svg');
    });
  });

  it('the same SVG stored before the checks: the baked image answers 404 stored_image_unusable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await withStoredImage(rootInsideAssertion, 'image/svg+xml', async (f) => {
      const id = await f.assertion();
      const res = await worker().get(`/assertions/${id}/image`);
      expect(res.status).toBe(404);
      expect(await code(res)).toBe('stored_image_unusable');
    });
  });

  it('bytes that are not their stored type (a clean SVG stored as image/png) answer 404 stored_image_unusable', async () => {
    await withStoredImage(SVG_BADGE, 'image/png', async (f) => {
      const id = await f.assertion();
      for (const path of [`/badges/${f.badgeId}/image`, `/assertions/${id}/image`]) {
        const res = await worker().get(path);
        expect(res.status, path).toBe(404);
        expect(await code(res), path).toBe('stored_image_unusable');
      }
    });
  });

  it('an SVG with thousands of unclosed openbadges:assertion tags is refused at upload, and stored before the checks is unusable', async () => {
    // Once quadratic to bake (a pattern rescanned to the end per tag); the scan is linear now, and an unclosed element is malformed.
    const svg = text(`<svg xmlns="http://www.w3.org/2000/svg">${'<openbadges:assertion>'.repeat(16_000)}</svg>`);
    await withStoredImage(null, null, async (f) => {
      const patch = await worker().admin('PATCH', `/admin/badges/${f.badgeId}`, { image: { type: 'image/svg+xml', base64: base64(svg) } });
      expect(patch.status).toBe(422);
      expect(await code(patch)).toBe('svg_malformed');
    });
    await withStoredImage(svg, 'image/svg+xml', async (f) => {
      const res = await worker().get(`/assertions/${await f.assertion()}/image`);
      expect(res.status).toBe(404);
      expect(await code(res)).toBe('stored_image_unusable');
    });
  });

  const badPngs = (() => {
    const truncated = PNG_1X1.subarray(0, PNG_1X1.length - 6);
    const noIend = PNG_1X1.subarray(0, PNG_1X1.length - 12);
    return { truncated, noIend };
  })();
  const legacy: Array<[string, Uint8Array, string]> = [
    ['SVG with onload', text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/svg+xml'],
    ['SVG with foreignObject', text('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>'), 'image/svg+xml'],
    [
      'SVG with external href',
      text('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>'),
      'image/svg+xml',
    ],
    ['SVG with javascript:', text('<svg xmlns="http://www.w3.org/2000/svg"><a xlink:href="javascript:alert(1)"/></svg>'), 'image/svg+xml'],
    [
      'SVG with url()',
      text('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/)"/></svg>'),
      'image/svg+xml',
    ],
    [
      'SVG not UTF-8',
      Uint8Array.from([...text('<svg xmlns="http://www.w3.org/2000/svg">'), 0xff, 0xfe, ...text('</svg>')]),
      'image/svg+xml',
    ],
    ['markup start without <svg> root', text('<!-- hi --><html/>'), 'image/svg+xml'],
    ['PNG truncated', badPngs.truncated, 'image/png'],
    ['PNG without IEND', badPngs.noIend, 'image/png'],
    ['empty bytes', new Uint8Array(0), 'image/png'],
    ['JPEG-ish bytes typed image/jpeg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg'],
  ];
  for (const [name, bytes, type] of legacy) {
    it(`legacy ${name}: both image routes answer 404 stored_image_unusable, cold and kept`, async () => {
      await withStoredImage(bytes, type, async (f) => {
        const id = await f.assertion();
        for (const path of [`/badges/${f.badgeId}/image`, `/assertions/${id}/image`]) {
          for (const pass of ['cold', 'kept']) {
            const res = await worker().get(path);
            expect(res.status, `${path} ${pass}`).toBe(404);
            expect(await code(res), `${path} ${pass}`).toBe('stored_image_unusable');
          }
        }
      });
    });
  }

  it('a PNG carrying a compressed openbadges zTXt chunk (it cannot be baked): both image routes answer 404 unusable, never 5xx', async () => {
    // A zTXt chunk with keyword openbadges: readChunks accepts it, bakePng refuses it (compressed).
    const chunk = pngChunk('zTXt', [...text('openbadges'), 0, 0, 1, 2, 3]);
    const png = new Uint8Array([...PNG_1X1.subarray(0, 33), ...chunk, ...PNG_1X1.subarray(33)]);
    await withStoredImage(png, 'image/png', async (f) => {
      const id = await f.assertion();
      for (const path of [`/badges/${f.badgeId}/image`, `/assertions/${id}/image`]) {
        const res = await worker().get(path);
        expect(res.status, path).toBe(404);
        expect(await code(res), path).toBe('stored_image_unusable');
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('images kept by badge version; lagging replicas; revocation of baked images', () => {
  const replica = 'review12_replica';
  const replicaUrl = `postgres://postgres@replica.localtest/replica?options=-csearch_path%3D${replica}`;
  async function makeReplica(rows: { issuer?: string; badge?: string }) {
    await db().execute(sql.raw(`drop schema if exists ${replica} cascade`));
    await db().execute(sql.raw(`create schema ${replica}`));
    for (const table of ['issuers', 'badge_classes', 'assertions']) {
      await db().execute(sql.raw(`create table ${replica}.${table} (like public.${table} including defaults)`));
    }
    if (rows.issuer)
      await db().execute(sql`insert into ${sql.raw(replica)}.issuers select * from public.issuers where id = ${rows.issuer}`);
    if (rows.badge)
      await db().execute(sql`insert into ${sql.raw(replica)}.badge_classes select * from public.badge_classes where id = ${rows.badge}`);
  }
  const dropReplica = () => db().execute(sql.raw(`drop schema if exists ${replica} cascade`));
  const withReplica = () => worker({ DATABASE_URL_READ: replicaUrl, CACHE_TIERS: 'redis' });

  it('after an image upload, a reader on a lagging replica serves the new image and keeps it under the new version only', async () => {
    await withStoredImage(PNG_1X1, 'image/png', async (f) => {
      await makeReplica({ issuer: f.issuerId, badge: f.badgeId }); // replica holds version 1 with the PNG
      try {
        expect((await withReplica().get(`/badges/${f.badgeId}/image`)).headers.get('content-type')).toBe('image/png');
        const patch = await worker().admin('PATCH', `/admin/badges/${f.badgeId}`, {
          image: { type: 'image/svg+xml', base64: base64(SVG_BADGE) },
        });
        const { version } = await patch.json<{ version: number }>();
        const res = await withReplica().get(`/badges/${f.badgeId}/image`);
        expect(res.headers.get('content-type')).toBe('image/svg+xml');
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(SVG_BADGE);
        expect(String(await redis().get(`v3:img:${f.badgeId}:${version}`))).toMatch(/^image\/svg\+xml\|/);
        // An assertion issued through the API (written through to Redis; the replica has not seen it).
        const issued = await worker().admin('POST', '/admin/assertions', { badgeId: f.badgeId, recipient: { identity: 'r@example.org' } });
        const { id } = await issued.json<{ id: string }>();
        const baked = await withReplica().get(`/assertions/${id}/image`);
        expect(baked.status).toBe(200);
        expect(await baked.text()).toContain('openbadges:assertion');
      } finally {
        await dropReplica();
      }
    });
  });

  it('a badge created through the admin API but not yet on a lagging replica serves its uploaded image (the primary answers)', async () => {
    await makeReplica({ issuer: fixture.issuerId }); // the replica has not seen the new badge yet
    const badgeId = uid('newbadge');
    try {
      const created = await worker().admin('POST', '/admin/badges', {
        id: badgeId,
        issuerId: fixture.issuerId,
        name: 'New',
        description: 'Created now.',
        criteria: { narrative: 'x' },
        image: { type: 'image/png', base64: base64(PNG_1X1) },
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ cache: { redis: 'done' } });
      // The record comes from Redis (written through); the replica has no row yet, so the primary answers.
      const res = await withReplica().get(`/badges/${badgeId}/image`);
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG_1X1);
    } finally {
      await dropReplica();
      await db().execute(sql`delete from badge_classes where id = ${badgeId}`);
    }
  });

  it('after a revoke the baked image is 410 in the writer at once, in a fresh isolate at once, and in a reader within the L1 bound', async () => {
    const id = await fixture.assertion();
    const l1 = { L1_TTL_SECONDS: '1' };
    const reader = worker(l1);
    const writer = worker(l1);
    expect((await reader.get(`/assertions/${id}/image`)).status).toBe(200);
    expect((await writer.get(`/assertions/${id}/image`)).status).toBe(200);
    expect((await writer.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'review' })).status).toBe(200);
    expect((await writer.get(`/assertions/${id}/image`)).status).toBe(410);
    expect((await worker(l1).get(`/assertions/${id}/image`)).status).toBe(410);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await reader.get(`/assertions/${id}/image`)).status).toBe(410);
  });
});

// ---------------------------------------------------------------------------------------------
describe('every public GET is bounded', () => {
  async function tenFreshIsolatesCost(paths: string[], expectStatus: number[]) {
    for (const path of paths) await worker().get(path); // one isolate loads
    await resetStats();
    for (let i = 0; i < 10; i++) {
      const w = worker();
      const statuses = [];
      for (const path of paths) statuses.push((await w.get(path)).status);
      expect(statuses).toEqual(expectStatus);
    }
    return (await neonStats()).statements;
  }

  it('a badge with no image at all costs 0 statements once read', async () => {
    await withStoredImage(null, null, async (f) => {
      const id = await f.assertion();
      expect(await tenFreshIsolatesCost([`/badges/${f.badgeId}/image`, `/assertions/${id}/image`], [404, 404])).toBe(0);
    });
  });

  it('a badge hosted elsewhere (imageUrl) costs 0 statements once read', async () => {
    await withStoredImage(
      null,
      null,
      async (f) => {
        const id = await f.assertion();
        expect(await tenFreshIsolatesCost([`/badges/${f.badgeId}/image`, `/assertions/${id}/image`], [302, 302])).toBe(0);
      },
      { imageUrl: 'https://images.example.org/b.png' },
    );
  });

  it('unknown badge and assertion ids on the image routes cost 0 statements once read', async () => {
    expect(await tenFreshIsolatesCost([`/badges/${uid('nobadge')}/image`, `/assertions/${uid('noassert')}/image`], [404, 404])).toBe(0);
  });

  it('repeated reads of an unusable stored image cost 0 statements once read', async () => {
    await withStoredImage(text('hello'), 'image/png', async (f) => {
      const id = await f.assertion();
      expect(await tenFreshIsolatesCost([`/badges/${f.badgeId}/image`, `/assertions/${id}/image`], [404, 404])).toBe(0);
    });
  });

  it('/health is memoized per isolate (ten calls, one database check)', async () => {
    const w = worker();
    await resetStats();
    for (let i = 0; i < 10; i++) expect((await w.get('/health')).status).toBe(200);
    expect((await neonStats()).statements).toBeLessThanOrEqual(1);
  });

  const address = () => `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 6)}`;
  const list = (w: ReturnType<typeof worker>, ip: string) =>
    w.fetch('/issuers/no-such-issuer/revocations', { headers: { 'cf-connecting-ip': ip } }).then(async (r) => {
      await r.settled;
      return r.response.status;
    });

  it('revocation lists are counted per isolate when Redis is not configured', async () => {
    const w = worker({
      UPSTASH_REDIS_REST_URL: undefined,
      UPSTASH_REDIS_REST_TOKEN: undefined,
      RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '2',
    });
    const ip = address();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await list(w, ip));
    expect(statuses).toEqual([404, 404, 429]);
  });

  it('while Redis hangs (rather than errors), revocation lists are still counted in the isolate', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = worker({ RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '2', REDIS_TIMEOUT_MS: '100' });
    await control('upstash', { fault: 'hang' });
    const ip = address();
    await resetStats();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await list(w, ip));
    // The client's abort signal (REDIS_TIMEOUT_MS) rejects before @upstash/ratelimit's own `timeout`
    // (which would resolve { success: true }) fires, so the per-isolate fallback is used.
    expect(statuses).toEqual([404, 404, 429, 429, 429]);
    expect((await neonStats()).statements).toBeLessThanOrEqual(2);
  });
});

// ---------------------------------------------------------------------------------------------
describe('admin credentials: another scheme is 401, a malformed Bearer credential 400 invalid_request (RFC 6750), never 5xx', () => {
  const attempt = (authorization: string) =>
    worker()
      .fetch('/admin/issuers', {
        method: 'POST',
        body: '{}',
        headers: { authorization, 'content-type': 'application/json', 'cf-connecting-ip': uid('ip') },
      })
      .then((r) => r.response);

  for (const authorization of [
    `Basic ${btoa('a:b')}`,
    'Digest x=1',
    'Bearer',
    'Bearer    ',
    'BearerXYZ',
    'bearer',
    '',
    'Negotiate',
    'Bearer\tabc',
  ]) {
    it(`${JSON.stringify(authorization)} → 401 Bearer`, async () => {
      const res = await attempt(authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
  }

  for (const authorization of ['Bearer two words', 'Bearer abc,def', 'Bearer tok"en', 'Bearer abc, Basic YTpi']) {
    it(`${JSON.stringify(authorization)} (a malformed bearer credential) → 400 invalid_request with the Bearer challenge`, async () => {
      const res = await attempt(authorization);
      expect(res.status).toBe(400);
      expect(await code(res)).toBe('invalid_request');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('image responses carry the sandboxing CSP and nosniff', () => {
  it('PNG, SVG, baked PNG and baked SVG, GET and HEAD', async () => {
    await withStoredImage(SVG_BADGE, 'image/svg+xml', async (svg) => {
      const paths = [
        `/badges/${fixture.badgeId}/image`,
        `/assertions/${await fixture.assertion()}/image`,
        `/badges/${svg.badgeId}/image`,
        `/assertions/${await svg.assertion()}/image`,
      ];
      for (const path of paths) {
        for (const method of ['GET', 'HEAD']) {
          const { response, settled } = await worker().fetch(path, { method });
          await settled;
          expect(response.status, `${method} ${path}`).toBe(200);
          expect(response.headers.get('content-security-policy'), `${method} ${path}`).toBe(CSP);
          expect(response.headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff');
        }
      }
    });
  });

  it('a 304 to If-None-Match on an image keeps Content-Security-Policy and nosniff', async () => {
    const path = `/badges/${fixture.badgeId}/image`;
    const first = await worker().get(path);
    const etag = first.headers.get('etag')!;
    const res = await worker().get(path, { 'if-none-match': etag });
    expect(res.status).toBe(304);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
