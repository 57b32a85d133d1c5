/**
 * Attempts to forge, impersonate and exhaust the OB 3.0 verifier, and to break admin idempotency,
 * each asserting the secure behaviour (they began as an adversarial review: the holes it found are
 * fixed, the attacks that failed stay as regression tests). Wall times are printed as evidence only (the clock is read
 * after an I/O, since a Worker's clock stands still while it computes); nothing asserts on them.
 */
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { importKeyEncryptionKey, openSigningKey } from '../../src/credentials/keys.ts';
import { bakePng } from '../../src/openbadges/baking/png.ts';
import { bakeSvg } from '../../src/openbadges/baking/svg.ts';
import { depsFor } from '../../src/platform/deps.ts';
import { checkJsonComplexity } from '../../src/verify/json-limit.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge, DAY, PNG_1X1, SVG_BADGE } from '../fixtures.ts';
import { control } from '../stack.ts';
import { ADMIN, worker } from '../worker.ts';
import { stranger, strangersOwn } from './strangers.ts';

type Credential = Record<string, unknown> & {
  '@context': unknown[];
  id: string;
  issuer: { id: string } & Record<string, unknown>;
  credentialStatus: Record<string, unknown>;
  credentialSubject: { achievement: Record<string, unknown>; identifier: unknown[] } & Record<string, unknown>;
  proof: Array<Record<string, unknown>>;
};

let a: Awaited<ReturnType<typeof createIssuerWithBadge>>;
let b: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  [a, b] = await Promise.all([createIssuerWithBadge(), createIssuerWithBadge()]);
});
afterAll(async () => {
  await a.cleanup();
  await b.cleanup();
});

const w = worker();
const MIB = 1024 * 1024;

async function issue(fixture = a, extra: Record<string, unknown> = {}, verifier = w) {
  const res = await verifier.admin('POST', '/admin/assertions', {
    badgeId: fixture.badgeId,
    recipient: { identity: 'dana@example.org' },
    ...extra,
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const credential = (await (await verifier.get(`/credentials/${id}`)).json()) as Credential;
  return { id, credential };
}

/** A cheap I/O: a Worker's clock only moves forward when I/O completes. */
const tick = () => fetch(`${env.STACK_UPSTASH_URL}/__stats`).then((r) => r.text());

/** POST /verify with a raw body, twice (the first run warms the code up), timed (evidence only); the second answer. */
async function postVerify(body: BodyInit, contentType = 'application/json', label = '', verifier = w) {
  if (!label) return postVerifyOnce(body, contentType, label, verifier);
  await postVerifyOnce(body, contentType, `${label} (1st)`, verifier);
  return postVerifyOnce(body, contentType, `${label} (2nd)`, verifier);
}
async function postVerifyOnce(body: BodyInit, contentType = 'application/json', label = '', verifier = w) {
  await tick();
  const started = performance.now();
  const { response } = await verifier.fetch('/verify', { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  await tick();
  const ms = performance.now() - started;
  const size = typeof body === 'string' ? body.length : (body as Uint8Array).byteLength;
  if (label) console.log(`[review] ${label}: ${response.status} in ${ms.toFixed(0)} ms (body ${(size / 1024).toFixed(0)} KiB)`);
  return { status: response.status, json: JSON.parse(text) as VerificationReport & { code?: string }, ms };
}
const verify = async (credential: unknown, recipient?: unknown, verifier = w, label = '') => {
  const { status, json } = await postVerify(
    JSON.stringify({ credential, ...(recipient ? { recipient } : {}) }),
    'application/json',
    label,
    verifier,
  );
  expect(status).toBe(200);
  return json;
};
const failedChecks = (report: VerificationReport) => report.checks.filter((c) => !c.passed).map((c) => c.name);
const proofMessage = (report: VerificationReport) => report.checks.find((c) => c.name === 'proof')?.message;

/** The private signing key of an issuer of this deployment (what a second issuer, an insider, holds). */
async function insiderKey(issuerId: string) {
  const { db, config } = depsFor(env);
  const rows = await db.execute<{ id: string; private_key_ciphertext: unknown }>(
    sql`select k.id, k.private_key_ciphertext from issuer_keys k join issuers i on i.signing_key_id = k.id where i.id = ${issuerId}`,
  );
  const row = rows.rows[0]!;
  const raw = row.private_key_ciphertext;
  const ciphertext =
    raw instanceof Uint8Array
      ? raw
      : typeof raw === 'string' && raw.startsWith('\\x')
        ? Uint8Array.from(raw.slice(2).match(/../g)!, (h) => Number.parseInt(h, 16))
        : new Uint8Array(raw as ArrayBuffer);
  const privateKey = await openSigningKey(issuerId, row.id, ciphertext, await importKeyEncryptionKey(config.credentialKeySecret!));
  return { keyId: row.id, privateKey };
}

/** Whether the JSON limit lets `text` through (the project's own check). */
function withinJsonLimit(text: string): boolean {
  try {
    checkJsonComplexity(text, 'body');
    return true;
  } catch {
    return false;
  }
}
/** The largest n ≤ max for which `make(n)` still passes the JSON limit. */
function largestWithinJsonLimit(make: (n: number) => string, max = 100_000): number {
  let lo = 1;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (withinJsonLimit(make(mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Refused before any work on it (schema, canonicalization, lookups): a report whose conformance says it is too large. */
const refusedAsTooLarge = (json: VerificationReport) => {
  expect(json).toMatchObject({ valid: false, status: 'invalid', ob3: { conformance: 'failed' } });
  expect(json.checks.find((c) => c.name === 'conformance')?.message).toMatch(/too large to verify/);
};

describe('promise 3: what a POST /verify body costs is bounded', () => {
  it('measure: the untouched credential (baseline)', async () => {
    const { credential } = await issue();
    await verify(credential, undefined, w, 'baseline credential');
    await verify(credential, undefined, w, 'baseline credential, again');
  });

  it('an @context of 19,900 numbers (60 KiB, within the JSON limit) is refused before the conformance schema walks it', async () => {
    const make = (n: number) =>
      `{"credential":{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"${',1'.repeat(n)}]}}`;
    const body = make(largestWithinJsonLimit(make));
    const { status, json } = await postVerify(body, 'application/json', '@context of numbers');
    expect(status).toBe(200);
    refusedAsTooLarge(json);
  });

  it('a proof array of 9,900 made-up proofs is refused before the conformance schema walks it', async () => {
    const { credential } = await issue();
    const make = (n: number) => JSON.stringify({ credential: { ...credential, proof: Array.from({ length: n }, () => ({ type: 1 })) } });
    const body = make(largestWithinJsonLimit(make, 20_000));
    const { status, json } = await postVerify(body, 'application/json', 'proof array of invalid proofs');
    expect(status).toBe(200);
    refusedAsTooLarge(json);
  });

  it('2 MiB of nested arrays (no comma, no colon) is refused before JSON.parse', async () => {
    const { credential } = await issue();
    const head = JSON.stringify({ credential }).slice(0, -2);
    const depth = Math.floor((2 * MIB - head.length - 16) / 2);
    const body = `${head},"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const { status, json } = await postVerify(body, 'application/json', `arrays nested ${depth} deep`);
    expect(status).toBe(400);
    expect(json.code).toBe('invalid_body');
  });

  it('the same nested arrays baked into a PNG are refused before JSON.parse', async () => {
    const depth = Math.floor((2 * MIB - 4096) / 2);
    const png = bakePng(PNG_1X1, `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`, 'credential');
    const { status, json } = await postVerify(png, 'image/png', 'baked PNG with nested arrays');
    expect(status).toBe(400);
    expect(json.code).toBe('invalid_body');
  });

  it('an @context of numbers baked into an SVG is refused before the conformance schema walks it', async () => {
    const make = (n: number) =>
      `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"${',1'.repeat(n)}]}`;
    const svg = bakeSvg(SVG_BADGE, make(largestWithinJsonLimit(make)), 'credential');
    const { status, json } = await postVerify(svg, 'image/svg+xml', 'baked SVG with an @context of numbers');
    expect(status).toBe(200);
    refusedAsTooLarge(json);
  });

  it('a made-up proof on a credential with 1 M backslashes in one string is refused before canonicalization', async () => {
    const { credential } = await issue();
    const size = JSON.stringify({ credential }).length;
    const report = (
      await postVerify(
        JSON.stringify({ credential: { ...credential, description: '\\'.repeat(Math.floor((2 * MIB - size - 64) / 2)) } }),
        'application/json',
        'made-up proof, 1 M backslashes',
      )
    ).json;
    refusedAsTooLarge(report);
  });

  it("a stranger's self-signed credential with 1 M backslashes is refused before canonicalization (and its N-Quads parse)", async () => {
    const { credential } = await issue();
    const { did, sign } = await stranger();
    const own = strangersOwn(credential, did);
    const size = JSON.stringify({ credential: own }).length + 400; // the proof
    const signed = await sign({ ...own, description: '\\'.repeat(Math.floor((2 * MIB - size) / 2)) });
    const body = JSON.stringify({ credential: signed });
    expect(body.length).toBeLessThanOrEqual(2 * MIB);
    const report = (await postVerify(body, 'application/json', 'self-signed, 1 M backslashes')).json;
    refusedAsTooLarge(report);
  });

  it('330 long full-IRI keys (2 MB of keys) are refused before canonicalization', async () => {
    const { credential } = await issue();
    const size = JSON.stringify({ credential }).length;
    const longKeys: Record<string, unknown> = { ...credential };
    for (let i = 0; i < 330; i++) longKeys[`x:${'k'.repeat(Math.floor((2 * MIB - size) / 340))}${i}`] = 'v';
    refusedAsTooLarge(await verify(longKeys, undefined, w, 'made-up proof, 330 long full-IRI keys'));
  });

  it('~2,000 identifiers with long salts are not each hashed against the recipient claim (the credential is refused first)', async () => {
    const { credential } = await issue();
    const make = (n: number, salt = 'x') =>
      JSON.stringify({
        credential: {
          ...credential,
          credentialSubject: {
            ...credential.credentialSubject,
            identifier: Array.from({ length: n }, (_, i) => ({
              type: 'IdentityObject',
              hashed: true,
              identityHash: `sha256$${'0'.repeat(64)}`,
              identityType: 'emailAddress',
              salt: `${i}${salt}`,
            })),
          },
        },
        recipient: { identity: 'Dana@Example.org' },
      });
    const n = largestWithinJsonLimit((k) => make(k), 5000);
    const salt = 'x'.repeat(Math.floor((2 * MIB - make(n).length) / n) - 8);
    const body = make(n, salt);
    const { status, json } = await postVerify(body, 'application/json', `${n} identifiers, ${salt.length}-char salts`);
    expect(status === 422 || json.recipient.matched === null).toBe(true);
  });

  it('one plain 2 MB string, or 340 identical 5.8 KB tags, are refused before canonicalization (over 500,000 characters)', async () => {
    const { credential } = await issue();
    const size = JSON.stringify({ credential }).length;
    const plain = { ...credential, description: 'x'.repeat(2 * MIB - size - 64) };
    const identical = {
      ...credential,
      credentialSubject: {
        ...credential.credentialSubject,
        achievement: { ...credential.credentialSubject.achievement, tag: Array.from({ length: 340 }, () => 'y'.repeat(5800)) },
      },
    };
    refusedAsTooLarge(await verify(plain, undefined, w, 'one plain 2 MB string'));
    refusedAsTooLarge(await verify(identical, undefined, w, 'made-up proof, 340 identical long tags'));
  });
});

const CRED = 'https://www.w3.org/2018/credentials#';

describe('promise 1: JSON that says less than its signed graph (same graph, so the proof holds) is not valid', () => {
  const revoked = async () => {
    const issued = await issue();
    expect((await w.admin('POST', `/admin/assertions/${issued.id}/revoke`, { reason: 'review' })).status).toBe(200);
    expect((await verify(issued.credential)).status).toBe('revoked');
    return issued;
  };
  const refusedAsDiffering = (report: VerificationReport, fact: string) => {
    expect(report.valid).toBe(false);
    expect(report.status).toBe('invalid');
    // The proof itself held (the graph is the signed one): it is the facts check that refused it.
    expect(proofMessage(report)).toMatch(new RegExp(`differs from what its proof signs \\(${fact}\\)`));
  };

  it('a revoked credential whose status sits in an @included node of the same id', async () => {
    const { credential } = await revoked();
    const { credentialStatus, ...rest } = credential;
    refusedAsDiffering(
      await verify({ ...rest, '@included': [{ id: credential.id, [`${CRED}credentialStatus`]: credentialStatus }] }),
      'status',
    );
  });

  it('a revoked credential whose status sits under @nest', async () => {
    const { credential } = await revoked();
    const { credentialStatus, ...rest } = credential;
    refusedAsDiffering(await verify({ ...rest, '@nest': { credentialStatus } }), 'status');
  });

  it('a revoked credential whose status entry is split: {id, type} in place, the index and list in an @included node of its id', async () => {
    const { credential } = await revoked();
    const { id, type, ...entry } = credential.credentialStatus;
    const report = await verify({
      ...credential,
      credentialStatus: { id, type },
      '@included': [{ id, type, ...entry }],
    });
    expect(report.valid).toBe(false);
    expect(report.status).not.toBe('valid');
  });

  it('an expired credential whose validUntil sits in an @included node of the same id', async () => {
    const { credential } = await issue(a, {
      issuedOn: new Date(Date.now() - 30 * DAY).toISOString(),
      expires: new Date(Date.now() - DAY).toISOString(),
    });
    const { validUntil, ...rest } = credential;
    const report = await verify({
      ...rest,
      '@included': [
        { id: credential.id, [`${CRED}validUntil`]: { '@value': validUntil, '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' } },
      ],
    });
    refusedAsDiffering(report, 'validUntil');
  });

  it('a revoked credential reshaped (subject or status as an array, issuer as a string, @type for type, ids as @id) is not valid', async () => {
    const { credential } = await revoked();
    const { type, id, ...untyped } = credential;
    const shapes = {
      subjectArray: { ...credential, credentialSubject: [credential.credentialSubject] },
      statusArray: { ...credential, credentialStatus: [credential.credentialStatus] },
      noStatusTwoSubjects: {
        ...credential,
        credentialStatus: undefined,
        credentialSubject: [credential.credentialSubject, credential.credentialSubject],
      },
      issuerString: { ...credential, issuer: credential.issuer.id },
      atType: { ...untyped, id, '@type': type },
      atId: { ...untyped, type, '@id': id, id },
      statusAsReference: { ...credential, credentialStatus: { id: credential.credentialStatus.id, type: 'BitstringStatusListEntry' } },
    };
    for (const [name, shape] of Object.entries(shapes)) {
      const report = await verify(shape);
      expect({ name, valid: report.valid, status: report.status === 'valid' }).toEqual({ name, valid: false, status: false });
    }
  });

  it("a credential whose subject's identifier was replaced by another recipient's does not match (the proof fails)", async () => {
    const { credential } = await issue();
    const other = await issue(a, { recipient: { identity: 'eve@example.org' } });
    const swapped = {
      ...credential,
      credentialSubject: { ...credential.credentialSubject, identifier: other.credential.credentialSubject.identifier },
    };
    const report = await verify(swapped, { identity: 'eve@example.org' });
    expect(report.valid).toBe(false);
    expect(report.ob3?.proof).toBe('failed');
  });
});

describe("promise 2: a key other than the record's issuer's cannot claim this deployment's records", () => {
  /** A stranger's self-signed credential (no status, its own achievement) whose id is `id`. */
  async function claimingId(credential: Credential, id: string, achievementId = 'https://elsewhere.example/achievements/1') {
    const { proof: _, credentialStatus: __, ...unsigned } = credential;
    const { did, sign } = await stranger();
    return sign({
      ...unsigned,
      id,
      issuer: { ...credential.issuer, id: did },
      credentialSubject: {
        ...credential.credentialSubject,
        achievement: { ...credential.credentialSubject.achievement, id: achievementId },
      },
    });
  }

  it('the control: a stranger naming nothing of ours verifies (so a refusal below is the claim check)', async () => {
    const { credential } = await issue();
    const report = await verify(await claimingId(credential, `urn:uuid:${crypto.randomUUID()}`));
    expect(report).toMatchObject({ valid: true, status: 'valid', ob3: { proof: 'verified', status: 'none' } });
  });

  const holding = (id: string) => [
    `https://BADGES.TEST/credentials/${id}`,
    `HTTPS://badges.test/credentials/${id}`,
    `https://badges.test:443/credentials/${id}`,
    `https://user:pass@badges.test/credentials/${id}`,
    `https://badges.test/x/../credentials/${id}`,
    `https://badges.test/x/%2e%2e/credentials/${id}`,
    `https://badges.test/credentials/${id}?download=1`,
    `https://badges.test/credentials/${id}#it`,
    `https://badges.test/credentials/${id}/`,
    `https://badges.test/%63redentials/${id}`,
    `https://badges.test/credentials/%${id.charCodeAt(0).toString(16)}${id.slice(1)}`,
    `https://badges.test//credentials/${id}`,
    `https:badges.test/credentials/${id}`,
    `https://badges.test\\credentials\\${id}`,
    `https://badges.test/assertions/${id}`,
  ];

  it('holds: our award id in any spelling a URL parser maps to our origin is an impersonation', async () => {
    const { id, credential } = await issue();
    for (const spelling of holding(id)) {
      const report = await verify(await claimingId(credential, spelling));
      console.log(
        `[review] ${spelling.replace(id, '{id}')}: ${report.status}, failed ${failedChecks(report).join(', ')}; proof ${report.ob3?.proof}`,
      );
      expect({ spelling, valid: report.valid }).toEqual({ spelling, valid: false });
    }
  });

  it('our award id with a trailing dot in the host (the same host, as a fully qualified name) is an impersonation', async () => {
    const { id, credential } = await issue();
    const verdicts: Array<{ spelling: string; valid: boolean; claimCheck: boolean }> = [];
    for (const spelling of [
      `https://badges.test./credentials/${id}`,
      `https://BADGES.TEST.:443/assertions/${id}`,
      `https://badges.test%2E/credentials/${id}`,
    ]) {
      const report = await verify(await claimingId(credential, spelling), { identity: 'dana@example.org' });
      console.log(`[review] ${spelling.replace(id, '{id}')}: valid ${report.valid}, recipient matched ${report.recipient.matched}`);
      verdicts.push({ spelling, valid: report.valid, claimCheck: failedChecks(report).includes('issuer_of_claims') });
    }
    expect(verdicts).toEqual(verdicts.map(({ spelling }) => ({ spelling, valid: false, claimCheck: true })));
  });

  it('our badge class as the achievement, with a trailing dot in the host, is an impersonation', async () => {
    const { credential } = await issue();
    const report = await verify(
      await claimingId(credential, `urn:uuid:${crypto.randomUUID()}`, `https://badges.test./badges/${a.badgeId}`),
    );
    expect(report.valid).toBe(false);
    expect(failedChecks(report)).toContain('issuer_of_claims');
  });

  it('our award id over http:// (which redirects to the https record) is an impersonation', async () => {
    const { id, credential } = await issue();
    const report = await verify(await claimingId(credential, `http://badges.test/credentials/${id}`), { identity: 'dana@example.org' });
    expect(report.valid).toBe(false);
    expect(failedChecks(report)).toContain('issuer_of_claims');
  });

  describe('an insider: a second issuer of this deployment, with its own key', () => {
    /** A credential of A's award (or naming A's badge class), re-signed by issuer B's key under `issuerDid`. */
    async function signedByB(credential: Credential, did: (keyId: string) => string, changes: Record<string, unknown> = {}) {
      await issue(b); // gives B its signing key
      const { keyId, privateKey } = await insiderKey(b.issuerId);
      const { proof: _, ...unsigned } = credential;
      const issuerDid = did(keyId);
      return signDocument(
        { ...unsigned, issuer: { ...credential.issuer, id: issuerDid }, ...changes } as never,
        `${issuerDid}#${keyId}`,
        privateKey,
        new Date(),
      ) as Promise<Credential>;
    }
    const web = worker({ ISSUER_DID_METHOD: 'web' });
    const didWeb = (issuerId: string) => `did:web:badges.test:issuers:${issuerId}`;

    it("did:key: B's key on A's award (its id and status, A's badge class) is not valid", async () => {
      const { credential } = await issue();
      const report = await verify(await signedByB(credential, (keyId) => `did:key:${keyId}`));
      expect(report.valid).toBe(false);
      expect(report.ob3?.proof).toBe('verified');
      expect(failedChecks(report)).toContain('issuer_of_claims');
    });

    it("did:key: B's key on a new id, with A's badge class as the achievement and no status, is not valid", async () => {
      const { credential } = await issue();
      const { credentialStatus: _, ...noStatus } = credential;
      const report = await verify(
        await signedByB(noStatus as Credential, (keyId) => `did:key:${keyId}`, { id: `urn:uuid:${crypto.randomUUID()}` }),
      );
      expect(report.valid).toBe(false);
      expect(failedChecks(report)).toEqual(['issuer_of_claims']);
    });

    it("did:key: B's key with A's status list (a position B never issued) reads revoked", async () => {
      const { credential } = await issue();
      const report = await verify(
        await signedByB(credential, (keyId) => `did:key:${keyId}`, {
          id: `urn:uuid:${crypto.randomUUID()}`,
          credentialSubject: {
            ...credential.credentialSubject,
            achievement: { ...credential.credentialSubject.achievement, id: 'https://elsewhere.example/achievements/1' },
          },
        }),
      );
      expect(report.valid).toBe(false);
      expect(report.ob3?.status).toBe('revoked');
    });

    it("did:web: B's own DID on A's award is not valid; B's own award under B's did:web is (the control)", async () => {
      const { credential } = await issue();
      const report = await verify(await signedByB(credential, () => didWeb(b.issuerId)), undefined, web);
      expect(report.valid).toBe(false);
      expect(failedChecks(report)).toContain('issuer_of_claims');
      const own = await issue(b);
      const control = await verify(await signedByB(own.credential, () => didWeb(b.issuerId)), { identity: 'dana@example.org' }, web);
      expect(control).toMatchObject({ valid: true, recipient: { matched: true }, ob3: { proof: 'verified', status: 'active' } });
    });

    it("did:web: B's key under A's did:web is not valid (its key is not in A's DID document)", async () => {
      const { credential } = await issue();
      const report = await verify(await signedByB(credential, () => didWeb(a.issuerId)), undefined, web);
      expect(report).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
      expect(proofMessage(report)).toMatch(/not in the issuer's DID document/);
    });
  });
});

describe('promise 4: admin writes under an Idempotency-Key', () => {
  afterEach(() => control('neon', { holdReplyMs: 0 }));
  const TIMEOUT_MS = 1000;
  const writer = () => worker({ DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) });
  const send = (verifier: ReturnType<typeof worker>, method: string, path: string, body: unknown, key?: string) =>
    verifier.fetch(path, {
      method,
      headers: { ...ADMIN, 'content-type': 'application/json', ...(key !== undefined ? { 'idempotency-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const answer = async (sent: ReturnType<typeof send>) => {
    const { response, settled } = await sent;
    await settled;
    return {
      status: response.status,
      replayed: response.headers.get('idempotent-replayed'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const db = () => depsFor(env).db;
  const madeIssuers: string[] = [];
  afterAll(async () => {
    for (const id of madeIssuers) await db().execute(sql`delete from issuers where id = ${id}`);
  });
  const issuerBody = (id: string) => ({ id, name: 'Review Issuer', url: 'https://review.example.org', email: 'r@review.example.org' });

  it('a retried create of an issuer with its own id answers the first write (201, replayed), not 409', async () => {
    const id = `rev-${crypto.randomUUID().slice(0, 8)}`;
    madeIssuers.push(id);
    const key = crypto.randomUUID();
    const first = await answer(send(w, 'POST', '/admin/issuers', issuerBody(id), key));
    expect(first.status).toBe(201);
    const retry = await answer(send(worker(), 'POST', '/admin/issuers', issuerBody(id), key));
    expect({ status: retry.status, replayed: retry.replayed, code: retry.body.code }).toEqual({
      status: 201,
      replayed: 'true',
      code: undefined,
    });
    expect(retry.body.version).toBe(first.body.version);
  });

  it('a retried award with its own id answers the first write (201, replayed), not 409', async () => {
    const id = `rev-${crypto.randomUUID().slice(0, 8)}`;
    const key = crypto.randomUUID();
    const body = { id, badgeId: a.badgeId, recipient: { identity: 'idem@example.org' } };
    expect((await answer(send(w, 'POST', '/admin/assertions', body, key))).status).toBe(201);
    const retry = await answer(send(worker(), 'POST', '/admin/assertions', body, key));
    expect({ status: retry.status, replayed: retry.replayed }).toEqual({ status: 201, replayed: 'true' });
  });

  it('after a lost reply, the retry the 503 asks for (same key) of a create with its own id gets the outcome, not 409', async () => {
    const id = `rev-${crypto.randomUUID().slice(0, 8)}`;
    madeIssuers.push(id);
    const key = crypto.randomUUID();
    const first = writer();
    await control('neon', { holdReplyMs: TIMEOUT_MS + 1500 });
    const lost = await answer(send(first, 'POST', '/admin/issuers', issuerBody(id), key));
    expect(lost.status).toBe(503);
    expect(lost.body.code).toBe('write_outcome_unknown');
    await control('neon', { holdReplyMs: 0 });
    const retry = await answer(send(writer(), 'POST', '/admin/issuers', issuerBody(id), key));
    expect({ status: retry.status, replayed: retry.replayed, code: retry.body.code }).toEqual({
      status: 201,
      replayed: 'true',
      code: undefined,
    });
  });

  it('a key already used, sent with a request that changes nothing (a PATCH of a missing issuer), is a 422, not a 404', async () => {
    const { id } = await issue();
    const key = crypto.randomUUID();
    expect((await answer(send(w, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'first' }, key))).status).toBe(200);
    const other = await answer(send(w, 'PATCH', '/admin/issuers/no-such-issuer', { name: 'x' }, key));
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
  });

  it('holds: the same key on another route (a revoke, then an award) is a 422 and writes nothing', async () => {
    const { id } = await issue();
    const key = crypto.randomUUID();
    expect((await answer(send(w, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'first' }, key))).status).toBe(200);
    const count = async () =>
      Number((await db().execute<{ n: string }>(sql`select count(*) as n from assertions where badge_class_id = ${a.badgeId}`)).rows[0]!.n);
    const before = await count();
    const other = await answer(send(w, 'POST', '/admin/assertions', { badgeId: a.badgeId, recipient: { identity: 'x@example.org' } }, key));
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    const otherKind = await answer(send(w, 'POST', '/admin/issuers', issuerBody(`rev-${crypto.randomUUID().slice(0, 8)}`), key));
    expect({ status: otherKind.status, code: otherKind.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    expect(await count()).toBe(before);
  });

  it('holds: a key first sent with a 404 is free, and its retry runs again (no row was recorded)', async () => {
    const key = crypto.randomUUID();
    const missing = await answer(send(w, 'POST', '/admin/assertions/no-such-award/revoke', { reason: 'x' }, key));
    expect(missing.status).toBe(404);
    const { id } = await issue();
    const used = await answer(send(w, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'x' }, key));
    expect({ status: used.status, replayed: used.replayed }).toEqual({ status: 200, replayed: null });
  });

  it('holds: a PATCH retried after another PATCH answers its first version and does not undo the later change', async () => {
    const key = crypto.randomUUID();
    const first = await answer(send(w, 'PATCH', `/admin/issuers/${b.issuerId}`, { name: 'First rename' }, key));
    expect(first.status).toBe(200);
    const second = await answer(send(w, 'PATCH', `/admin/issuers/${b.issuerId}`, { name: 'Second rename' }));
    expect(second.body.version).toBe((first.body.version as number) + 1);
    const retry = await answer(send(worker(), 'PATCH', `/admin/issuers/${b.issuerId}`, { name: 'First rename' }, key));
    expect({ status: retry.status, replayed: retry.replayed, version: retry.body.version }).toEqual({
      status: 200,
      replayed: 'true',
      version: first.body.version,
    });
    expect(Object.keys(retry.body).sort()).toEqual(Object.keys(first.body).sort());
    const stored = await db().execute<{ name: string; version: number }>(sql`select name, version from issuers where id = ${b.issuerId}`);
    expect({ name: stored.rows[0]!.name, version: Number(stored.rows[0]!.version) }).toEqual({
      name: 'Second rename',
      version: second.body.version,
    });
    const served = (await (await worker().get(`/issuers/${b.issuerId}`)).json()) as { name: string };
    expect(served.name).toBe('Second rename');
  });

  it('holds: concurrent retries of one revoke make one write and answer the same version', async () => {
    const { id } = await issue();
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => answer(send(worker(), 'POST', `/admin/assertions/${id}/revoke`, { reason: 'race' }, key))),
    );
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((x) => x.body.version)).size).toBe(1);
    expect(answers.filter((x) => x.replayed === null)).toHaveLength(1);
    const stored = await db().execute<{ version: number }>(sql`select version from assertions where id = ${id}`);
    expect(Number(stored.rows[0]!.version)).toBe(answers[0]!.body.version);
  });

  it('holds: a quoted key is the same key as the bare one; a key with unicode or inner quotes is a 400', async () => {
    const { id } = await issue();
    const key = crypto.randomUUID();
    expect((await answer(send(w, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'q' }, key))).status).toBe(200);
    expect((await answer(send(w, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'q' }, `"${key}"`))).replayed).toBe('true');
    for (const bad of ['clé-é', 'a"b', '', ' ', 'a b']) {
      const res = await answer(send(w, 'POST', `/admin/assertions/${id}/revoke`, { reason: 'q' }, bad));
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it("holds: recipients' plain identities never reach the idempotency_keys table", async () => {
    const identity = `secret-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const key = crypto.randomUUID();
    const single = { badgeId: a.badgeId, recipient: { identity } };
    const batch = { badgeId: a.badgeId, recipients: [{ identity: identity.toUpperCase() }, { identity: `2${identity}` }] };
    expect((await answer(send(w, 'POST', '/admin/assertions', single, key))).status).toBe(201);
    expect((await answer(send(w, 'POST', '/admin/assertions/batch', batch, `${key}-b`))).status).toBe(201);
    const rows = await db().execute<{ row: string }>(
      sql`select row_to_json(k)::text as row from idempotency_keys k where key in (${key}, ${`${key}-b`})`,
    );
    expect(rows.rows).toHaveLength(2);
    for (const { row } of rows.rows) {
      expect(row.toLowerCase()).not.toContain(identity.toLowerCase());
      expect(row.toLowerCase()).not.toContain('secret-');
    }
  });
});
