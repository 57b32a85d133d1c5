/**
 * An adversarial review of the did:web promises, kept: attempts to break them (issuer identity, DID document, /verify of
 * held credentials, keys, method-keyed caches). Every test asserts the CORRECT behaviour: a
 * failing test is a found break.
 */

import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordKey, statusListKey } from '../../src/cache/keys.ts';
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { issuerDids } from '../../src/credentials/issuer-dids.ts';
import { importKeyEncryptionKey, newSigningKey, publicKeyMultibase } from '../../src/credentials/keys.ts';
import { statusBit } from '../../src/credentials/status-list.ts';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { BASE, createIssuerWithBadge } from '../fixtures.ts';
import { control, neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

type Credential = {
  id: string;
  issuer: { id: string } & Record<string, unknown>;
  proof: Array<{ verificationMethod: string; proofValue: string } & Record<string, unknown>>;
  credentialStatus: { id: string; statusListCredential: string; statusListIndex: string } & Record<string, unknown>;
} & Record<string, unknown>;
type DidDocument = { id: string; verificationMethod: Array<{ id: string; publicKeyMultibase: string }>; assertionMethod: string[] };

const WEB = { ISSUER_DID_METHOD: 'web' } as const;
const web = (overrides: Partial<Cloudflare.Env> = {}) => worker({ ...WEB, ...overrides });
const db = () => depsFor(env).db;
const redis = () => depsFor(env).redisClient!;
const didOf = (issuerId: string) => `did:web:badges.test:issuers:${issuerId}`;
const keyOf = (verificationMethod: string) => verificationMethod.split('#')[1]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let a: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let b: Awaited<ReturnType<typeof createIssuerWithBadge>>;
/** A key pair whose public key is put in issuer A's DID document (so the test can sign as A). */
let pair: CryptoKeyPair;
let injectedKey: string;

async function newPair() {
  const p = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const id = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', p.publicKey)) as ArrayBuffer));
  return { pair: p, keyId: id };
}

beforeAll(async () => {
  a = await createIssuerWithBadge();
  b = await createIssuerWithBadge();
  ({ pair, keyId: injectedKey } = await newPair());
  // Issuer A gets a real key first (so credentials exist), then our key joins its DID document.
  const w = web();
  await credentialOf(w, await issue(w, a.badgeId));
  await credentialOf(w, await issue(w, b.badgeId));
  await db().execute(
    sql`update issuers set public_key_ids = array_append(public_key_ids, ${injectedKey}), version = version + 1 where id = ${a.issuerId}`,
  );
  await redis().del(recordKey('issuer', a.issuerId));
});
afterAll(async () => {
  await a.cleanup();
  await b.cleanup();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await control('upstash', { fault: null });
});

async function issue(w: ReturnType<typeof worker>, badgeId: string, identity = 'frank@example.org') {
  const res = await w.admin('POST', '/admin/assertions', { badgeId, recipient: { identity } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
async function credentialOf(w: ReturnType<typeof worker>, id: string) {
  const res = await w.get(`/credentials/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Credential;
}
async function verifyRaw(w: ReturnType<typeof worker>, body: unknown) {
  const { response, settled } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await settled;
  return response;
}
async function verify(w: ReturnType<typeof worker>, credential: unknown, recipient?: unknown) {
  const response = await verifyRaw(w, recipient ? { credential, recipient } : { credential });
  expect(response.status).toBe(200);
  return (await response.json()) as VerificationReport;
}
const unsignedOf = (credential: Credential) => {
  const { proof: _, ...unsigned } = credential;
  return unsigned;
};
/** `credential` (with `changes`) signed by the injected key under verification method `vm`. */
const signAs = (credential: Credential, vm: string, changes: Record<string, unknown> = {}, key = pair.privateKey) =>
  signDocument({ ...unsignedOf(credential), ...changes } as never, vm, key, new Date()) as unknown as Promise<Credential>;

/** A fresh credential of issuer A (did:web), unsigned parts reused for forgeries. */
async function credentialOfA() {
  const w = web();
  return credentialOf(w, await issue(w, a.badgeId));
}

describe('forging a credential that verifies as this deployment', () => {
  it('control: a credential re-signed by a key in the DID document verifies (the harness signs as A)', async () => {
    const credential = await credentialOfA();
    const did = didOf(a.issuerId);
    expect(credential.issuer.id).toBe(did);
    const signed = await signAs(credential, `${did}#${injectedKey}`);
    expect(await verify(web(), signed)).toMatchObject({ valid: true, ob3: { proof: 'verified' } });
  });

  it('refuses a verification method with two "#" (must be exactly issuerDid#keyId)', async () => {
    const credential = await credentialOfA();
    const did = didOf(a.issuerId);
    for (const vm of [`${did}#${injectedKey}#extra`, `${did}#${injectedKey}#`, `${did}#${injectedKey}#${injectedKey}`]) {
      const report = await verify(web(), await signAs(credential, vm));
      expect({ vm, valid: report.valid, proof: report.ob3?.proof }).toEqual({ vm, valid: false, proof: 'failed' });
    }
  });

  it('treats subtly different DIDs (case, encoding, trailing colon, extra segments, query, traversal) as not ours: never valid', async () => {
    const credential = await credentialOfA();
    const id = a.issuerId;
    const variants = [
      `did:web:BADGES.TEST:issuers:${id}`,
      `did:web:badges%2Etest:issuers:${id}`,
      `did:web:badges.test%3A443:issuers:${id}`,
      `did:web:badges.test:issuers:${id}:`,
      `did:web:badges.test:issuers:${id}:issuers:${b.issuerId}`,
      `did:web:badges.test:issuers:..:issuers:${id}`,
      `did:web:badges.test:issuers:${id}?versionId=1`,
      `did:web:badges.test:issuers:${id.toUpperCase()}`,
      `did:web:badges.test::issuers:${id}`,
      `did:web:badges.test:Issuers:${id}`,
      `did:WEB:badges.test:issuers:${id}`,
      `did:web:badges.test:issuers:${id}%00`,
      ` did:web:badges.test:issuers:${id}`,
    ];
    const accepted: string[] = [];
    for (const did of variants) {
      // A DID that is not an IRI cannot be canonicalized, so cannot be signed at all: nothing to forge.
      const signed = await signAs(credential, `${did}#${injectedKey}`, { issuer: { ...credential.issuer, id: did } }).catch(
        () => undefined,
      );
      if (signed && (await verify(web(), signed)).valid) accepted.push(did);
    }
    expect(accepted).toEqual([]);
  });

  it("refuses issuer A's key presented as issuer B (and B's DID with A's DID in the method)", async () => {
    const credential = await credentialOfA();
    const didB = didOf(b.issuerId);
    const asB = await signAs(credential, `${didB}#${injectedKey}`, { issuer: { ...credential.issuer, id: didB } });
    expect(await verify(web(), asB)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
    const mixed = await signAs(credential, `${didOf(a.issuerId)}#${injectedKey}`, { issuer: { ...credential.issuer, id: didB } });
    expect(await verify(web(), mixed)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
  });

  it('refuses our did:web issuer with a did:key proof of the same key; the issuer as a plain string behaves alike', async () => {
    const credential = await credentialOfA();
    const viaKey = await signAs(credential, `did:key:${injectedKey}#${injectedKey}`);
    expect(await verify(web(), viaKey)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
    const stringIssuer = await signAs(credential, `did:key:${injectedKey}#${injectedKey}`, { issuer: didOf(a.issuerId) });
    expect((await verify(web(), stringIssuer)).valid).toBe(false);
  });

  it('refuses a key of an issuer that does not exist, and an empty key fragment', async () => {
    const credential = await credentialOfA();
    const ghost = didOf('no-such-issuer-x1');
    const signed = await signAs(credential, `${ghost}#${injectedKey}`, { issuer: { ...credential.issuer, id: ghost } });
    expect(await verify(web(), signed)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
    expect((await verify(web(), await signAs(credential, `${didOf(a.issuerId)}#`))).valid).toBe(false);
  });

  it('a tampered credential of ours (validUntil added after signing) does not verify', async () => {
    const credential = await credentialOfA();
    const tampered = { ...credential, validUntil: '2099-01-01T00:00:00Z' };
    expect(await verify(web(), tampered)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
  });
});

describe('bad input never yields a 5xx', () => {
  it('malformed proofs and statuses', async () => {
    const credential = await credentialOfA();
    const did = didOf(a.issuerId);
    const bodies = [
      { ...credential, proof: [null] },
      { ...credential, proof: null },
      { ...credential, proof: 'x' },
      { ...credential, proof: [{ ...credential.proof[0], verificationMethod: 42 }] },
      { ...credential, proof: [{ ...credential.proof[0], verificationMethod: `${did}#zzzz0OIl` }] },
      { ...credential, proof: [{ ...credential.proof[0], proofValue: 'not-base58!' }] },
      { ...credential, proof: [{ ...credential.proof[0], '@context': { '@vocab': 'https://evil.example/' } }] },
      { ...credential, '@context': [...(credential['@context'] as string[]), 'https://evil.example/ctx.jsonld'] },
      { ...credential, '@context': [...(credential['@context'] as string[]), { evil: 'https://evil.example/#' }] },
      { ...credential, credentialStatus: { ...credential.credentialStatus, statusListIndex: '99999999999999999999' } },
      { ...credential, credentialStatus: { ...credential.credentialStatus, statusListCredential: `${BASE}/status/${a.issuerId}/99999` } },
      { ...credential, credentialStatus: null },
      { ...credential, issuer: { id: `${did}`, type: ['Profile'] }, proof: [] },
      { ...credential, issuer: 'did:key:z6Mk' },
    ];
    const statuses: Array<[number, number]> = [];
    for (const [i, c] of bodies.entries()) statuses.push([i, (await verifyRaw(web(), { credential: c })).status]);
    expect(statuses.filter(([, status]) => status >= 500)).toEqual([]);
  });

  it('did.json for ids that are not public ids: 400/404, never 5xx, never a document', async () => {
    const w = web();
    for (const id of ['..', '%2E%2E', 'a%3Ab', 'a:b', 'x'.repeat(65), '%00', 'a%2Fb', `${a.issuerId}%23k`]) {
      const res = await w.get(`/issuers/${id}/did.json`);
      expect({ id, ok: res.status === 400 || res.status === 404 }).toEqual({ id, ok: true });
    }
    expect((await w.get('/issuers/no-such-issuer-x2/did.json')).status).toBe(404);
  });
});

describe('DID document freshness and caching', () => {
  it('a rotation in another isolate shows in did.json past the L1 bound (2 s); ETag changes; downstream max-age ≤ ASSERTION_TTL', async () => {
    const reader = web();
    const writer = web();
    const before = await reader.get(`/issuers/${b.issuerId}/did.json`);
    expect(before.status).toBe(200);
    const etagBefore = before.headers.get('etag');
    for (const header of ['cache-control', 'cdn-cache-control']) {
      const maxAge = Number(/max-age=(\d+)/.exec(before.headers.get(header) ?? '')?.[1] ?? 'NaN');
      const sMaxAge = Number(/s-maxage=(\d+)/.exec(before.headers.get(header) ?? '')?.[1] ?? '0');
      expect({ header, ok: maxAge <= 60 && sMaxAge <= 60 }).toEqual({ header, ok: true });
    }
    const rotated = await writer.admin('POST', `/admin/issuers/${b.issuerId}/keys`, {});
    expect(rotated.status).toBe(201);
    const { keyId } = (await rotated.json()) as { keyId: string };
    await sleep(2_500);
    const after = await reader.get(`/issuers/${b.issuerId}/did.json`);
    const document = (await after.json()) as DidDocument;
    expect(document.verificationMethod.map((m) => m.publicKeyMultibase)).toContain(keyId);
    expect(after.headers.get('etag')).not.toBe(etagBefore);
    // A conditional GET with the old ETag must not get a 304 for the stale document.
    expect((await reader.get(`/issuers/${b.issuerId}/did.json`, { 'if-none-match': etagBefore! })).status).toBe(200);
  });

  it('a credential signed right after a rotation verifies in an isolate whose did.json/L1 predates it', async () => {
    const reader = web();
    const writer = web();
    await reader.get(`/issuers/${b.issuerId}/did.json`);
    expect((await writer.admin('POST', `/admin/issuers/${b.issuerId}/keys`, {})).status).toBe(201);
    const fresh = await credentialOf(writer, await issue(writer, b.badgeId));
    expect(await verify(reader, fresh)).toMatchObject({ valid: true });
  });
});

describe('a failing Redis during verification', () => {
  it('keeps a valid credential valid and a forged one invalid (key unknown to every tier)', async () => {
    const credential = await credentialOfA();
    const forgedKey = await newPair();
    const forged = await signAs(credential, `${didOf(a.issuerId)}#${forgedKey.keyId}`, {}, forgedKey.pair.privateKey);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await control('upstash', { fault: 'error' });
    const w = web({ REDIS_TIMEOUT_MS: '100' });
    expect(await verify(w, credential)).toMatchObject({ valid: true, ob3: { proof: 'verified', status: 'active' } });
    expect(await verify(w, forged)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
    await control('upstash', { fault: 'hang' });
    const hung = web({ REDIS_TIMEOUT_MS: '100' });
    expect(await verify(hung, credential)).toMatchObject({ valid: true });
    expect(await verify(hung, forged)).toMatchObject({ valid: false });
  });

  it('a revoked credential stays revoked when Redis fails (the list is built from the primary)', async () => {
    const w = web();
    const id = await issue(w, a.badgeId);
    const credential = await credentialOf(w, id);
    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await control('upstash', { fault: 'error' });
    expect(await verify(web({ REDIS_TIMEOUT_MS: '100' }), credential)).toMatchObject({ valid: false, status: 'revoked' });
  });
});

describe('cost of hostile verifications', () => {
  it('a proof whose signature cannot verify costs no database statement (signature before the primary lookup)', async () => {
    const credential = await credentialOfA();
    const w = web();
    expect((await verify(w, credential)).valid).toBe(true); // warms the issuer and the list
    const random = await newPair();
    const garbage = {
      ...credential,
      proof: [
        { ...credential.proof[0], verificationMethod: `${didOf(a.issuerId)}#${random.keyId}`, proofValue: credential.proof[0]!.proofValue },
      ],
    };
    await resetStats();
    for (let i = 0; i < 3; i++) expect((await verify(w, garbage)).valid).toBe(false);
    expect((await neonStats()).statements).toBe(0);
  });

  it('a status list URL beyond what GET /status serves (list > 16383) builds, signs and keeps no list', async () => {
    const credential = await credentialOfA();
    const url = `${BASE}/status/${a.issuerId}/99999`;
    expect((await web().get(`/status/${a.issuerId}/99999`)).status).toBe(400);
    const unsigned = { ...credential, issuer: { ...credential.issuer, id: 'did:web:elsewhere.example' } };
    const probe = { ...unsigned, credentialStatus: { ...credential.credentialStatus, statusListCredential: url, statusListIndex: '0' } };
    await redis().del(statusListKey(a.issuerId, 99999, issuerDids('web', BASE).keyspace));
    await resetStats();
    await verify(web(), probe);
    expect(await redis().get(statusListKey(a.issuerId, 99999, issuerDids('web', BASE).keyspace))).toBeNull();
  });
});

describe('switching DID methods', () => {
  it('a credential ETag names the method: a did:key-era ETag gets no 304 for the did:web document', async () => {
    const w = web();
    const id = await issue(w, a.badgeId);
    const asKey = await worker({ ISSUER_DID_METHOD: 'key' }).get(`/credentials/${id}`, { accept: 'application/ld+json' });
    expect(asKey.status).toBe(200);
    expect(((await asKey.json()) as Credential).issuer.id).toMatch(/^did:key:/);
    const etag = asKey.headers.get('etag')!;
    const asWeb = await w.get(`/credentials/${id}`, { accept: 'application/ld+json', 'if-none-match': etag });
    expect(asWeb.status).toBe(200);
  });

  it('a status-list ETag names the method: a did:key-era ETag gets no 304 for the did:web list', async () => {
    const credential = await credentialOfA();
    const path = new URL(credential.credentialStatus.statusListCredential).pathname;
    const asKey = await worker({ ISSUER_DID_METHOD: 'key' }).get(path);
    expect(asKey.status).toBe(200);
    const asWeb = await web().get(path, { 'if-none-match': asKey.headers.get('etag')! });
    expect(asWeb.status).toBe(200);
  });

  it('a revoke made by a did:web isolate is seen by a did:key isolate (mixed rollout or rollback): its list is not stale', async () => {
    const webIsolate = web();
    const keyIsolate = worker({ ISSUER_DID_METHOD: 'key' });
    const id = await issue(webIsolate, a.badgeId);
    const asKey = await credentialOf(keyIsolate, id);
    expect(await verify(keyIsolate, asKey)).toMatchObject({ valid: true, ob3: { status: 'active' } }); // keeps the did:key list
    expect((await webIsolate.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
    await keyIsolate.scheduled();
    expect(await verify(worker({ ISSUER_DID_METHOD: 'key' }), asKey)).toMatchObject({ valid: false, status: 'revoked' });
    const list = await worker({ ISSUER_DID_METHOD: 'key' }).get(new URL(asKey.credentialStatus.statusListCredential).pathname);
    const { credentialSubject } = (await list.json()) as { credentialSubject: { encodedList: string } };
    expect(await statusBit(credentialSubject.encodedList, Number(asKey.credentialStatus.statusListIndex))).toBe(true);
  });
});

describe('keys: migration, deploy window, leaks', () => {
  const kek = () => importKeyEncryptionKey(depsFor(env).config.credentialKeySecret!);
  /** What the code before did:web ran to set a key (no public_key_ids append). */
  const oldSetSigningKey = async (issuerId: string, key: { id: string; privateKeyCiphertext: Uint8Array }, createdAt: string) =>
    db().execute(sql`with changed as (update issuers set signing_key_id = ${key.id}, version = version + 1 where id = ${issuerId} returning id)
      insert into issuer_keys (id, issuer_id, private_key_ciphertext, created_at)
      select ${key.id}, id, ${`\\x${[...key.privateKeyCiphertext].map((x) => x.toString(16).padStart(2, '0')).join('')}`}::bytea, ${createdAt}::timestamptz from changed`);

  it('migration 0003 backfills public_key_ids with every key, oldest first', async () => {
    const c = await createIssuerWithBadge();
    try {
      const k = await kek();
      const k1 = await newSigningKey(c.issuerId, k);
      const k2 = await newSigningKey(c.issuerId, k);
      await oldSetSigningKey(c.issuerId, k2, '2024-02-01T00:00:00Z');
      await oldSetSigningKey(c.issuerId, k1, '2024-01-01T00:00:00Z');
      await db().execute(sql`update issuers set public_key_ids = '{}' where id = ${c.issuerId}`);
      // The migration's UPDATE, limited to this issuer (the database is shared).
      await db().execute(sql`UPDATE "issuers" SET "public_key_ids" = keys.ids
        FROM (SELECT "issuer_id", array_agg("id" ORDER BY "created_at", "id") AS ids FROM "issuer_keys" GROUP BY "issuer_id") AS keys
        WHERE keys."issuer_id" = "issuers"."id" AND "issuers"."id" = ${c.issuerId}`);
      const rows = await db().execute<{ public_key_ids: string[] | string }>(
        sql`select public_key_ids from issuers where id = ${c.issuerId}`,
      );
      const ids = rows.rows[0]!.public_key_ids;
      expect(Array.isArray(ids) ? ids : String(ids).replace(/[{}]/g, '').split(',')).toEqual([k1.id, k2.id]);
    } finally {
      await c.cleanup();
    }
  });

  it('an issuer keyed by the old code after the migration ran (deploy window) still verifies: the signing key is in its DID document', async () => {
    const c = await createIssuerWithBadge();
    try {
      const key = await newSigningKey(c.issuerId, await kek());
      await oldSetSigningKey(c.issuerId, key, new Date().toISOString());
      await redis().del(recordKey('issuer', c.issuerId));
      const w = web();
      const credential = await credentialOf(w, await issue(w, c.badgeId));
      expect(keyOf(credential.proof[0]!.verificationMethod)).toBe(key.id);
      const document = (await (await web().get(`/issuers/${c.issuerId}/did.json`)).json()) as DidDocument;
      expect(document.verificationMethod.map((m) => m.publicKeyMultibase)).toContain(key.id);
      expect(await verify(web(), credential)).toMatchObject({ valid: true });
    } finally {
      await c.cleanup();
    }
  });

  it('no private key (ciphertext) or plaintext recipient appears in responses, logs or kept values', async () => {
    const logged: string[] = [];
    for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(
          args.map((x) => (x instanceof Error ? `${x.message} ${x.stack}` : typeof x === 'string' ? x : JSON.stringify(x))).join(' '),
        );
      });
    const w = web();
    const rotate = await w.admin('POST', `/admin/issuers/${a.issuerId}/keys`, {});
    const rotateText = await rotate.text();
    const email = 'secret.person@example.org';
    const id = await issue(w, a.badgeId, email);
    const credentialText = await (await w.get(`/credentials/${id}`)).text();
    const didText = await (await w.get(`/issuers/${a.issuerId}/did.json`)).text();
    const credential = JSON.parse(credentialText) as Credential;
    const reportText = await (await verifyRaw(w, { credential, recipient: { type: 'email', identity: email } })).text();
    expect(JSON.parse(reportText)).toMatchObject({ valid: true, recipient: { matched: true } });
    // A decrypt failure (wrong key-encryption key) must not leak anything either.
    const wrongKek = web({ CREDENTIAL_KEY_SECRET: 'd3JvbmctbG9jYWwta2V5LWVuY3J5cHRpb24ta2V5ISE' });
    const failedText = await (await wrongKek.get(`/credentials/${await issue(w, a.badgeId, email)}`)).text();
    const rows = await db().execute<{ hex: string; b64: string }>(
      sql`select encode(private_key_ciphertext, 'hex') as hex, encode(private_key_ciphertext, 'base64') as b64 from issuer_keys where issuer_id = ${a.issuerId}`,
    );
    const kept = await redis().get<string>(statusListKey(a.issuerId, 0, issuerDids('web', BASE).keyspace));
    const everything = [rotateText, credentialText, didText, reportText, failedText, ...logged, JSON.stringify(kept ?? '')].join('\n');
    for (const row of rows.rows) {
      expect(everything.includes(row.hex)).toBe(false);
      expect(everything.includes(row.b64.replace(/\n/g, '').slice(0, 40))).toBe(false);
    }
    expect(everything.toLowerCase()).not.toContain('secret.person');
    expect(everything).not.toMatch(/privateKey|pkcs8|BEGIN PRIVATE/i);
  });

  it('a stored key the configured key-encryption key cannot open (secret rotated/mis-set) answers 503, not an unhandled 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const w = web();
    const id = await issue(w, a.badgeId);
    const wrongKek = web({ CREDENTIAL_KEY_SECRET: 'd3JvbmctbG9jYWwta2V5LWVuY3J5cHRpb24ta2V5ISE' });
    expect((await wrongKek.get(`/credentials/${id}`)).status).toBe(503);
  });
});
