/**
 * Credentials signed with an HTTP(S) key URL: the key document names its controller, and only
 * the controller's own document, fetched from the controller's URL, can vouch for the key. An
 * attacker who plants documents on a host of its own (the hostile host's `/planted/…`) must not
 * be able to make a credential read as another issuer's.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';
import { BASE } from '../fixtures.ts';
import { worker } from '../worker.ts';
import { credentialBy, plant, verifyCredential } from './strangers.ts';

const HOST = env.REMOTE_HOSTILE_HOST;
/** A real issuer of the remote fixtures, whose profile lists its own two key URLs for assertions. */
const VICTIM = 'https://keys-issuer.example/issuer';

const w = worker({ REMOTE_STATUS_TTL_SECONDS: '0' });
const verify = (credential: object) => verifyCredential(w, credential);

async function attackerKey() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const multibase = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  return { pair, multibase, base: crypto.randomUUID() };
}

const multikey = (id: string, controller: string, publicKeyMultibase: string) => ({ id, type: 'Multikey', controller, publicKeyMultibase });
const planted = (path: string) => `https://${HOST}/planted/${path}`;

describe('a credential signed with a key URL', () => {
  it('is not the issuer’s when the key document claims to be the issuer’s profile', async () => {
    const { pair, multibase, base } = await attackerKey();
    const method = `${planted(`${base}/key`)}#k`;
    // What an attacker serves at its own URL: a "profile" with the victim's id that lists the attacker's key.
    await plant(
      {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
        id: VICTIM,
        verificationMethod: [multikey(method, VICTIM, multibase)],
        assertionMethod: [method],
      },
      `${base}/key`,
    );
    const signed = await signDocument(credentialBy(VICTIM), method, pair.privateKey, new Date());
    const report = await verify(signed);
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]).toMatchObject({ verified: false });
    expect(report.proofs?.[0]?.message).toMatch(/names itself/);
  });

  it('is not the issuer’s when the issuer’s own profile does not list the key', async () => {
    const { pair, multibase, base } = await attackerKey();
    const url = planted(`${base}/key`);
    await plant({ '@context': 'https://w3id.org/security/multikey/v1', ...multikey(url, VICTIM, multibase) }, `${base}/key`);
    const report = await verify(await signDocument(credentialBy(VICTIM), url, pair.privateKey, new Date()));
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/does not list the key/);
  });

  it('cannot be vouched for by a did:key controller', async () => {
    const { pair, multibase, base } = await attackerKey();
    const url = planted(`${base}/key`);
    const did = `did:key:${multibase}`;
    await plant({ '@context': 'https://w3id.org/security/multikey/v1', ...multikey(url, did, multibase) }, `${base}/key`);
    const report = await verify(await signDocument(credentialBy(did), url, pair.privateKey, new Date()));
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/not an HTTPS URL/);
  });

  it('is valid when the key document and the issuer’s own profile, each at its own URL, agree', async () => {
    const { pair, multibase, base } = await attackerKey();
    const [url, issuer] = [planted(`${base}/key`), planted(`${base}/issuer`)];
    await plant({ '@context': 'https://w3id.org/security/multikey/v1', ...multikey(url, issuer, multibase) }, `${base}/key`);
    await plant({ '@context': ['https://www.w3.org/ns/did/v1'], id: issuer, assertionMethod: [url] }, `${base}/issuer`);
    const report = await verify(await signDocument(credentialBy(issuer), url, pair.privateKey, new Date()));
    expect(report.proofs?.[0]).toMatchObject({ verified: true, byIssuer: true });
    expect(report.status).toBe('valid');
  });

  it('is never fetched from this deployment’s own host', async () => {
    const { pair } = await attackerKey();
    const url = `${BASE}/keys/1`;
    const report = await verify(await signDocument(credentialBy(`${BASE}/issuers/anyone`), url, pair.privateKey, new Date()));
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/own host/);
    expect(report.sources).toEqual([expect.objectContaining({ url, error: expect.objectContaining({ code: 'refused_url' }) })]);
  });
});
