import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractBakedAssertion } from '../../src/openbadges/baking/index.ts';
import { BASE, createIssuerWithBadge, get, PNG_1X1, SVG_BADGE } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

let png: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let svg: Awaited<ReturnType<typeof createIssuerWithBadge>>;

beforeAll(async () => {
  png = await createIssuerWithBadge();
  svg = await createIssuerWithBadge({ badge: { imageBytes: SVG_BADGE, imageType: 'image/svg+xml' } });
});
afterAll(async () => {
  await png.cleanup();
  await svg.cleanup();
});

describe('GET /badges/{id}/image', () => {
  it('serves the stored PNG and SVG with their content types', async () => {
    const pngRes = await get(`/badges/${png.badgeId}/image`);
    expect(pngRes.status).toBe(200);
    expect(pngRes.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await pngRes.arrayBuffer())).toEqual(PNG_1X1);
    const svgRes = await get(`/badges/${svg.badgeId}/image`);
    expect(svgRes.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers 404 for an unknown badge', async () => {
    expect((await get('/badges/no-such-badge/image')).status).toBe(404);
  });
});

describe('GET /assertions/{id}/image', () => {
  it('bakes the assertion URL into the PNG', async () => {
    const id = await png.assertion();
    const res = await get(`/assertions/${id}/image`);
    expect(res.status).toBe(200);
    expect(extractBakedAssertion(new Uint8Array(await res.arrayBuffer()))).toBe(`${BASE}/assertions/${id}`);
  });

  it('bakes the assertion URL into the SVG', async () => {
    const id = await svg.assertion();
    const text = await (await get(`/assertions/${id}/image`)).text();
    expect(text).toContain('xmlns:openbadges="http://openbadges.org"');
    expect(text).toContain(`<openbadges:assertion verify="${BASE}/assertions/${id}"/>`);
  });

  it('answers 410 for a revoked assertion and 404 for an unknown one', async () => {
    const id = await png.assertion({ revokedAt: new Date(), revocationReason: 'x' });
    expect((await get(`/assertions/${id}/image`)).status).toBe(410);
    expect((await get('/assertions/nope-nope/image')).status).toBe(404);
  });
});

describe('a badge whose image is hosted elsewhere (imageUrl)', () => {
  it('still dereferences every image URL its documents advertise: a redirect to that image', async () => {
    const hosted = await createIssuerWithBadge({
      badge: { imageBytes: null, imageType: null, imageUrl: 'https://images.example.org/badge.png' },
    });
    try {
      const id = await hosted.assertion();
      const advertised = ((await (await get(`/assertions/${id}`)).json()) as { image: string }).image;
      expect(advertised).toBe(`${BASE}/assertions/${id}/image`);
      const res = await get(`/assertions/${id}/image`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://images.example.org/badge.png');
      expect(res.headers.get('cache-tag')).toBe(`assertion:${id},badge:${hosted.badgeId},issuer:${hosted.issuerId}`);
    } finally {
      await hosted.cleanup();
    }
  });
});

describe('image responses', () => {
  it('carry a sandboxing Content-Security-Policy and nosniff', async () => {
    for (const path of [`/badges/${svg.badgeId}/image`, `/assertions/${await svg.assertion()}/image`]) {
      const res = await get(path);
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('an image stored before uploads were checked', () => {
  const text = (value: string) => new Uint8Array(new TextEncoder().encode(value));
  const badPng = Uint8Array.from(PNG_1X1);
  badPng[29] = badPng[29]! ^ 0xff; // inside IHDR: its CRC no longer matches
  const cases: Array<[string, Uint8Array, string]> = [
    ['"hello" declared PNG', text('hello'), 'image/png'],
    ['a PNG with a broken chunk CRC', badPng, 'image/png'],
    ['an SVG with a DOCTYPE', text('<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'],
    ['an SVG with a script', text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
  ];
  for (const [name, imageBytes, imageType] of cases) {
    it(`${name}: the badge image and every baked image answer 404 stored_image_unusable, never 5xx`, async () => {
      const old = await createIssuerWithBadge({ badge: { imageBytes, imageType } });
      try {
        const id = await old.assertion();
        for (const path of [`/badges/${old.badgeId}/image`, `/assertions/${id}/image`]) {
          for (const pass of ['cold', 'kept in Redis']) {
            const res = await get(path);
            expect(res.status, `${path} ${pass}`).toBe(404);
            expect(((await res.json()) as { code: string }).code).toBe('stored_image_unusable');
          }
        }
      } finally {
        await old.cleanup();
      }
    });
  }
});

describe('image reads are bounded', () => {
  it('ten fresh isolates reading a badge image and a baked image cost no statement once one has: Redis keeps the records and the bytes', async () => {
    const id = await svg.assertion();
    await worker().get(`/assertions/${id}/image`); // one isolate loads the records and the image
    await resetStats();
    for (let i = 0; i < 10; i++) {
      const w = worker();
      const plain = await w.get(`/badges/${svg.badgeId}/image`);
      const baked = await w.get(`/assertions/${id}/image`);
      expect([plain.status, baked.status]).toEqual([200, 200]);
      expect(new Uint8Array(await plain.arrayBuffer())).toEqual(SVG_BADGE);
      expect(await baked.text()).toContain(`verify="${BASE}/assertions/${id}"`);
    }
    expect((await neonStats()).statements).toBe(0);
  });

  it('a new image upload is served at once: the kept bytes are keyed by the badge version', async () => {
    const edited = await createIssuerWithBadge();
    try {
      const w = worker();
      const before = await w.get(`/badges/${edited.badgeId}/image`);
      expect(before.headers.get('content-type')).toBe('image/png');
      const res = await w.admin('PATCH', `/admin/badges/${edited.badgeId}`, {
        image: { type: 'image/svg+xml', base64: btoa(new TextDecoder().decode(SVG_BADGE)) },
      });
      expect(res.status).toBe(200);
      const after = await worker().get(`/badges/${edited.badgeId}/image`);
      expect(after.headers.get('content-type')).toBe('image/svg+xml');
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    } finally {
      await edited.cleanup();
    }
  });
});
