/**
 * @module Picking a credential up in a wallet: the earner's page (claim code in, wallet link
 * out), the same as JSON, and the VC-API exchange the wallet calls. Nothing here is cached.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readAssertionBundle } from '../data/read/documents.ts';
import { PRIVATE_CACHE_CONTROL } from '../edge/headers.ts';
import type { AppEnv } from '../http/app-env.ts';
import { notFound } from '../http/problem.ts';
import { DomainError } from '../lib/errors.ts';
import { htmlResponse } from '../pages/render.ts';
import { WalletPage } from '../pages/wallet-page.tsx';
import { continueExchange, EXCHANGE_SECONDS, openPickup } from '../wallet/pickup.ts';
import { bodyOfType, limitBody, newRouter } from './router.ts';
import { htmlPage, idParams, problems } from './schemas.ts';

const claimCode = z.string().trim().min(8).max(64).openapi({ description: 'the claim code the issuer sent the earner' });
const claimCodeBody = z.object({ claimCode }).openapi({ example: { claimCode: 'demo-claim-code-0001' } });
const tags = ['Wallet pickup'];

const pickupPage = createRoute({
  method: 'get',
  path: '/assertions/{id}/wallet',
  tags,
  summary: 'The earner’s page for picking the OB 3.0 credential up in the Learner Credential Wallet',
  request: { params: idParams('demo-valid') },
  responses: { 200: htmlPage('The claim code form'), ...problems(400, 404, 503) },
});

const pickupForm = createRoute({
  method: 'post',
  path: '/assertions/{id}/wallet',
  tags,
  summary: 'The pickup form: opens an exchange and answers with the wallet link',
  middleware: [bodyOfType('application/x-www-form-urlencoded')] as const,
  request: {
    params: idParams('demo-valid'),
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: claimCodeBody } } },
  },
  responses: {
    200: htmlPage('The wallet link'),
    410: htmlPage('The award is revoked, or the claim code expired'),
    422: htmlPage('Not a claim code for this award'),
    ...problems(400, 404, 415, 503),
  },
});

const opened = z
  .object({
    exchangeId: z.string(),
    exchangeUrl: z.url(),
    challenge: z.string(),
    expiresAt: z.string(),
    walletUrl: z.url().describe('the Learner Credential Wallet deep link (open it, or show it as a QR code)'),
  })
  .openapi('WalletExchange');

const openExchangeRoute = createRoute({
  method: 'post',
  path: '/assertions/{id}/exchanges',
  tags,
  summary: `Open a wallet exchange with a claim code (single use, ${EXCHANGE_SECONDS / 60} minutes)`,
  middleware: [bodyOfType('application/json')] as const,
  request: {
    params: idParams('demo-valid'),
    body: { required: true, content: { 'application/json': { schema: claimCodeBody } } },
  },
  responses: {
    201: { description: 'The exchange', content: { 'application/json': { schema: opened } } },
    ...problems(400, 404, 410, 415, 422, 503),
  },
});

const exchangeRoute = createRoute({
  method: 'post',
  path: '/exchanges/{id}',
  tags,
  summary: 'The VC-API exchange the wallet calls: `{}` asks for DID-Auth; a presentation signed over the challenge gets the credential',
  middleware: [limitBody(64 * 1024), bodyOfType('application/json')] as const,
  request: {
    params: idParams('demo-exchange'),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .looseObject({})
            .openapi({ description: '`{}`, or `{verifiablePresentation}` (a DID-Authentication presentation from did:key or did:jwk)' }),
          example: {},
        },
      },
    },
  },
  responses: {
    200: {
      description:
        '`{verifiablePresentationRequest}`, or `{verifiablePresentation: {verifiableCredential: [the credential, issued to the holder]}}`',
      content: { 'application/json': { schema: z.looseObject({}) } },
    },
    ...problems(400, 404, 409, 410, 413, 415, 422, 503),
  },
});

async function badgeOf(c: Context<AppEnv>, id: string) {
  const bundle = await readAssertionBundle(c.var.scope, id);
  if (!bundle) throw notFound('assertion');
  return bundle.badge.name;
}

const exchangeOf = (c: Context<AppEnv>, exchange: Awaited<ReturnType<typeof openPickup>>) => ({
  exchangeId: exchange.id,
  exchangeUrl: c.var.urls.exchange(exchange.id),
  challenge: exchange.challenge,
  expiresAt: exchange.expiresAt.toISOString(),
  walletUrl: c.var.urls.walletRequest(exchange.id, exchange.challenge),
});

const noStore = { 'cache-control': PRIVATE_CACHE_CONTROL };

export const exchanges = newRouter()
  .openapi(pickupPage, async (c) => {
    const { id } = c.req.valid('param');
    const page = { badgeName: await badgeOf(c, id), assertionUrl: c.var.urls.assertion(id), pageUrl: c.var.urls.walletPickup(id) };
    return htmlResponse(<WalletPage {...page} />, 200, noStore);
  })
  .openapi(pickupForm, async (c) => {
    const { id } = c.req.valid('param');
    const page = { badgeName: await badgeOf(c, id), assertionUrl: c.var.urls.assertion(id), pageUrl: c.var.urls.walletPickup(id) };
    try {
      const exchange = await openPickup(c.var.scope, id, c.req.valid('form').claimCode);
      const { walletUrl } = exchangeOf(c, exchange);
      return htmlResponse(<WalletPage {...page} opened={{ walletUrl, expiresAt: exchange.expiresAt }} />, 200, noStore);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'unavailable') throw error;
      return htmlResponse(<WalletPage {...page} problem={error.message} />, error.kind === 'gone' ? 410 : 422, noStore);
    }
  })
  .openapi(openExchangeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const exchange = await openPickup(c.var.scope, id, c.req.valid('json').claimCode);
    return c.json(exchangeOf(c, exchange), 201, noStore);
  })
  .openapi(exchangeRoute, async (c) => {
    const answer = await continueExchange(c.var.scope, c.req.valid('param').id, c.req.valid('json'), new URL(c.var.urls.exchange('')).host);
    return c.json(answer, 200, noStore);
  });
