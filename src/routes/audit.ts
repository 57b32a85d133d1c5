/** @module The audit trail of admin writes, newest first, a page at a time; an issuer's key sees its issuer's rows only. */
import { createRoute, z } from '@hono/zod-openapi';
import { issuerScopeOf } from '../access/principal.ts';
import { readAuditPage } from '../data/read/api-keys.ts';
import { NO_STORE } from '../edge/headers.ts';
import { principalIn } from '../http/middleware/admin-auth.ts';
import { DomainError } from '../lib/errors.ts';
import { adminOperation, adminProblems, json } from './admin.ts';
import { newRouter } from './router.ts';
import { publicId } from './schemas.ts';

const PAGE = 100;

const query = z.object({
  issuer: publicId.optional().openapi({ description: "only this issuer's records (a key of one issuer sees only its own)" }),
  before: z.coerce.number().int().positive().optional().openapi({ description: 'the `next` of the previous page' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE)
    .optional()
    .openapi({ description: `rows per page, at most ${PAGE}` }),
});

const row = z
  .object({
    id: z.number().int(),
    at: z.string(),
    principal: z.string().describe('`root` or `key:{id}`'),
    action: z.string().describe('issuer.create, issuer.edit, issuer.rotate-key, badge.create, badge.edit, assertion.issue, …'),
    recordKind: z.string(),
    recordIds: z.array(z.string()),
    issuerIds: z.array(z.string()),
  })
  .openapi('AuditRow');

const route = createRoute({
  ...adminOperation,
  method: 'get',
  path: '/admin/audit',
  summary: 'The audit trail: who made each admin write, what, to which records, when (newest first)',
  request: { query },
  responses: {
    200: {
      description: 'A page of the trail; `next` pages on',
      content: json(z.object({ rows: z.array(row), next: z.number().int().nullable() })),
    },
    ...adminProblems,
  },
});

export const audit = newRouter().openapi(route, async (c) => {
  const { issuer, before, limit = PAGE } = c.req.valid('query');
  const own = issuerScopeOf(principalIn(c));
  if (own && issuer && issuer !== own)
    throw new DomainError('forbidden', 'other_issuer', "This API key acts for another issuer's records.");
  const rows = await readAuditPage(c.var.scope, own ?? issuer, before, limit);
  return c.json(
    {
      rows: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
      next: rows.length === limit ? rows[rows.length - 1]!.id : null,
    },
    200,
    { 'cache-control': NO_STORE },
  );
});
