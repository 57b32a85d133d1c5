/** @module The Hono app: middleware, routes (each its own OpenAPI operation), the generated reference, and one error path (problem+json). */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { timing } from 'hono/timing';
import type { AppEnv } from './http/app-env.ts';
import { adminEnabled, adminToken, bearerScheme, idempotencyKey } from './http/middleware/admin-auth.ts';
import { canonicalUrl } from './http/middleware/canonical-url.ts';
import { notFoundOrNotAllowed } from './http/middleware/method-not-allowed.ts';
import { requestMetrics } from './http/middleware/request-metrics.ts';
import { requestScope } from './http/middleware/request-scope.ts';
import { renderProblem } from './http/problem.ts';
import { admin } from './routes/admin.ts';
import { adminStatus } from './routes/admin-status.ts';
import { apiKeys } from './routes/api-keys.ts';
import { audit } from './routes/audit.ts';
import { credentials } from './routes/credentials.tsx';
import { docs } from './routes/docs.tsx';
import { documents } from './routes/documents.tsx';
import { earner } from './routes/earner.tsx';
import { exchanges } from './routes/exchanges.tsx';
import { health } from './routes/health.ts';
import { images } from './routes/images.ts';
import { pages } from './routes/pages.tsx';
import { bodyOfType, limitBody } from './routes/router.ts';
import { verification } from './routes/verify.ts';

export const app = new OpenAPIHono<AppEnv>();

// First: its log line and metrics point see every answer (redirects, errors, early refusals).
app.use(requestMetrics);
app.use(timing({ totalDescription: 'worker' }));
// Before anything cacheable: one URL per resource, so no second cache entry can outlive a purge.
app.use(canonicalUrl);
// Verifiers embed the public API anywhere; admin routes answer no cross-origin request.
const publicCors = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
  allowHeaders: ['content-type', 'if-none-match'],
  exposeHeaders: ['etag', 'server-timing', 'x-cache', 'retry-after', 'request-id'],
  maxAge: 86_400,
});
app.use((c, next) => (c.req.path.startsWith('/admin') ? next() : publicCors(c, next)));
// 304 for a matching If-None-Match. Record answers bring ETags from their versions; other 2xx
// GETs get a hash of their body, except the revocation list, which streams (hashing would buffer it).
// A 304 keeps the image sandbox headers too: a cache may take them from the revalidation.
const etags = etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'content-security-policy', 'x-content-type-options'] });
app.use((c, next) => (c.req.path.endsWith('/revocations') ? next() : etags(c, next)));
app.use(requestScope);
// Every admin route: the root token or an issuer's API key, a bounded JSON body, an optional Idempotency-Key.
app.use('/admin/*', adminEnabled, bearerScheme, adminToken, limitBody(2 * 1024 * 1024), bodyOfType('application/json'), idempotencyKey);

app.route('/', health);
app.route('/', documents);
app.route('/', images);
app.route('/', verification);
app.route('/', pages);
app.route('/', credentials);
app.route('/', exchanges);
app.route('/', earner);
app.route('/', admin);
app.route('/', apiKeys);
app.route('/', audit);
app.route('/', adminStatus);

app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'The root ADMIN_TOKEN, or an API key `bv_<keyId>_<secret>` of one issuer (or of every issuer)',
});

/** What every GET can answer besides its own responses: the canonical-URL redirect and revalidation. */
function withGetResponses(document: ReturnType<typeof app.getOpenAPI31Document>) {
  for (const item of Object.values(document.paths ?? {})) {
    const responses = item.get?.responses;
    if (!responses) continue;
    responses['301'] ??= {
      description: 'Another spelling of this URL (a query string, percent-encoding, a trailing slash): its one canonical URL',
    };
    responses['304'] ??= { description: 'Not modified: If-None-Match matched the ETag' };
  }
}

/** The OpenAPI document of every route above, for one public origin: generated once per isolate. */
const generated = new Map<string, ReturnType<typeof app.getOpenAPI31Document>>();
export function apiDocument(publicBaseUrl: string) {
  let document = generated.get(publicBaseUrl);
  if (!document) {
    document = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Badge verification API',
        version: '1.0.0',
        description: 'Open Badges 2.0 hosted documents and verification, on the edge.',
      },
      servers: [{ url: publicBaseUrl }],
    });
    withGetResponses(document);
    generated.set(publicBaseUrl, document);
  }
  return document;
}
app.route('/', docs(apiDocument));

app.notFound((c) => notFoundOrNotAllowed(app, c.req.method, c.req.path));
app.onError(renderProblem);
