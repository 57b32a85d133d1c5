/**
 * Ways a holder or a hostile issuer could bend a verdict or its cost, each closed: a validity
 * window under the other data model's name, an OB 2.0 assertion URL that climbs out of its
 * issuer's `startsWith` scope, a gzip bomb named by many status entries, Redis calls past the
 * subrequest budget, a did:web whose host decodes to another, and OB 2.0 documents at URLs that
 * may never be fetched.
 */
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';
import { statusListReader } from '../../src/credentials/status-list.ts';
import { toBase64url } from '../../src/lib/base64.ts';
import { parseConfig } from '../../src/platform/config.ts';
import { openRemoteSession } from '../../src/remote/session.ts';
import { MAX_REDIS_CALLS_PER_REQUEST } from '../../src/remote/store.ts';
import { didWebUrl } from '../../src/verify/vc/verification-methods.ts';
import { hostileUrl, isolate } from '../remote/hostile.ts';
import { worker } from '../worker.ts';
import { credentialBy, plant, verifyCredential } from './strangers.ts';

const HOST = env.REMOTE_HOSTILE_HOST;
const ORIGIN = parseConfig(env).remote.hosts.get(HOST)!;
const w = worker({ REMOTE_STATUS_TTL_SECONDS: '0' });

async function signer() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const key = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  const did = `did:key:${key}`;
  /** Signs over any context, the holder's own ones (planted) fetched as the verifier will. */
  const contexts = async (url: string) => (await fetch(url.replace(`https://${HOST}`, ORIGIN))).json();
  const sign = <T extends object>(document: T) =>
    signDocument(document as T & { '@context': unknown }, `${did}#${key}`, pair.privateKey, new Date(), contexts);
  return { did, sign };
}

const DATE_TIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
const CRED = 'https://www.w3.org/2018/credentials#';

describe('a validity window under the other data model’s name', () => {
  it.each([
    ['the 1.1 name alone in a 2.0 credential', { expirationDate: '2026-02-01T00:00:00Z' }],
    ['both names, the 1.1 one earlier', { validUntil: '2999-01-01T00:00:00Z', expirationDate: '2026-02-01T00:00:00Z' }],
  ])('counts: %s', async (_, window) => {
    const { did, sign } = await signer();
    // A context of the holder's own that gives the 1.1 name a meaning in a 2.0 credential (VC 2.0 leaves it undefined).
    const context = await plant({ '@context': { expirationDate: { '@id': `${CRED}validUntil`, '@type': DATE_TIME } } });
    const credential = credentialBy(did, window);
    credential['@context'] = [...credential['@context'], context];
    const report = await verifyCredential(w, await sign(credential));
    expect(report.proofs?.[0]).toMatchObject({ verified: true });
    expect(report.status).toBe('expired');
    expect(report.credential?.validUntil).toBe('2026-02-01T00:00:00Z');
  });

  it('is no window at all under a name of the holder’s choosing: the proof does not vouch for what the JSON says', async () => {
    const { did, sign } = await signer();
    const context = await plant({ '@context': { endsAt: { '@id': `${CRED}validUntil`, '@type': DATE_TIME } } });
    const credential = credentialBy(did, { endsAt: '2026-02-01T00:00:00Z' });
    credential['@context'] = [...credential['@context'], context];
    const report = await verifyCredential(w, await sign(credential));
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/differs from what its proof signs|validUntil/);
  });
});

/** An OB 2.0 issuer planted on the hostile host, whose assertions must start with `{base}/scoped/`. */
async function scopedIssuer() {
  const base = `https://${HOST}/planted/${crypto.randomUUID()}`;
  const path = (url: string) => url.slice(`https://${HOST}/planted/`.length);
  const issuer = `${base}/issuer`;
  const badge = `${base}/badge`;
  await plant(
    {
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Issuer',
      id: issuer,
      name: 'Scoped issuer',
      url: `https://${HOST}`,
      email: 'badges@hostile.example',
      verification: { startsWith: `${base}/scoped/` },
    },
    path(issuer),
  );
  await plant(
    {
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'BadgeClass',
      id: badge,
      name: 'Scoped badge',
      description: 'Made up.',
      image: `https://${HOST}/image.svg`,
      criteria: { narrative: 'None.' },
      issuer,
    },
    path(badge),
  );
  const assertion = (id: string, extra: object = {}) => ({
    '@context': 'https://w3id.org/openbadges/v2',
    type: 'Assertion',
    id,
    recipient: { type: 'email', hashed: false, identity: 'ada@example.org' },
    badge,
    verification: { type: 'HostedBadge' },
    issuedOn: '2025-01-15T12:00:00Z',
    ...extra,
  });
  return { base, path, assertion };
}

async function verifyAssertion(assertion: object) {
  const { response, settled } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assertion }),
  });
  await settled;
  expect(response.status).toBe(200);
  return response.json<{ status: string; checks: Array<{ name: string; passed: boolean; message: string }> }>();
}

describe('an OB 2.0 assertion URL and its issuer’s startsWith', () => {
  it('is in scope when it is under the prefix', async () => {
    const { base, path, assertion } = await scopedIssuer();
    const id = `${base}/scoped/1`;
    await plant(assertion(id), path(id));
    expect((await verifyAssertion(assertion(id))).status).toBe('valid');
  });

  it.each([['..'], ['%2e%2e'], ['%2E.']])('is out of scope when it climbs out of the prefix with %s', async (dots) => {
    const { base, path, assertion } = await scopedIssuer();
    // Served where the URL really leads once its dots are resolved: outside the prefix.
    const id = `${base}/scoped/${dots}/elsewhere`;
    await plant(assertion(id), path(`${base}/elsewhere`));
    const report = await verifyAssertion(assertion(id));
    expect(report.status).toBe('invalid');
    expect(report.checks.find((c) => c.name === 'hosted_scope')).toMatchObject({ passed: false });
  });

  it('is invalid, not unverifiable, when it names a badge class at a URL that may never be fetched', async () => {
    const { base, path, assertion } = await scopedIssuer();
    const id = `${base}/scoped/private-badge`;
    const document = assertion(id, { badge: 'https://10.0.0.1/badge' });
    await plant(document, path(id));
    const report = await verifyAssertion(document);
    expect(report.status).toBe('invalid');
    expect(report.checks.find((c) => c.name === 'well_formed')?.message).toMatch(/refused_url/);
  });
});

const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
/** An encoded Bitstring list of `size` bytes, all zero but the last bit. */
async function encodedList(size: number) {
  const bits = new Uint8Array(size);
  bits[size - 1] = 1;
  return `u${toBase64url(await gzip(bits))}`;
}

describe('another issuer’s status list', () => {
  it('is decompressed once, however many positions are read of it', async () => {
    const list = await encodedList(1024 * 1024);
    // Room for the list once, not twice: every position after the first is read from the same bytes.
    const read = statusListReader(1.5 * 1024 * 1024);
    const bits = await Promise.all([0, 8, 4_000_000, 1024 * 1024 * 8 - 1].map((position) => read(list, position)));
    expect(bits).toEqual([false, false, false, true]);
    expect(await read(list, 1024 * 1024 * 8)).toBeUndefined();
  });

  it('is not read past the bytes one request may decompress', async () => {
    const read = statusListReader(1.5 * 1024 * 1024);
    expect(await read(await encodedList(1024 * 1024), 0)).toBe(false);
    expect(await read(await encodedList(1024 * 1024 + 8), 0)).toBe('over_budget');
  });

  it('makes a credential naming two 12 MiB lists unverifiable, not decompressed twice', async () => {
    const { did, sign } = await signer();
    const entries = [];
    for (const size of [12 * 1024 * 1024, 12 * 1024 * 1024 + 1]) {
      const listPath = crypto.randomUUID();
      const listUrl = `https://${HOST}/planted/${listPath}`;
      const list = await sign({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: listUrl,
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: did,
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: {
          id: `${listUrl}#list`,
          type: 'BitstringStatusList',
          statusPurpose: 'revocation',
          encodedList: await encodedList(size),
        },
      });
      await plant(list, listPath);
      entries.push({
        id: `${listUrl}#0`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '0',
        statusListCredential: listUrl,
      });
    }
    const report = await verifyCredential(w, await sign(credentialBy(did, { credentialStatus: entries })));
    expect(report.proofs?.[0]).toMatchObject({ verified: true });
    expect(report.status).toBe('unverifiable');
    expect(report.checks.find((c) => c.name === 'not_revoked')?.message).toMatch(/decompressed as much as it may/);
  });
});

describe('remote documents and Redis', () => {
  it(`make at most ${MAX_REDIS_CALLS_PER_REQUEST} Redis calls in one request, reads and writes together`, async () => {
    const where = isolate();
    const { session, scope, settled } = where.session();
    // Two verifications of one request (a batch of two), 25 documents between them.
    const second = openRemoteSession(scope);
    const urls = Array.from({ length: 25 }, () => hostileUrl('/json'));
    const answers = await Promise.all(urls.map((url, i) => (i % 2 ? second : session).fetchDocument(url, 'definition')));
    await settled();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(scope.cache.remoteFetches).toBe(25);
    expect(scope.cache.redisRequests).toBe(MAX_REDIS_CALLS_PER_REQUEST);
  });
});

describe('a did:web host', () => {
  it.each([
    ['did:web:evil.example%40good.example', undefined],
    ['did:web:good.example%2Fpath', undefined],
    ['did:web:good.example%3Fq', undefined],
    ['did:web:good.example%3A8443', 'https://good.example:8443/.well-known/did.json'],
    ['did:web:Good.Example:users:ada', 'https://good.example/users/ada/did.json'],
  ])('%s resolves at %s', (did, url) => {
    expect(didWebUrl(did)).toBe(url);
  });
});

describe('dates on a proof', () => {
  it('refuses a VC-JWT whose exp is no NumericDate, rather than ignore it', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const issuer = `did:jwk:${toBase64url(new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey))))}`;
    // What a careless issuer writes: the date as a string, which RFC 7519 does not allow.
    const payload: Record<string, unknown> = { ...credentialBy(issuer), iss: issuer, exp: '1700000000' };
    const jwt = await new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt' }).sign(privateKey);
    const report = await verifyCredential(w, jwt);
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/exp claim is not a NumericDate/);
  });

  it('refuses a Data Integrity proof past its expires', async () => {
    const { did, sign } = await signer();
    const signed = await sign(credentialBy(did));
    const report = await verifyCredential(w, { ...signed, proof: [{ ...signed.proof[0], expires: '2026-01-02T00:00:00Z' }] });
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/the proof has expired/);
  });
});
