/** @module GET /openapi.json and GET /docs, from the document the routes generate. */

import { OpenAPIHono } from '@hono/zod-openapi';
import { STATIC_CACHE_CONTROL } from '../edge/headers.ts';
import type { AppEnv } from '../http/app-env.ts';
import { type ApiDocument, DocsPage } from '../pages/docs-page.tsx';
import { htmlResponse } from '../pages/render.ts';

const ONE_HOUR = { 'cache-control': STATIC_CACHE_CONTROL };

/** The reference routes over `documentFor`, which builds the document for a public origin (they are not part of it). */
export function docs(documentFor: (publicBaseUrl: string) => ApiDocument) {
  const router = new OpenAPIHono<AppEnv>();
  router.get('/openapi.json', (c) => c.json(documentFor(c.var.deps.config.publicBaseUrl), 200, ONE_HOUR));
  router.get('/docs', (c) => {
    const base = c.var.deps.config.publicBaseUrl;
    return htmlResponse(<DocsPage doc={documentFor(base)} url={`${base}/docs`} />, 200, ONE_HOUR);
  });
  return router;
}
