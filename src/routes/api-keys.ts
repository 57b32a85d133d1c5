/** @module API keys of issuers (root ADMIN_TOKEN only): created with their secret shown once, listed without it, revoked. */
import { createRoute, z } from '@hono/zod-openapi';
import { newApiKeyToken } from '../access/api-key-token.ts';
import { authorize } from '../access/principal.ts';
import { readApiKeyList } from '../data/read/api-keys.ts';
import { createApiKey, revokeApiKey } from '../data/write/records.ts';
import type { ApiKeyRecord } from '../db/records.ts';
import { API_KEY_ACTIONS } from '../db/schema.ts';
import { NO_STORE } from '../edge/headers.ts';
import { principalIn, writerOf } from '../http/middleware/admin-auth.ts';
import { adminOperation, adminProblems, json } from './admin.ts';
import { newRouter } from './router.ts';
import { cacheUpdate, idParams, problems, publicId } from './schemas.ts';

/** The seed's demo key (revoked, and of no secret): the reference's example. */
const DEMO_KEY_ID = '0000000000000d30';

const keyFields = {
  id: z.string().describe('the key id: the `<keyId>` of `bv_<keyId>_<secret>`'),
  issuerId: z.string().nullable().describe('the one issuer it acts for; null: every issuer'),
  actions: z.array(z.enum(API_KEY_ACTIONS)),
  label: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
};
const apiKey = z.object({ ...keyFields, lastUsedAt: z.string().nullable() }).openapi('ApiKey');

const newKeyBody = z
  .strictObject({
    issuerId: publicId.nullable().describe('the issuer the key acts for; null for every issuer'),
    actions: z.array(z.enum(API_KEY_ACTIONS)).min(1).max(API_KEY_ACTIONS.length),
    label: z.string().trim().min(1).max(200).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('when it stops working; never, when absent'),
  })
  .refine((body) => !body.expiresAt || new Date(body.expiresAt).getTime() > Date.now(), 'expiresAt: must be in the future')
  .openapi({ example: { issuerId: 'demo-issuer', actions: ['issue', 'revoke'], label: 'Registrar office' } });

const keyCreated = z
  .object({
    ...keyFields,
    token: z.string().describe('`bv_<keyId>_<secret>`: shown this once; only its hash is kept'),
    version: z.number().int(),
    cache: cacheUpdate,
  })
  .openapi('ApiKeyCreated');

const iso = (date: Date | null) => date?.toISOString() ?? null;
const shown = (key: ApiKeyRecord) => ({
  id: key.id,
  issuerId: key.issuerId,
  actions: key.actions,
  label: key.label,
  expiresAt: iso(key.expiresAt),
  revokedAt: iso(key.revokedAt),
  createdAt: key.createdAt.toISOString(),
});

const routes = {
  create: createRoute({
    ...adminOperation,
    method: 'post',
    path: '/admin/api-keys',
    summary: 'Create an API key for one issuer, or every issuer (root token only; the secret is shown once)',
    request: { body: { required: true, content: json(newKeyBody) } },
    responses: { 201: { description: 'The new key, with its token', content: json(keyCreated) }, ...adminProblems, ...problems(409) },
  }),
  list: createRoute({
    ...adminOperation,
    method: 'get',
    path: '/admin/api-keys',
    summary: 'List the API keys (never their secrets; root token only)',
    responses: { 200: { description: 'Every key, newest first', content: json(z.object({ keys: z.array(apiKey) })) }, ...adminProblems },
  }),
  revoke: createRoute({
    ...adminOperation,
    method: 'delete',
    path: '/admin/api-keys/{id}',
    summary: 'Revoke an API key: it stops working in every isolate within the L1 bound (root token only)',
    request: { params: idParams(DEMO_KEY_ID) },
    responses: {
      200: { description: 'Revoked', content: json(z.object({ ...keyFields, version: z.number().int(), cache: cacheUpdate })) },
      ...adminProblems,
      ...problems(404),
    },
  }),
};

export const apiKeys = newRouter()
  .openapi(routes.create, async (c) => {
    authorize(principalIn(c), 'manage-keys', null);
    const { issuerId, actions, label, expiresAt } = c.req.valid('json');
    const { keyId, token, secretHash } = await newApiKeyToken();
    const { cache, ...key } = await createApiKey(
      c.var.scope,
      {
        id: keyId,
        issuerId,
        actions: [...new Set(actions)],
        label: label ?? null,
        secretHash,
        expiresAt: expiresAt ? new Date(expiresAt) : null,
      },
      writerOf(c),
    );
    return c.json({ ...shown(key), token, version: key.version, cache }, 201, { 'cache-control': NO_STORE });
  })
  .openapi(routes.list, async (c) => {
    authorize(principalIn(c), 'manage-keys', null);
    const keys = await readApiKeyList(c.var.scope);
    return c.json({ keys: keys.map((key) => ({ ...shown(key), lastUsedAt: iso(key.lastUsedAt) })) }, 200, { 'cache-control': NO_STORE });
  })
  .openapi(routes.revoke, async (c) => {
    authorize(principalIn(c), 'manage-keys', null);
    const { cache, ...key } = await revokeApiKey(c.var.scope, c.req.valid('param').id, writerOf(c));
    return c.json({ ...shown(key), version: key.version, cache }, 200, { 'cache-control': NO_STORE });
  });
