/** @module GET /openapi.json and GET /docs. */

import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { STATIC_CACHE_CONTROL } from '../cache/policy.ts';
import { openApiDocument } from '../openapi/document.ts';
import { DocsPage } from '../pages/docs-page.tsx';
import { htmlResponse } from '../pages/render.ts';

const ONE_HOUR = { 'cache-control': STATIC_CACHE_CONTROL };

// The document only depends on the public origin: built once per isolate.
const built = new Map<string, ReturnType<typeof openApiDocument>>();
function documentFor(base: string) {
  let doc = built.get(base);
  if (!doc) {
    doc = openApiDocument(base);
    built.set(base, doc);
  }
  return doc;
}

export const docs = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.json(documentFor(c.var.deps.config.publicBaseUrl), 200, ONE_HOUR))
  .get('/docs', (c) => {
    const base = c.var.deps.config.publicBaseUrl;
    return htmlResponse(<DocsPage doc={documentFor(base)} url={`${base}/docs`} />, 200, ONE_HOUR);
  });
