/** OB 3.0 credentials and status lists through the real drivers: signed, kept, revoked, rotated. */

import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusListKey } from '../../src/cache/keys.ts';
import { signDocument, verifyDocument } from '../../src/credentials/data-integrity.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';
import { statusBit } from '../../src/credentials/status-list.ts';
import { extractBaked } from '../../src/openbadges/baking/index.ts';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge, SVG_BADGE } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

type Credential = {
  id: string;
  issuer: { id: string };
  name: string;
  credentialStatus: { statusListCredential: string; statusListIndex: string };
  credentialSubject: { identifier: Array<{ identityHash: string }> };
  proof: Array<{ verificationMethod: string }>;
};
type StatusListCredential = { issuer: string; credentialSubject: { encodedList: string } };

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());

const issue = async (w: ReturnType<typeof worker>) => {
  const res = await w.admin('POST', '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'carol@example.org' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};
const credentialOf = async (w: ReturnType<typeof worker>, id: string) => {
  const res = await w.get(`/credentials/${id}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/ld\+json/);
  return (await res.json()) as Credential;
};
const listPath = (url: string) => new URL(url).pathname;

describe('GET /credentials/{id}', () => {
  it('is an OpenBadgeCredential signed by the issuer did:key, and a tampered copy fails', async () => {
    const w = worker();
    const credential = await credentialOf(w, await issue(w));
    expect(credential.issuer.id).toMatch(/^did:key:z6Mk/);
    expect(credential.proof[0]!.verificationMethod.startsWith(`${credential.issuer.id}#`)).toBe(true);
    expect(credential.credentialSubject.identifier[0]!.identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(await verifyDocument(credential as never)).toMatchObject({ verified: true });
    expect(await verifyDocument({ ...credential, name: 'Forged' } as never)).toMatchObject({ verified: false });
  });

  it('is signed once: fresh isolates read the kept credential with no statement and no new signature', async () => {
    const w = worker();
    const id = await issue(w);
    const first = await (await w.get(`/credentials/${id}`)).text();
    await resetStats();
    for (let i = 0; i < 5; i++) expect(await (await worker().get(`/credentials/${id}`)).text()).toBe(first);
    expect((await neonStats()).statements).toBe(0);
  });

  it("opens the issuer's key once per isolate: a later first read there signs with no statement, a fresh isolate's with one", async () => {
    const w = worker();
    const [first, second, third] = [await issue(w), await issue(w), await issue(w)];
    await credentialOf(w, first);
    await resetStats();
    await credentialOf(w, second);
    expect((await neonStats()).statements).toBe(0);
    await credentialOf(worker(), third);
    expect((await neonStats()).statements).toBe(1);
  });

  it('answers 404 for an unknown award and 400 for a malformed id', async () => {
    expect((await worker().get('/credentials/no-such-award')).status).toBe(404);
    expect((await worker().get('/credentials/bad%20id')).status).toBe(400);
  });
});

describe('GET /status/{issuer}/{list}', () => {
  it("flips the award's bit on revoke: the next read says revoked, in the writer and in a fresh isolate", async () => {
    const w = worker();
    const credential = await credentialOf(w, await issue(w));
    const { statusListCredential, statusListIndex } = credential.credentialStatus;
    const reader = worker();
    const before = (await (await reader.get(listPath(statusListCredential))).json()) as StatusListCredential;
    expect(await verifyDocument(before as never)).toMatchObject({ verified: true });
    expect(before.issuer).toBe(credential.issuer.id);
    expect(await statusBit(before.credentialSubject.encodedList, Number(statusListIndex))).toBe(false);

    const id = new URL(credential.id).pathname.split('/').pop()!;
    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
    for (const isolate of [w, reader, worker()]) {
      const after = (await (await isolate.get(listPath(statusListCredential))).json()) as StatusListCredential;
      expect(await verifyDocument(after as never)).toMatchObject({ verified: true });
      expect(await statusBit(after.credentialSubject.encodedList, Number(statusListIndex))).toBe(true);
    }
  });

  it('serves a kept list with no statement, and a cold one with one', async () => {
    const w = worker();
    const credential = await credentialOf(w, await issue(w));
    const path = listPath(credential.credentialStatus.statusListCredential);
    await w.get(path);
    await resetStats();
    await worker().get(path);
    expect((await neonStats()).statements).toBe(0);
  });
});

describe('POST /admin/issuers/{id}/keys (rotation)', () => {
  it('signs new credentials with the new key; credentials signed before still verify', async () => {
    const w = worker();
    const old = await credentialOf(w, await issue(w));
    const res = await w.admin('POST', `/admin/issuers/${fixture.issuerId}/keys`, {});
    expect(res.status).toBe(201);
    const fresh = await credentialOf(worker(), await issue(w));
    expect(fresh.issuer.id).not.toBe(old.issuer.id);
    expect(await verifyDocument(fresh as never)).toMatchObject({ verified: true });
    expect(await verifyDocument(old as never)).toMatchObject({ verified: true });
  });
});

const verify = async (w: ReturnType<typeof worker>, body: unknown, type = 'application/json') => {
  const { response } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': type },
    body: type === 'application/json' ? JSON.stringify(body) : (body as BodyInit),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as VerificationReport;
};

describe('POST /verify with an OB 3.0 credential', () => {
  it('reports conformance, proof and status separately, and follows a revoke', async () => {
    const w = worker();
    const id = await issue(w);
    const credential = await credentialOf(w, id);
    const report = await verify(w, { credential, recipient: { identity: 'carol@example.org' } });
    expect(report).toMatchObject({
      valid: true,
      status: 'valid',
      ob3: { conformance: 'passed', proof: 'verified', status: 'active' },
      recipient: { matched: true },
    });
    expect((await verify(w, { credential, recipient: { identity: 'mallory@example.org' } })).recipient.matched).toBe(false);

    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
    expect(await verify(worker(), { credential })).toMatchObject({
      valid: false,
      status: 'revoked',
      ob3: { proof: 'verified', status: 'revoked' },
    });
  });

  it('says invalid for a tampered credential, and does not vouch for what lives elsewhere', async () => {
    const w = worker();
    const credential = await credentialOf(w, await issue(w));
    expect(await verify(w, { credential: { ...credential, name: 'Forged' } })).toMatchObject({
      valid: false,
      status: 'invalid',
      ob3: { proof: 'failed' },
    });
    const elsewhere = {
      ...credential,
      credentialStatus: { ...credential.credentialStatus, statusListCredential: 'https://other.example/status/1' },
    };
    // Moving the status list changes the signed document too: the proof fails, and the list's host cannot be reached.
    expect(await verify(w, { credential: elsewhere })).toMatchObject({
      valid: false,
      ob3: { proof: 'failed', status: 'unverifiable' },
    });
    expect(await verify(w, { credential: { hello: 'world' } })).toMatchObject({
      valid: false,
      status: 'invalid',
      ob3: { conformance: 'failed' },
    });
  });

  it("does not let a stranger's did:key credential borrow an issuer's status list, and leaves unknown status types unchecked", async () => {
    const w = worker();
    const credential = await credentialOf(w, await issue(w));
    const { proof: _, ...unsigned } = credential;
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const stranger = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
    const sign = (document: object) =>
      signDocument(
        { ...unsigned, ...document, issuer: { ...credential.issuer, id: `did:key:${stranger}` } } as never,
        `did:key:${stranger}#${stranger}`,
        pair.privateKey,
        new Date(),
      );
    // Its own proof holds, but the list it names is another issuer's: nothing vouches for it.
    expect(await verify(w, { credential: await sign({}) })).toMatchObject({
      valid: false,
      status: 'revoked',
      ob3: { proof: 'verified', status: 'revoked' },
    });
    // 1EdTechRevocationList, StatusList2021Entry and BitstringStatusListEntry are checked; a type nobody defined is not.
    const otherStatus = { credentialStatus: { id: 'urn:x', type: 'https://status.example/vocab#FutureStatusEntry' } };
    expect(await verify(w, { credential: await sign(otherStatus) })).toMatchObject({
      valid: false,
      ob3: { conformance: 'passed', proof: 'verified', status: 'not checked: unsupported' },
    });
  });

  it('costs one statement cold (the status list), and none once the list is kept', async () => {
    const w = worker();
    const credential = await credentialOf(w, await issue(w));
    const { statusListCredential } = credential.credentialStatus;
    const [issuerId, list] = new URL(statusListCredential).pathname.split('/').slice(2);
    await depsFor(env).redisClient!.del(statusListKey(issuerId!, Number(list), depsFor(env).dids.keyspace));
    await resetStats();
    expect((await verify(worker(), { credential })).valid).toBe(true);
    expect((await neonStats()).statements).toBe(1);
    await resetStats();
    expect((await verify(worker(), { credential })).valid).toBe(true);
    expect((await neonStats()).statements).toBe(0);
  });
});

describe('GET /credentials/{id}/image (baked OB 3.0)', () => {
  it('bakes the signed credential into PNG (openbadgecredential iTXt) and SVG (openbadges:credential), and POST /verify reads it back', async () => {
    const svg = await createIssuerWithBadge({ badge: { imageBytes: SVG_BADGE, imageType: 'image/svg+xml' } });
    try {
      for (const f of [fixture, svg]) {
        const w = worker();
        const res = await w.admin('POST', '/admin/assertions', { badgeId: f.badgeId, recipient: { identity: 'erin@example.org' } });
        const { id } = (await res.json()) as { id: string };
        const credential = await (await w.get(`/credentials/${id}`)).text();
        const image = await w.get(`/credentials/${id}/image`);
        expect(image.status).toBe(200);
        const bytes = new Uint8Array(await image.arrayBuffer());
        expect(extractBaked(bytes)).toEqual({ kind: 'credential', text: credential });
        if (f === svg) expect(new TextDecoder().decode(bytes)).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
        const report = await verify(w, bytes, image.headers.get('content-type')!);
        expect(report).toMatchObject({ valid: true, ob3: { proof: 'verified', status: 'active' } });
      }
    } finally {
      await svg.cleanup();
    }
  });
});
