/**
 * @module Picking an award's OB 3.0 credential up in a wallet. An admin asks for a claim code for
 * the award and hands it to the earner; the earner opens an exchange with it (single use,
 * EXCHANGE_SECONDS) and the wallet, sent there by a deep link or QR code, presents a DID-Auth
 * presentation over the exchange's challenge. It gets the credential back, issued to its DID and
 * carrying the award's status entry.
 */
import { issueCredentialTo } from '../data/read/signed-credentials.ts';
import type { DataScope } from '../data/scope.ts';
import { openExchange, readExchange, storeClaimCode, useExchange } from '../data/write/wallet.ts';
import type { Writer } from '../db/writes.ts';
import { toBase64url } from '../lib/base64.ts';
import { DomainError } from '../lib/errors.ts';
import { authenticate, presentationIn } from './did-auth.ts';

/** How long an opened exchange waits for the wallet: enough to scan a code, short enough that a leaked link is soon worthless. */
export const EXCHANGE_SECONDS = 600;
/** How long a claim code may open exchanges unless the admin says otherwise. */
export const CLAIM_CODE_DAYS = 30;

const random = (bytes: number) => toBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
const sha256 = async (text: string) => toBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));

/** A new claim code (128 random bits, shown once) for award `assertionId`. */
export async function newClaimCode(scope: DataScope, assertionId: string, writer: Writer, days = CLAIM_CODE_DAYS) {
  const claimCode = random(16);
  const expiresAt = new Date(Date.now() + days * 86_400_000);
  if (!(await storeClaimCode(scope, assertionId, await sha256(claimCode), expiresAt, writer)))
    throw new DomainError('not_found', 'not_found', 'No assertion with this id.');
  return { claimCode, expiresAt };
}

/** An exchange for award `assertionId`, opened with the earner's claim code. */
export async function openPickup(scope: DataScope, assertionId: string, claimCode: string) {
  const exchange = { id: random(16), assertionId, challenge: random(16), expiresAt: new Date(Date.now() + EXCHANGE_SECONDS * 1000) };
  const found = await openExchange(scope, { ...exchange, codeHash: await sha256(claimCode) });
  if (!found) throw new DomainError('invalid_value', 'invalid_claim_code', 'This claim code is not one for this award.');
  if (found.revoked) throw new DomainError('gone', 'revoked', 'This award is revoked: there is no credential to pick up.');
  if (found.codeExpired) throw new DomainError('gone', 'claim_code_expired', 'This claim code has expired: ask the issuer for a new one.');
  return exchange;
}

/** What the wallet is asked for when it calls an exchange with an empty body (VC-API). */
export const presentationRequest = (challenge: string, domain: string) => ({
  verifiablePresentationRequest: { query: [{ type: 'DIDAuthentication' }], challenge, domain },
});

/** The exchange's first step (a request for DID-Auth), or its last (the credential for the presentation in `body`). */
export async function continueExchange(scope: DataScope, id: string, body: unknown, domain: string): Promise<object> {
  const exchange = await readExchange(scope, id);
  if (!exchange) throw new DomainError('not_found', 'not_found', 'No exchange with this id.');
  if (exchange.usedAt) throw new DomainError('already_exists', 'exchange_used', 'This exchange has been used: open a new one.');
  if (exchange.expiresAt.getTime() <= Date.now())
    throw new DomainError('gone', 'exchange_expired', 'This exchange has expired: open a new one.');
  const presentation = presentationIn(body);
  if (!presentation) {
    if (body && typeof body === 'object' && Object.keys(body).length === 0) return presentationRequest(exchange.challenge, domain);
    throw new DomainError(
      'malformed',
      'invalid_presentation',
      'Send {} to start, then {verifiablePresentation} signed over the challenge.',
    );
  }
  const authenticated = await authenticate(presentation, exchange.challenge);
  if ('refused' in authenticated) throw new DomainError('invalid_value', 'presentation_not_verified', authenticated.refused);
  // Used before the credential is made: of two wallets racing, one gets it.
  if (!(await useExchange(scope, id)))
    throw new DomainError('already_exists', 'exchange_used', 'This exchange has been used: open a new one.');
  const credential = await issueCredentialTo(scope, exchange.assertionId, authenticated.holder);
  if (!credential) throw new DomainError('not_found', 'not_found', 'The award of this exchange no longer exists.');
  return {
    verifiablePresentation: {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [credential],
    },
  };
}
