/**
 * Issuers as did:web (the production setting): one DID per issuer across key rotations, its DID
 * document served from the record tiers, and POST /verify resolving it from this deployment's own
 * tiers, through several isolates, a lagging replica and a failing Redis.
 */

import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordKey, statusListKey } from '../../src/cache/keys.ts';
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { issuerDids } from '../../src/credentials/issuer-dids.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';
import { depsFor } from '../../src/platform/deps.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { BASE, createIssuerWithBadge } from '../fixtures.ts';
import { control, neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';

type Credential = {
  id: string;
  issuer: { id: string };
  proof: Array<{ verificationMethod: string }>;
  credentialStatus: { statusListCredential: string };
};
type DidDocument = {
  id: string;
  verificationMethod: Array<{ id: string; controller: string; publicKeyMultibase: string }>;
  assertionMethod: string[];
};

const WEB = { ISSUER_DID_METHOD: 'web' } as const;
const WEB_KEYSPACE = issuerDids('web', BASE).keyspace;
const isolate = (overrides: Partial<Cloudflare.Env> = {}) => worker({ ...WEB, ...overrides });

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let did: string;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
  did = `did:web:badges.test:issuers:${fixture.issuerId}`;
});
afterAll(() => fixture.cleanup());
afterEach(async () => {
  vi.restoreAllMocks();
  await control('upstash', { fault: null });
});

const issue = async (w: ReturnType<typeof worker>) => {
  const res = await w.admin('POST', '/admin/assertions', { badgeId: fixture.badgeId, recipient: { identity: 'frank@example.org' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};
const credentialOf = async (w: ReturnType<typeof worker>, id: string) => {
  const res = await w.get(`/credentials/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Credential;
};
const didDocumentOf = async (w: ReturnType<typeof worker>) => {
  const res = await w.get(`/issuers/${fixture.issuerId}/did.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/did+ld+json');
  return (await res.json()) as DidDocument;
};
const verify = async (w: ReturnType<typeof worker>, credential: unknown) => {
  const { response, settled } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential }),
  });
  expect(response.status).toBe(200);
  await settled;
  return (await response.json()) as VerificationReport;
};
const keyOf = (verificationMethod: string) => verificationMethod.split('#')[1]!;

describe('issuers as did:web', () => {
  it('names the issuer did:web:{host}:issuers:{id}, and its DID document lists the signing key', async () => {
    const w = isolate();
    const credential = await credentialOf(w, await issue(w));
    expect(credential.issuer.id).toBe(did);
    const method = credential.proof[0]!.verificationMethod;
    expect(method).toMatch(new RegExp(`^${did}#z6Mk`));
    const document = await didDocumentOf(isolate());
    expect(document.id).toBe(did);
    expect(document.verificationMethod).toContainEqual({
      id: method,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: keyOf(method),
    });
    expect(document.assertionMethod).toContain(method);
    expect(await verify(isolate(), credential)).toMatchObject({ valid: true, ob3: { proof: 'verified', status: 'active' } });
  });

  it('serves the DID document from the record tiers: no statement once one isolate has read it, and tagged for purges', async () => {
    const w = isolate();
    await credentialOf(w, await issue(w));
    const first = await w.get(`/issuers/${fixture.issuerId}/did.json`);
    expect(first.headers.get('cache-tag')).toBe(`issuer:${fixture.issuerId}`);
    expect(first.headers.get('etag')).toMatch(/^W\/"did\./);
    expect(first.headers.get('cdn-cache-control')).toMatch(/max-age=\d+/);
    await resetStats();
    for (let i = 0; i < 5; i++) await didDocumentOf(isolate());
    expect((await neonStats()).statements).toBe(0);
    expect((await isolate().get('/issuers/no-such-issuer/did.json')).status).toBe(404);
  });

  it('keeps the issuer id across a rotation; the document keeps the old key, and both credentials verify in every isolate', async () => {
    const writer = isolate();
    const reader = isolate();
    const old = await credentialOf(writer, await issue(writer));
    // The reader holds the issuer (before the rotation) in L1.
    expect((await verify(reader, old)).ob3?.proof).toBe('verified');

    expect((await writer.admin('POST', `/admin/issuers/${fixture.issuerId}/keys`, {})).status).toBe(201);
    const fresh = await credentialOf(writer, await issue(writer));
    expect(fresh.issuer.id).toBe(old.issuer.id);
    expect(keyOf(fresh.proof[0]!.verificationMethod)).not.toBe(keyOf(old.proof[0]!.verificationMethod));

    // The reader's L1 copy does not know the new key yet: it is asked of the primary, never refused.
    for (const w of [reader, writer, isolate()]) {
      expect((await verify(w, fresh)).ob3?.proof).toBe('verified');
      expect((await verify(w, old)).ob3?.proof).toBe('verified');
    }
    const document = await didDocumentOf(isolate());
    expect(document.verificationMethod.map((m) => m.id)).toEqual(
      expect.arrayContaining([old.proof[0]!.verificationMethod, fresh.proof[0]!.verificationMethod]),
    );
  });

  it("refuses a proof by a key that is not in the issuer's DID document, and leaves other hosts' DIDs unchecked", async () => {
    const w = isolate();
    const credential = await credentialOf(w, await issue(w));
    const { proof: _, ...unsigned } = credential;
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const foreignKey = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
    const forged = await signDocument(unsigned as never, `${did}#${foreignKey}`, pair.privateKey, new Date());
    const report = await verify(isolate(), forged);
    expect(report).toMatchObject({ valid: false, status: 'invalid', ob3: { proof: 'failed' } });
    expect(report.checks.find((c) => c.name === 'proof')?.message).toMatch(/not in the issuer's DID document/);

    const remote = await signDocument(
      { ...(unsigned as object), issuer: { ...credential.issuer, id: 'did:web:elsewhere.example' } } as never,
      `did:web:elsewhere.example#${foreignKey}`,
      pair.privateKey,
      new Date(),
    );
    // Another host's did:web is fetched; this one is on no reachable host.
    expect((await verify(isolate(), remote)).ob3).toMatchObject({ proof: 'unverifiable' });
  });

  it('costs one statement cold once the issuer is in Redis (the status list), two with nothing cached, and none warm', async () => {
    const w = isolate();
    const credential = await credentialOf(w, await issue(w));
    const [issuerId, list] = new URL(credential.credentialStatus.statusListCredential).pathname.split('/').slice(2);
    const redis = depsFor(env).redisClient!;
    await redis.del(statusListKey(issuerId!, Number(list), WEB_KEYSPACE), recordKey('issuer', issuerId!));
    await resetStats();
    expect((await verify(isolate(), credential)).valid).toBe(true);
    expect((await neonStats()).statements).toBe(2); // the issuer and the list, side by side
    await redis.del(statusListKey(issuerId!, Number(list), WEB_KEYSPACE));
    await resetStats();
    expect((await verify(isolate(), credential)).valid).toBe(true);
    expect((await neonStats()).statements).toBe(1);
    await resetStats();
    expect((await verify(isolate(), credential)).valid).toBe(true);
    expect((await neonStats()).statements).toBe(0);
  });

  it('verifies a key made after the replica copied the issuer, with Redis answering, missing the record, or failing', async () => {
    const db = depsFor(env).db;
    const replica = 'lagging_keys_replica';
    await db.execute(sql.raw(`create schema if not exists ${replica}`));
    await db.execute(sql.raw(`create table if not exists ${replica}.issuers (like public.issuers including defaults)`));
    try {
      await db.execute(sql`insert into ${sql.raw(replica)}.issuers select * from public.issuers where id = ${fixture.issuerId}`);
      const writer = isolate();
      expect((await writer.admin('POST', `/admin/issuers/${fixture.issuerId}/keys`, {})).status).toBe(201);
      const fresh = await credentialOf(writer, await issue(writer));
      const withReplica = (overrides: Partial<Cloudflare.Env> = {}) =>
        isolate({ DATABASE_URL_READ: `postgres://postgres@replica.localtest/replica?options=-csearch_path%3D${replica}`, ...overrides });

      expect((await verify(withReplica(), fresh)).ob3?.proof).toBe('verified');
      // Redis lost the issuer: the replica's older copy lacks the key, so the primary decides.
      await depsFor(env).redisClient!.del(recordKey('issuer', fixture.issuerId));
      expect((await verify(withReplica(), fresh)).ob3?.proof).toBe('verified');
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      await control('upstash', { fault: 'error' });
      expect((await verify(withReplica({ REDIS_TIMEOUT_MS: '100' }), fresh)).ob3?.proof).toBe('verified');
    } finally {
      await db.execute(sql.raw(`drop schema ${replica} cascade`));
    }
  });
});
