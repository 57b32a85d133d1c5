/**
 * Holes found by an adversarial review, each closed: a proof option under another JSON key than
 * its term, a stranger's credential naming many records of this deployment, a Bitstring entry
 * wider than one bit, a VC-JWT window claim past the Date range, and a 304 to an unconditional GET.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonize } from '../../src/credentials/canonize.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';
import { base58btc } from '../../src/credentials/multibase.ts';
import { encodeStatusBits, statusListCredential } from '../../src/credentials/status-list.ts';
import { toBase64url } from '../../src/lib/base64.ts';
import { parseConfig } from '../../src/platform/config.ts';
import { RemoteFetcher, type RemoteStore, type StoredDocument } from '../../src/remote/fetcher.ts';
import { MAX_NAMED_RECORDS, REMOTE_CONTEXT_LIMITS } from '../../src/verify/vc/held-credential.ts';
import { BASE } from '../fixtures.ts';
import { worker } from '../worker.ts';
import { credentialBy, plant, verifyCredential } from './strangers.ts';

const HOST = env.REMOTE_HOSTILE_HOST;
const ORIGIN = parseConfig(env).remote.hosts.get(HOST)!;
const w = worker({ REMOTE_STATUS_TTL_SECONDS: '0' });

const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

/** A did:key signer that puts `extra` proof options (e.g. `expires`) into the signed proof configuration. */
async function signer() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const key = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  const did = `did:key:${key}`;
  const contexts = async (url: string) => (await fetch(url.replace(`https://${HOST}`, ORIGIN))).json();
  async function sign<T extends Record<string, unknown>>(document: T, extra: Record<string, unknown> = {}) {
    const options = {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      verificationMethod: `${did}#${key}`,
      proofPurpose: 'assertionMethod',
      ...extra,
    };
    const { proof: _, ...unsigned } = document;
    const proofHash = await sha256(await canonize({ '@context': document['@context'], ...options }, contexts));
    const documentHash = await sha256(await canonize(unsigned, contexts));
    const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, new Uint8Array([...proofHash, ...documentHash])));
    return { ...document, proof: [{ ...options, proofValue: base58btc(signature) }] };
  }
  return { did, key, sign };
}

const XSD_DATETIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
const SEC_EXPIRATION = 'https://w3id.org/security#expiration';

describe('a Data Integrity proof past its `expires`', () => {
  it('still fails when the holder writes `expires` under its full IRI (same signed proof configuration, no `expires` key in the JSON)', async () => {
    const { did, sign } = await signer();
    const signed = await sign(credentialBy(did), { expires: '2026-01-02T00:00:00Z' });
    // As issued: the proof expired, and the verifier says so.
    const asIssued = await verifyCredential(w, signed);
    expect(asIssued.proofs?.[0]?.verified).toBe(false);
    expect(asIssued.status).toBe('invalid');
    // The holder renames the JSON key: `expires` and `https://w3id.org/security#expiration` (typed
    // xsd:dateTime) are the same quad, so the canonical proof options and the signature are unchanged.
    const { expires, ...rest } = signed.proof[0]! as Record<string, unknown>;
    const renamed = { ...signed, proof: [{ ...rest, [SEC_EXPIRATION]: { '@value': expires, '@type': XSD_DATETIME } }] };
    const report = await verifyCredential(w, renamed);
    expect(report.status).not.toBe('valid');
    expect(report.proofs?.[0]?.verified).toBe(false);
  });

  it('fails when the proof carries any key its suite does not define, even one the signature covers', async () => {
    const { did, sign } = await signer();
    const signed = await sign(credentialBy(did));
    const report = await verifyCredential(w, { ...signed, proof: [{ ...signed.proof[0], 'https://w3id.org/security#nonce': 'x' }] });
    expect(report.proofs?.[0]?.verified).toBe(false);
    expect(report.status).toBe('invalid');
  });
});

/** The Server-Timing metrics of a response: `redis` and `db` request counts. */
function costOf(response: Response) {
  const timing = response.headers.get('server-timing') ?? '';
  const redis = Number(/redis;[^,]*desc="(\d+) requests"/.exec(timing)?.[1] ?? 0);
  const db = Number(/db;[^,]*desc="\d+ statements in (\d+) requests"/.exec(timing)?.[1] ?? 0);
  const statements = Number(/db;[^,]*desc="(\d+) statements/.exec(timing)?.[1] ?? 0);
  return { redis, db, statements, timing };
}

describe('a stranger’s credential naming many records of this deployment', () => {
  it('costs a bounded number of Redis calls and DB requests, not one (or two) per achievement id it names', async () => {
    const { did, sign } = await signer();
    const achievements = Array.from({ length: 30 }, () => ({
      id: `${BASE}/badges/${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`,
      type: ['Achievement'],
      name: 'x',
    }));
    const credential = credentialBy(did);
    (credential.credentialSubject as Record<string, unknown>).achievement = achievements;
    const signed = await sign(credential);
    const { response, settled } = await w.fetch('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: signed }),
    });
    await settled;
    expect(response.status).toBe(200);
    const report = await response.json<{
      status: string;
      proofs?: Array<{ verified: boolean }>;
      checks: Array<{ name: string; passed: boolean; message: string }>;
    }>();
    expect(report.proofs?.[0]?.verified).toBe(true);
    expect(report.status).toBe('invalid');
    expect(report.checks.find((c) => c.name === 'issuer_of_claims')).toMatchObject({
      passed: false,
      message: expect.stringContaining(`more than the ${MAX_NAMED_RECORDS}`),
    });
    const cost = costOf(response);
    // The README's bound for one client request: 16 Redis calls for remote documents, 30 network
    // requests, "under the Free plan's 50 subrequests" (Upstash Redis calls are subrequests).
    expect(cost.redis).toBeLessThanOrEqual(16);
    expect(cost.db).toBeLessThanOrEqual(2);
  });
});

describe('a Bitstring status entry with statusSize 2', () => {
  it('is not read at bit `statusListIndex` (the entry is at index × statusSize), nor called valid', async () => {
    const { did, sign } = await signer();
    const path = crypto.randomUUID();
    const listUrl = `https://${HOST}/planted/${path}`;
    // Credential 5's two-bit status is at bits 10–11: it is 01 (revoked); bit 5 (credential 2's second bit) is 0.
    const list = statusListCredential(listUrl, did, await encodeStatusBits([11]), new Date(Date.now() - 60_000));
    await plant(await sign(list), path);
    const credential = credentialBy(did, {
      credentialStatus: {
        id: `${listUrl}#5`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '5',
        statusListCredential: listUrl,
        statusSize: 2,
        statusMessage: [
          { status: '0x0', message: 'valid' },
          { status: '0x1', message: 'revoked' },
          { status: '0x2', message: 'revoked' },
          { status: '0x3', message: 'revoked' },
        ],
      },
    });
    const report = await verifyCredential(w, await sign(credential));
    expect(report.proofs?.[0]?.verified).toBe(true);
    expect(report.status).not.toBe('valid');
  });

  it.each([0, 9, 1.5, '2'])('is invalid with statusSize %s (not a whole number from 1 to 8)', async (statusSize) => {
    const { did, sign } = await signer();
    const path = crypto.randomUUID();
    const listUrl = `https://${HOST}/planted/${path}`;
    await plant(await sign(statusListCredential(listUrl, did, await encodeStatusBits([]), new Date(Date.now() - 60_000))), path);
    const credential = credentialBy(did, {
      credentialStatus: {
        id: `${listUrl}#1`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '1',
        statusListCredential: listUrl,
        statusSize,
      },
    });
    const report = await verifyCredential(w, await sign(credential));
    expect(report.proofs?.[0]?.verified).toBe(true);
    expect(report.status).toBe('invalid');
  });
});

describe('a VC-JWT whose exp is a finite number past the Date range', () => {
  it('is an invalid credential, not a server error', async () => {
    const b64 = (value: object) => toBase64url(new TextEncoder().encode(JSON.stringify(value)));
    const jwt = `${b64({ alg: 'EdDSA', kid: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' })}.${b64({
      iss: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      exp: 1e20,
      vc: credentialBy('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'),
    })}.${'A'.repeat(86)}`;
    const { response, settled } = await w.fetch('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: jwt }),
    });
    await settled;
    expect(response.status).toBe(200);
    expect((await response.json<{ status: string }>()).status).toBe('invalid');
  });
});

describe('a remote JSON-LD context over REMOTE_CONTEXT_LIMITS.bytes', () => {
  it('is refused before it is expanded: a forged proof over a large context costs no canonicalization of it', async () => {
    const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    const terms: Record<string, unknown> = {};
    for (let i = 0; JSON.stringify({ '@context': terms }).length <= REMOTE_CONTEXT_LIMITS.bytes; i++)
      terms[`t${i}`] = { '@id': `https://example.org/terms/${i}`, '@type': '@id' };
    const context = await plant({ '@context': terms });
    const credential = credentialBy(did);
    credential['@context'] = [...credential['@context'], context];
    const proof = {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2026-01-01T00:00:00Z',
      verificationMethod: `${did}#${did.slice(8)}`,
      proofPurpose: 'assertionMethod',
      proofValue: base58btc(new Uint8Array(64).fill(1)),
    };
    const report = await verifyCredential(w, { ...credential, proof: [proof] });
    expect(report.status).toBe('invalid');
    expect(JSON.stringify(report.proofs)).toContain(`larger than ${REMOTE_CONTEXT_LIMITS.bytes / 1024} KiB`);
  });
});

describe('a 304 to a request that carried no validator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('does not renew a kept status document without validators: it is asked again, or unverifiable, never served as revalidated', async () => {
    const fetcher = new RemoteFetcher(
      { hosts: new Map(), ownHost: 'badges.test', definitionTtlSeconds: 86_400, statusTtlSeconds: 0 },
      'badge-verify/test',
    );
    const kept = new Map<string, StoredDocument>();
    // L1 misses, Redis keeps every copy (as the real store does, for revalidation and stale-if-error).
    const store: RemoteStore = {
      inMemory: () => undefined,
      inRedis: async (key) => kept.get(key),
      keep: (key, stored) => void kept.set(key, stored),
    };
    const context = { store, spend: () => {} };
    const asked: Array<Record<string, string>> = [];
    const answers = [
      () => new Response('{"list":"as it was (not revoked)"}', { status: 200, headers: { 'content-type': 'application/json' } }),
      // A broken or hostile cache in front of the origin answers 304 to an unconditional GET.
      () => new Response(null, { status: 304 }),
      () => new Response('{"list":"as it is now (revoked)"}', { status: 200, headers: { 'content-type': 'application/json' } }),
    ];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (_input, init) => {
      asked.push(Object.fromEntries(new Headers(init?.headers)));
      return answers[asked.length - 1]!();
    });
    const url = `https://status-${crypto.randomUUID()}.example/list`;
    const first = await fetcher.get(url, 'status', 'json', context);
    expect('document' in first && first.document.body).toContain('as it was');
    const second = await fetcher.get(url, 'status', 'json', context);
    // The second request was unconditional: no kept validator to send.
    expect(asked[1]).not.toHaveProperty('if-none-match');
    expect(asked[1]).not.toHaveProperty('if-modified-since');
    const renewed = 'document' in second && second.from === 'revalidated' && second.document.body.includes('as it was');
    expect(renewed).toBe(false);
  });
});
