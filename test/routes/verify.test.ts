import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashIdentity } from '../../src/openbadges/recipient.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { BASE, createIssuerWithBadge, DAY, get, PNG_1X1, post, postJson, SVG_BADGE } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

let png: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let svg: Awaited<ReturnType<typeof createIssuerWithBadge>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  png = await createIssuerWithBadge();
  svg = await createIssuerWithBadge({ badge: { imageBytes: SVG_BADGE, imageType: 'image/svg+xml' } });
  ids.valid = await png.assertion({ recipient: 'alice@example.org' });
  ids.revoked = await png.assertion({ revokedAt: new Date(), revocationReason: 'Issued in error' });
  ids.expired = await png.assertion({ issuedOn: new Date(Date.now() - 400 * DAY), expires: new Date(Date.now() - 30 * DAY) });
  ids.future = await png.assertion({ issuedOn: new Date(Date.now() + 10 * DAY) });
  ids.md5 = await png.assertion({ recipientSalt: 's4lt', recipientIdentity: await hashIdentity('bob@example.org', 's4lt', 'md5') });
  ids.upper = await png.assertion({
    recipientSalt: 'x',
    recipientIdentity: (await hashIdentity('carol@example.org', 'x')).replace(/[0-9a-f]+$/, (h) => h.toUpperCase()),
  });
  ids.svg = await svg.assertion({ recipient: 'dave@example.org' });
});
afterAll(async () => {
  await png.cleanup();
  await svg.cleanup();
});

const bytesOf = (text: string) => new Uint8Array(new TextEncoder().encode(text));
const report = (res: Response) => res.json<VerificationReport>();
const failed = (r: VerificationReport) => r.checks.filter((c) => !c.passed).map((c) => c.name);

describe('GET /assertions/{id}/verify', () => {
  it('reports a valid assertion with every check passed', async () => {
    const r = await report(await get(`/assertions/${ids.valid}/verify`));
    expect(r).toMatchObject({ valid: true, status: 'valid', recipient: { matched: null } });
    expect(failed(r)).toEqual([]);
    expect(r.checks.map((c) => c.name)).toEqual(['hosted_scope', 'issued_on', 'not_revoked', 'not_expired']);
    expect(r.assertion?.id).toBe(`${BASE}/assertions/${ids.valid}`);
    expect(r.badge).toMatchObject({ name: 'Test Badge', id: `${BASE}/badges/${png.badgeId}` });
    expect(r.issuer).toMatchObject({ name: 'Test Issuer', url: 'https://issuer.example.org' });
    expect(Math.abs(Date.parse(r.verifiedAt) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ['revoked', 'revoked', ['not_revoked']],
    ['expired', 'expired', ['not_expired']],
    ['future', 'invalid', ['issued_on']],
  ])('reports %s as status %s', async (which, status, failing) => {
    const r = await report(await get(`/assertions/${ids[which]}/verify`));
    expect(r).toMatchObject({ valid: false, status });
    expect(failed(r)).toEqual(failing);
  });

  it('costs one database request and one statement when cold', async () => {
    const cold = await png.assertion();
    await resetStats();
    const res = await get(`/assertions/${cold}/verify`);
    expect(res.status).toBe(200);
    expect(await neonStats()).toMatchObject({ httpRequests: 1, statements: 1 });
    expect(res.headers.get('server-timing')).toMatch(/db;dur=[\d.]+;desc="1 statements in 1 requests"/);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await get('/assertions/does-not-exist/verify')).status).toBe(404);
    await resetStats();
    const res = await get(`/assertions/${'x'.repeat(65)}/verify`);
    expect(res.status).toBe(400);
    expect((await neonStats()).httpRequests).toBe(0);
  });
});

describe('POST /verify', () => {
  it('verifies by id with a matching recipient (sha256)', async () => {
    const res = await postJson('/verify', { assertion: ids.valid, recipient: { type: 'email', identity: 'alice@example.org' } });
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const r = await report(res);
    expect(r).toMatchObject({ valid: true, status: 'valid', recipient: { matched: true } });
  });

  it('refuses another recipient', async () => {
    const r = await report(await postJson('/verify', { assertion: ids.valid, recipient: { identity: 'mallory@example.org' } }));
    expect(r).toMatchObject({ valid: false, status: 'invalid', recipient: { matched: false } });
    expect(failed(r)).toEqual(['recipient']);
  });

  it('matches md5 hashes, upper-case hex and a differently cased e-mail', async () => {
    const md5 = await report(await postJson('/verify', { assertion: ids.md5, recipient: { identity: 'bob@example.org' } }));
    expect(md5.recipient.matched).toBe(true);
    const upper = await report(await postJson('/verify', { assertion: ids.upper, recipient: { identity: 'Carol@Example.org' } }));
    expect(upper.recipient.matched).toBe(true);
    const wrongType = await report(
      await postJson('/verify', { assertion: ids.md5, recipient: { type: 'url', identity: 'bob@example.org' } }),
    );
    expect(wrongType.recipient.matched).toBe(false);
  });

  it('verifies one of our assertion URLs from the tiers, and anyone else’s through the fetcher', async () => {
    expect((await report(await postJson('/verify', { assertion: `${BASE}/assertions/${ids.valid}` }))).status).toBe('valid');
    // No such host answers: the verdict cannot be had, and says which document is missing.
    const foreign = await report(await postJson('/verify', { assertion: 'https://elsewhere.example/assertions/abc' }));
    expect(foreign.status).toBe('unverifiable');
    expect(foreign.sources?.[0]).toMatchObject({ url: 'https://elsewhere.example/assertions/abc', error: { code: 'unreachable' } });
    const privateAddress = await postJson('/verify', { assertion: 'https://192.168.0.1/assertions/abc' });
    expect(privateAddress.status).toBe(422);
    expect(await privateAddress.json()).toMatchObject({ code: 'refused_url' });
  });

  it('checks a supplied assertion document against the hosted one', async () => {
    const doc = await (await get(`/assertions/${ids.valid}`)).json<Record<string, unknown>>();
    expect((await report(await postJson('/verify', { assertion: doc }))).status).toBe('valid');
    const tampered = { ...doc, recipient: { type: 'email', hashed: true, identity: 'sha256$0000' } };
    const r = await report(await postJson('/verify', { assertion: tampered }));
    expect(r.status).toBe('invalid');
    expect(failed(r)).toEqual(['matches_hosted']);
  });

  it('reports not_found for an unknown id', async () => {
    expect(await report(await postJson('/verify', { assertion: 'never-issued' }))).toMatchObject({ valid: false, status: 'not_found' });
  });

  it('answers 400 for malformed JSON and 415 for an unknown content type', async () => {
    const bad = await post('/verify', '{"assertion":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_body' });
    expect((await post('/verify', 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('round-trips a baked PNG: bake, upload raw, get valid', async () => {
    const image = await get(`/assertions/${ids.valid}/image`);
    expect(image.headers.get('content-type')).toBe('image/png');
    const r = await report(await post('/verify', await image.arrayBuffer(), { 'content-type': 'image/png' }));
    expect(r).toMatchObject({ valid: true, status: 'valid', assertion: { id: `${BASE}/assertions/${ids.valid}` } });
  });

  it('round-trips a baked SVG uploaded as multipart with a recipient', async () => {
    const image = await get(`/assertions/${ids.svg}/image`);
    expect(image.headers.get('content-type')).toBe('image/svg+xml');
    const form = new FormData();
    form.set('image', new File([await image.arrayBuffer()], 'badge.svg', { type: 'image/svg+xml' }));
    form.set('recipient_identity', 'dave@example.org');
    const r = await report(await post('/verify', form));
    expect(r).toMatchObject({ valid: true, recipient: { matched: true } });
  });

  it('answers 422 with a reason for malformed baked images', async () => {
    const baked = new Uint8Array(await (await get(`/assertions/${ids.valid}/image`)).arrayBuffer());
    const badCrc = baked.slice();
    badCrc[40] = badCrc[40]! ^ 0xff;
    const cases: Array<[Uint8Array<ArrayBuffer>, string]> = [
      [baked.slice(0, 50), 'png_truncated'],
      [badCrc, 'png_bad_crc'],
      [PNG_1X1, 'not_baked'],
      [bytesOf('GIF89a....'), 'unsupported_image'],
      [bytesOf('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>'), 'svg_doctype_forbidden'],
    ];
    for (const [bytes, code] of cases) {
      const res = await post('/verify', bytes, { 'content-type': 'application/octet-stream' });
      expect([res.status, (await res.json<{ code: string }>()).code]).toEqual([422, code]);
    }
  });

  it('answers 413 to an upload over the limit', async () => {
    const res = await post('/verify', new Uint8Array(2 * 1024 * 1024 + 1), { 'content-type': 'image/png' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'body_too_large' });
  });
});

describe('POST /verify/batch', () => {
  it('verifies 50 ids with one database request and one statement, in order', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => [ids.valid, ids.revoked, ids.expired, 'missing-id'][i % 4]!);
    // Caches off: earlier tests may have left these records (and "no record" for the missing one) in Redis.
    const uncached = worker({ CACHE_TIERS: 'none' });
    await resetStats();
    const { response: res, settled } = await uncached.fetch('/verify/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: batch }),
    });
    await settled;
    expect(res.status).toBe(200);
    const { results } = await res.json<{ results: VerificationReport[] }>();
    expect(results.map((r) => r.status).slice(0, 4)).toEqual(['valid', 'revoked', 'expired', 'not_found']);
    expect(results).toHaveLength(50);
    expect(await neonStats()).toMatchObject({ httpRequests: 1, statements: 1 });
  });

  it('checks the recipient on every item', async () => {
    const { results } = await (
      await postJson('/verify/batch', { ids: [ids.valid, ids.svg], recipient: { identity: 'alice@example.org' } })
    ).json<{
      results: VerificationReport[];
    }>();
    expect(results.map((r) => r.recipient.matched)).toEqual([true, false]);
  });

  it('refuses more than 100 ids and malformed ones', async () => {
    expect((await postJson('/verify/batch', { ids: Array(101).fill(ids.valid) })).status).toBe(400);
    const res = await postJson('/verify/batch', { ids: [ids.valid, '../etc/passwd'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'malformed_id' });
  });
});
