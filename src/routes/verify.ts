/** @module Verification routes: GET one by id, POST anything a verifier holds, POST a batch. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env.ts';
import { bundleEtag, cacheTags } from '../cache/policy.ts';
import { isPublicId } from '../ids.ts';
import { notFound, Problem } from '../problem.ts';
import { verifyRateLimit } from '../rate-limit.ts';
import { batchBody, invalidBody, MAX_UPLOAD_BYTES, readVerifyRequest } from '../verify/input.ts';
import { verifyAssertions, verifyHosted } from '../verify/service.ts';
import { withCachePolicy } from './cache-policy.ts';
import { publicIdParam } from './params.ts';

const uploadLimit = bodyLimit({
  maxSize: MAX_UPLOAD_BYTES,
  onError: () => {
    throw new Problem(413, 'body_too_large', `Bodies are limited to ${MAX_UPLOAD_BYTES} bytes.`);
  },
});

export const verification = new Hono<AppEnv>()
  .get('/assertions/:id/verify', publicIdParam, (c) => {
    const id = c.req.param('id');
    return withCachePolicy('assertion', c.var.deps.config.ttl, cacheTags.assertion(id), async () => {
      const verified = await verifyHosted(c.var.scope, id);
      if (!verified) throw notFound('assertion');
      const { bundle, report } = verified;
      // The ETag ignores verifiedAt: the same records and outcome are the same answer.
      const response = Response.json(report, {
        headers: { 'cache-tag': cacheTags.bundle(bundle), etag: bundleEtag(bundle, report.status) },
      });
      return { response, changesAt: bundle.assertion.expires };
    });
  })
  .post('/verify', verifyRateLimit, uploadLimit, async (c) => {
    const request = await readVerifyRequest(c.req.raw, c.var.urls);
    const [report] = await verifyAssertions(c.var.scope, [request]);
    // The answer may depend on a recipient identity: no cache may keep it.
    c.header('cache-control', 'private, no-store');
    return c.json(report);
  })
  .post('/verify/batch', verifyRateLimit, uploadLimit, async (c) => {
    const parsed = batchBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw invalidBody(parsed.error);
    const { ids, recipient } = parsed.data;
    const malformed = ids.findIndex((id) => !isPublicId(id));
    if (malformed >= 0) throw new Problem(400, 'malformed_id', `ids.${malformed}: ids are 1-64 letters, digits, "-" or "_".`);
    const reports = await verifyAssertions(
      c.var.scope,
      ids.map((id) => ({ id, recipient })),
    );
    c.header('cache-control', 'private, no-store');
    return c.json({ results: reports });
  });
