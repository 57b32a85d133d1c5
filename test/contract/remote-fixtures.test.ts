/**
 * The remote-issuer fixtures are honest: every OB 3.0 case, fetched from the fixture server the
 * Worker's tests use, gets the verdict its `expect` says from verifiers that are not ours — Digital
 * Bazaar's `vc` (both proof suites, its status-list libraries) for embedded proofs and `jose` for
 * VC-JWT — with every DID, key and status list resolved through the fixture hosts and contexts
 * from their packages only. DCC's verifier-core (which fetches did:web over https) is pointed at
 * the hosts by a fetch that rewrites `https://host` to the host's local port. Then the server
 * itself: headers, ETags and 304s, unknown paths, actions and reset, hit counts, latency.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import * as bitstringStatusList from '@digitalbazaar/vc-bitstring-status-list';
import * as statusList2021 from '@digitalbazaar/vc-status-list';
import { verifyCredential as verifierCoreVerify } from '@digitalcredentials/verifier-core';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, errors as joseErrors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OB3_BUNDLED_CONTEXTS } from '../../dev/remote-issuers/ob3.ts';
import { type RemoteIssuers, startRemoteIssuers } from '../../dev/remote-issuers/server.ts';
import type { FixtureCase } from '../../dev/remote-issuers/types.ts';

type Doc = Record<string, unknown>;
type Verdict = FixtureCase['expect'];

/** The 1EdTech AchievementCredential JSON Schema, a shared file never copied into the repository (undefined when absent). */
const SCHEMA_FILE = [path.resolve(import.meta.dirname, '../../../shared/data/openbadges'), '/work/shared/data/openbadges']
  .map((dir) => path.join(dir, 'ob-v3p0-achievementcredential.schema.json'))
  .find(existsSync);

let issuers: RemoteIssuers;
let origins: Map<string, string>;
beforeAll(async () => {
  issuers = await startRemoteIssuers();
  origins = new Map(issuers.hostMap.split(',').map((pair) => pair.split('=') as [string, string]));
}, 60_000);
afterAll(() => issuers?.close());

/** Raised when a document could not be had (a failed fetch): the verdict is `unverifiable`, not `invalid`. */
class Unreachable extends Error {}

/** `https://host/path` of a fixture host, fetched from its local port; anything else is offline. */
async function fetchFixture(url: string, init?: RequestInit): Promise<Response> {
  const { host, pathname, search } = new URL(url);
  const origin = origins.get(host);
  if (!origin) throw new Unreachable(`offline: ${host} is not a fixture host`);
  return fetch(`${origin}${pathname}${search}`, init);
}
async function fetchJson(url: string): Promise<Doc> {
  const response = await fetchFixture(url);
  if (!response.ok) throw new Unreachable(`${url} answered ${response.status}`);
  return (await response.json()) as Doc;
}

const didKeyDriver = didKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/** did:web as its method says (`did:web:host:a:b` → `https://host/a/b/did.json`), fetched from the fixture host. */
async function resolveDidWeb(url: string): Promise<Doc> {
  const [did, fragment] = url.split('#') as [string, string | undefined];
  const [host, ...segments] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const document = await fetchJson(
    segments.length ? `https://${host}/${segments.join('/')}/did.json` : `https://${host}/.well-known/did.json`,
  );
  if (document.id !== did) throw new Error(`the DID document of ${did} names ${String(document.id)}`);
  if (!fragment) return document;
  const method = (document.verificationMethod as Doc[]).find((candidate) => candidate.id === url);
  if (!method) throw new Error(`${url} is not in its DID document`);
  return { '@context': document['@context'], ...method };
}

/** Contexts from their packages; did:key from its driver; did:web, keys, status lists and other contexts from the fixture hosts. */
async function documentLoader(url: string) {
  const wrap = (document: object) => ({ contextUrl: null, documentUrl: url, document });
  const context = OB3_BUNDLED_CONTEXTS.get(url);
  if (context) return wrap(context);
  if (url.startsWith('did:key:')) return wrap(await didKeyDriver.get({ url }));
  if (url.startsWith('did:web:')) return wrap(await resolveDidWeb(url));
  if (url.startsWith('https://')) return wrap(await fetchJson(url));
  throw new Error(`offline: ${url}`);
}

const suites = [new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), new Ed25519Signature2020()];
const issuerIdOf = (credential: Doc) => (typeof credential.issuer === 'string' ? credential.issuer : String((credential.issuer as Doc).id));
const proofsOf = (credential: Doc) => [credential.proof ?? []].flat() as Doc[];
const startOf = (credential: Doc) => Date.parse(String(credential.validFrom ?? credential.issuanceDate));

/** A key URL's controller document (the issuer profile) when the proof's key is an HTTPS URL: it must list the key, and is handed over as is. */
async function controllerFor(credential: Doc): Promise<Doc | undefined> {
  const method = proofsOf(credential)[0]?.verificationMethod;
  if (typeof method !== 'string' || !method.startsWith('https://')) return undefined;
  return fetchJson(String((await fetchJson(method)).controller));
}

/** The proof alone, checked at an instant inside the credential's window (dates are checked next). */
async function proofHolds(credential: Doc) {
  const controller = await controllerFor(credential);
  return vc.verifyCredential({
    credential,
    suite: suites,
    documentLoader,
    now: new Date(startOf(credential) + 1000),
    checkStatus: async () => ({ verified: true }),
    ...(controller && { controller }),
  });
}

/** The window, as the library reads it (its messages name the dates that failed). */
async function windowVerdict(credential: Doc): Promise<Verdict | undefined> {
  const controller = await controllerFor(credential);
  const result = await vc.verifyCredential({
    credential,
    suite: suites,
    documentLoader,
    checkStatus: async () => ({ verified: true }),
    ...(controller && { controller }),
  });
  if (result.verified) return undefined;
  const message = [result.error?.message, ...(result.error?.errors ?? []).map((e) => e.message)].join(' ');
  if (/has expired|is after "validUntil"/.test(message)) return 'expired';
  if (/is before (the )?"(validFrom|issuanceDate)"/.test(message)) return 'not_yet_valid';
  throw new Error(`unexpected failure: ${message}`);
}

/** Whether a status check failed because a document could not be fetched (its cause chain holds an Unreachable). */
const unreachable = (error: unknown): boolean => error instanceof Unreachable || (error instanceof Error && unreachable(error.cause));

async function statusVerdict(credential: Doc): Promise<Verdict> {
  const entry = credential.credentialStatus as Doc | undefined;
  if (!entry) return 'valid';
  const options = { credential, documentLoader, suite: suites, verifyMatchingIssuers: true };
  if (entry.type === 'BitstringStatusListEntry') {
    const result = await bitstringStatusList.checkStatus(options);
    if (result.error) return unreachable(result.error) ? 'unverifiable' : 'invalid';
    if (!result.results?.[0]?.status) return 'valid';
    return entry.statusPurpose === 'suspension' ? 'suspended' : 'revoked';
  }
  if (entry.type === 'StatusList2021Entry') {
    const result = await statusList2021.checkStatus(options);
    if (result.error) return unreachable(result.error) ? 'unverifiable' : 'invalid';
    return result.verified ? 'valid' : 'revoked';
  }
  if (entry.type === '1EdTechRevocationList') {
    // 1EdTech Revocation List Status Method: an unsigned list, by the credential's issuer, of revoked credential ids.
    const list = await fetchJson(String(entry.id)).catch((error) => error as Error);
    if (list instanceof Error) return unreachable(list) ? 'unverifiable' : 'invalid';
    if (list.issuer !== issuerIdOf(credential)) return 'invalid';
    return (list.revokedCredentials as Doc[]).some((revoked) => revoked.id === credential.id) ? 'revoked' : 'valid';
  }
  throw new Error(`unknown status type ${String(entry.type)}`);
}

/** A verifier that knows its contexts: every `@context` entry a bundled URL or a document a host serves, never inline. */
const inlineContext = (credential: Doc) => [credential['@context']].flat().some((entry) => typeof entry !== 'string');

async function embeddedProofVerdict(credential: Doc): Promise<Verdict> {
  if (!(await proofHolds(credential).catch(() => ({ verified: false }))).verified) return 'invalid';
  if (inlineContext(credential)) return 'invalid';
  return (await windowVerdict(credential)) ?? statusVerdict(credential);
}

/** A JWS's key: `kid` a did:jwk (the JWK is in the DID) or a key URL whose controller is the issuer and lists it. */
async function jwtKey(jwt: string, issuer: string) {
  const { kid, alg } = decodeProtectedHeader(jwt);
  if (!kid || !alg) throw new Error('no kid or alg');
  if (kid.startsWith('did:jwk:')) {
    expect(kid.split('#')[0], 'a did:jwk issuer signs with its own key').toBe(issuer);
    return importJWK(JSON.parse(Buffer.from(kid.slice('did:jwk:'.length).split('#')[0]!, 'base64url').toString('utf8')) as JWK, alg);
  }
  const method = await fetchJson(kid);
  expect(method.controller).toBe(issuer);
  expect((await fetchJson(issuer)).assertionMethod).toContain(kid);
  return importJWK(method.publicKeyJwk as JWK, alg);
}

/** VC-JWT: the signature (at an instant in the window), then `nbf`/`exp` or, for VC-JOSE-COSE, validFrom/validUntil. */
async function jwtVerdict(jwt: string): Promise<Verdict> {
  const claims = decodeJwt(jwt) as Doc;
  const credential = (claims.vc ?? claims) as Doc;
  const issuer = String(claims.iss ?? issuerIdOf(credential));
  const key = await jwtKey(jwt, issuer);
  const inWindow = new Date(startOf(credential) + 1000);
  const signed = await jwtVerify(jwt, key, { currentDate: inWindow }).then(
    () => true,
    (error) => (error instanceof joseErrors.JWSSignatureVerificationFailed ? false : Promise.reject(error)),
  );
  if (!signed) return 'invalid';
  try {
    await jwtVerify(jwt, key);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return 'expired';
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') return 'not_yet_valid';
    throw error;
  }
  const now = Date.now();
  if (credential.validUntil && Date.parse(String(credential.validUntil)) < now) return 'expired';
  if (startOf(credential) > now) return 'not_yet_valid';
  return statusVerdict(credential);
}

const ob3Cases = async () =>
  ((await (await fetch(`${issuers.controlUrl}/cases`)).json()) as FixtureCase[]).filter((c) => c.name.startsWith('ob3-'));
const credentialOf = (c: FixtureCase) => (c.body as { credential: Doc | string }).credential;
const verdictOf = (c: FixtureCase) => {
  const credential = credentialOf(c);
  return typeof credential === 'string' ? jwtVerdict(credential) : embeddedProofVerdict(credential);
};
const action = (name: string) => fetch(`${issuers.controlUrl}/actions/${encodeURIComponent(name)}`, { method: 'POST' });

describe('the OB 3.0 fixtures, checked by independent verifiers', () => {
  it('cover every suite, key kind, status kind and verdict the fixtures promise', async () => {
    const cases = await ob3Cases();
    const proofTypes = new Set(
      cases.flatMap((c) => (typeof credentialOf(c) === 'string' ? [] : proofsOf(credentialOf(c) as Doc).map((p) => p.type))),
    );
    const algorithms = new Set(
      cases.flatMap((c) => (typeof credentialOf(c) === 'string' ? [decodeProtectedHeader(credentialOf(c) as string).alg] : [])),
    );
    const statusTypes = new Set(cases.map((c) => (credentialOf(c) as Doc).credentialStatus).flatMap((s) => (s ? [(s as Doc).type] : [])));
    expect([...proofTypes].sort()).toEqual(['DataIntegrityProof', 'Ed25519Signature2020']);
    expect([...algorithms].sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect([...statusTypes].sort()).toEqual(['1EdTechRevocationList', 'BitstringStatusListEntry', 'StatusList2021Entry']);
    expect(new Set(cases.map((c) => c.expect))).toEqual(
      new Set(['valid', 'revoked', 'suspended', 'expired', 'not_yet_valid', 'invalid', 'unverifiable']),
    );
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('give every case the verdict its expectation says', async () => {
    const disagreements: string[] = [];
    for (const c of await ob3Cases()) {
      const verdict = await verdictOf(c).catch((error: Error) => `error: ${error.message}`);
      if (verdict !== c.expect) disagreements.push(`${c.name}: expected ${c.expect}, the libraries say ${verdict}`);
    }
    expect(disagreements).toEqual([]);
  }, 60_000);

  it('fail tampered content, a copied proof, a key not for assertions and a redefined remote context at the proof itself', async () => {
    const byName = new Map((await ob3Cases()).map((c) => [c.name, credentialOf(c) as Doc]));
    for (const name of [
      'ob3-did-web-eddsa-tampered-invalid',
      'ob3-did-web-eddsa-copied-proof-invalid',
      'ob3-did-web-key-not-for-assertions-invalid',
      'ob3-did-web-remote-context-redefined-invalid',
      'ob3-did-key-status-list-tampered-invalid',
    ]) {
      const credential = byName.get(name)!;
      const result = name.includes('status-list')
        ? await bitstringStatusList.checkStatus({ credential, documentLoader, suite: suites, verifyMatchingIssuers: true })
        : await proofHolds(credential).catch(() => ({ verified: false }));
      expect([name, result.verified && !('error' in result && result.error)]).toEqual([name, false]);
    }
  });

  it.skipIf(!SCHEMA_FILE)('conform to the 1EdTech JSON Schema when they name it, but for the deliberate single proof object', async () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE!, 'utf8')));
    const problems: string[] = [];
    for (const c of await ob3Cases()) {
      const held = credentialOf(c);
      const credential = typeof held === 'string' ? (decodeJwt(held) as Doc) : held;
      if (!credential.credentialSchema) continue;
      const found = validate(credential) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
      problems.push(...found.map((problem) => `${c.name}: ${problem}`));
    }
    expect(problems).toEqual(['ob3-did-web-eddsa-single-proof-object-valid: /proof must be array']);
  });

  it('sign the inline-context case honestly: only a verifier that refuses unknown contexts catches it', async () => {
    const credential = credentialOf((await ob3Cases()).find((c) => c.name === 'ob3-did-web-inline-context-hides-expiry-invalid')!) as Doc;
    expect((await proofHolds(credential)).verified).toBe(true);
    expect(credential.validUntil).toBeUndefined();
  });

  it('are the same documents every run, ES256 signatures aside (fixed seeds and dates)', async () => {
    const { ob3Fixtures } = await import('../../dev/remote-issuers/ob3.ts');
    const [first, second] = await Promise.all([ob3Fixtures(), ob3Fixtures()]);
    const stable = (set: typeof first) => set.cases.filter((c) => !c.name.includes('es256')).map((c) => JSON.stringify(c));
    expect(stable(second)).toEqual(stable(first));
    const documents = (set: typeof first) =>
      set.hosts.flatMap((h) => [...h.documents].map(([p, served]) => `${h.host}${p} ${String(served.body)}`));
    expect(documents(second)).toEqual(documents(first));
  });

  it('include did:web cases DCC verifier-core accepts (and a tampered one it refuses), fetching over https from the fixture hosts', async () => {
    const cases = new Map((await ob3Cases()).map((c) => [c.name, credentialOf(c) as Doc]));
    const realFetch = globalThis.fetch;
    const asked: string[] = [];
    // verifier-core's HTTP client calls the global fetch per request: fixture hosts go to their ports, the 1EdTech schema to its shared copy.
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      asked.push(request.url);
      const { host, pathname, search } = new URL(request.url);
      const origin = origins.get(host);
      if (origin) return realFetch(`${origin}${pathname}${search}`, { headers: request.headers });
      if (SCHEMA_FILE && request.url.endsWith('/ob_v3p0_achievementcredential_schema.json'))
        return new Response(readFileSync(SCHEMA_FILE, 'utf8'), { headers: { 'content-type': 'application/json' } });
      return new Response('offline', { status: 503 });
    };
    type CoreResult = {
      errors?: Array<{ name: string }>;
      log: Array<{ id: string; valid: boolean }>;
      additionalInformation?: Array<{
        id: string;
        results: Array<{ result: { valid: boolean; errors?: Array<{ instancePath: string }> } }>;
      }>;
    };
    const verify = async (name: string) =>
      (await verifierCoreVerify({ credential: cases.get(name) as never, knownDIDRegistries: [] })) as unknown as CoreResult;
    const steps = (result: CoreResult) => Object.fromEntries(result.log.map((step) => [step.id, step.valid]));
    const schemaProblems = (result: CoreResult) =>
      (result.additionalInformation ?? [])
        .filter((i) => i.id === 'schema_check')
        .flatMap((i) => i.results.flatMap((r) => (r.result.errors ?? []).map((e) => e.instancePath)));
    try {
      const withStatus = await verify('ob3-did-web-eddsa-single-proof-object-valid');
      expect(withStatus.errors).toBeUndefined();
      expect(steps(withStatus)).toMatchObject({ valid_signature: true, expiration: true, revocation_status: true });
      // The one schema finding is the deliberate one: the 1EdTech schema wants `proof` as an array.
      if (SCHEMA_FILE) expect(schemaProblems(withStatus)).toEqual(['/proof']);
      expect(asked).toEqual(
        expect.arrayContaining([
          'https://did-web-issuer.example/.well-known/did.json',
          'https://did-web-issuer.example/status/revocation/1',
        ]),
      );
      for (const name of ['ob3-did-web-eddsa-proof-array-valid', 'ob3-did-web-two-proofs-valid']) {
        const result = await verify(name);
        expect([name, result.errors, steps(result).valid_signature]).toEqual([name, undefined, true]);
        if (SCHEMA_FILE) expect([name, schemaProblems(result)]).toEqual([name, []]);
      }
      const tampered = await verify('ob3-did-web-eddsa-tampered-invalid');
      expect(tampered.errors?.map((error) => error.name)).toEqual(['invalid_signature']);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('the fixture server', () => {
  const host = 'did-web-issuer.example';
  const get = (p: string, headers: Record<string, string> = {}) => fetchFixture(`https://${host}${p}`, { headers });

  it('serves definitions for an hour and status lists for 5 minutes, with ETags that answer 304', async () => {
    const did = await get('/.well-known/did.json');
    expect([did.status, did.headers.get('content-type'), did.headers.get('cache-control')]).toEqual([
      200,
      'application/did+ld+json',
      'max-age=3600',
    ]);
    const list = await get('/status/revocation/1');
    expect([list.headers.get('content-type'), list.headers.get('cache-control')]).toEqual(['application/vc+ld+json', 'max-age=300']);
    const etag = list.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/status/revocation/1', { 'if-none-match': `W/"other", ${etag}` });
    expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([304, etag, '']);
    expect((await get('/status/revocation/1', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('answers unknown paths 404 with JSON, and the unavailable status list 503', async () => {
    const missing = await get('/nothing/here');
    expect([missing.status, missing.headers.get('content-type'), ((await missing.json()) as Doc).error]).toEqual([
      404,
      'application/json',
      'not found',
    ]);
    expect((await fetchFixture('https://status.example/lists/unavailable/1')).status).toBe(503);
  });

  it('revokes a case by re-signing its list (new ETag, same issuer), and POST /reset restores the initial documents', async () => {
    const name = 'ob3-did-web-eddsa-single-proof-object-valid';
    const valid = (await ob3Cases()).find((c) => c.name === name)!;
    const before = (await get('/status/revocation/1')).headers.get('etag');
    expect((await action(`revoke:${name}`)).status).toBe(200);
    expect((await get('/status/revocation/1')).headers.get('etag')).not.toBe(before);
    expect(await verdictOf(valid)).toBe('revoked');
    expect((await action('revoke:no-such-case')).status).toBe(404);
    expect((await fetch(`${issuers.controlUrl}/reset`, { method: 'POST' })).status).toBe(200);
    expect((await get('/status/revocation/1')).headers.get('etag')).toBe(before);
    expect(await verdictOf(valid)).toBe('valid');
  }, 30_000);

  it('suspends and lifts a suspension; an outage answers 503 until reset', async () => {
    const name = 'ob3-did-key-eddsa-bitstring-suspension-valid';
    const suspendable = (await ob3Cases()).find((c) => c.name === name)!;
    await action(`suspend:${name}`);
    expect(await verdictOf(suspendable)).toBe('suspended');
    await action(`unsuspend:${name}`);
    expect(await verdictOf(suspendable)).toBe('valid');
    await action('outage:status.example');
    expect(await verdictOf(suspendable)).toBe('unverifiable');
    await action('reset');
    expect(await verdictOf(suspendable)).toBe('valid');
  });

  it('counts requests by host and path', async () => {
    const hits = async (query: string) => ((await (await fetch(`${issuers.controlUrl}/hits?${query}`)).json()) as { hits: number }).hits;
    const query = `host=${host}&path=${encodeURIComponent('/issuers/alpha/did.json')}`;
    const before = await hits(query);
    await get('/issuers/alpha/did.json');
    await get('/issuers/alpha/did.json', { 'if-none-match': '*' });
    expect(await hits(query)).toBe(before + 2);
    expect(await hits(`host=${host}`)).toBeGreaterThanOrEqual(before + 2);
  });

  it('delays every answer by latencyMs', async () => {
    const slow = await startRemoteIssuers({ latencyMs: 50 });
    try {
      const origin = slow.hostMap
        .split(',')
        .find((pair) => pair.startsWith(`${host}=`))!
        .split('=')[1];
      const started = performance.now();
      expect((await fetch(`${origin}/.well-known/did.json`)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    } finally {
      await slow.close();
    }
  }, 30_000);
});
