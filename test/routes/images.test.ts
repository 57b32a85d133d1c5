import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractBakedAssertion } from '../../src/openbadges/baking/index.ts';
import { BASE, createIssuerWithBadge, get, PNG_1X1, SVG_BADGE } from '../fixtures.ts';

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
    const hosted = await createIssuerWithBadge({ badge: { imageBytes: null, imageType: null, imageUrl: 'https://images.example.org/badge.png' } });
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
