/**
 * Bench-only: the app as it was before the revocation list was exempted from body-hash ETags,
 * with Hono's `etag()` in front of every route. It reads the whole streamed list to hash it, so
 * it is the buffered read the streamed one is measured against.
 */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { app } from '../../src/app.ts';
import type { Bindings } from '../../src/platform/env.ts';

export default new Hono<{ Bindings: Bindings }>().use(etag()).all('*', (c) => app.fetch(c.req.raw, c.env, c.executionCtx));
