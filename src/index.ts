/**
 * @module The Worker's entrypoints. Workers Cache sits in front of `CachedApp` (the whole app);
 * `default`, not cached, only rewrites a GET's `Accept` to the one format the app will answer
 * with, so the cache, which compares `Vary` values verbatim, keeps at most three variants per
 * URL instead of one per browser's `Accept` string. Purges are scoped to the entrypoint that
 * sends them, so everything that purges (writes, the outbox drain) runs in `CachedApp`.
 *
 * `default` also takes a request's body before handing it on: no route accepts more than
 * `MAX_REQUEST_BODY_BYTES`, so a larger one (by `Content-Length`, or counted while it arrives)
 * is answered 413 here and never forwarded, and a smaller one is read whole and handed on as
 * bytes. A body streamed on to `CachedApp` would still be pumped after an early answer there (401,
 * 413), which workerd refuses with an uncaught "Can't read from request stream after response has
 * been sent".
 */
import { WorkerEntrypoint } from 'cloudflare:workers';
import { app } from './app.ts';
import { newCacheTrace, newDataScope } from './data/scope.ts';
import { drainOutbox } from './data/write/outbox.ts';
import { forgetIdempotencyKeys } from './data/write/records.ts';
import { newQueryMeter } from './db/meter.ts';
import { countedPurge, edgePurgeFor } from './edge/purge.ts';
import { withCanonicalAccept } from './http/middleware/canonical-url.ts';
import { problemResponse } from './http/problem.ts';
import { reportDrain } from './metrics/drain.ts';
import { notePurgeError } from './metrics/ops-state.ts';
import { depsFor } from './platform/deps.ts';
import type { Bindings } from './platform/env.ts';
import { MAX_UPLOAD_BYTES } from './routes/verify.ts';

/** The largest body any route takes (uploads to POST /verify; admin bodies have the same limit). */
const MAX_REQUEST_BODY_BYTES = MAX_UPLOAD_BYTES;
/**
 * How much of a refused body is still read and dropped before the 413, so that a client still
 * sending it (one without `Expect: 100-continue`: browsers, most libraries) reads the answer
 * instead of a reset. Past this the body is cancelled unread. Cloudflare refuses bodies over
 * 100 MB (its smallest plan limit) at the edge, so there this bound is never reached.
 */
const DRAIN_BYTES = 100 * 1024 * 1024;

export class CachedApp extends WorkerEntrypoint<Bindings> {
  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(app.fetch(request, this.env, this.ctx));
  }

  /** Applies cache updates that committed writes could not apply themselves (RPC: never cached). */
  async drainOutbox(): Promise<void> {
    const deps = depsFor(this.env);
    const startedAt = performance.now();
    // The run and everything it starts count in one place, for its metrics point.
    const after = { meter: newQueryMeter(), cache: newCacheTrace() };
    const redis = deps.redisClient;
    const purge = countedPurge(edgePurgeFor(this.ctx, deps.config.edgePurgeUrl), after.cache, (tags) => {
      if (redis)
        this.ctx.waitUntil(notePurgeError(redis, { at: new Date().toISOString(), by: 'drain', tags, reason: 'refused' }).catch(() => {}));
    });
    const scope = newDataScope(deps, (work) => this.ctx.waitUntil(work), purge, { after });
    const { applied, done } = await drainOutbox(scope);
    if (applied || !done)
      console.log(`cache outbox: ${applied} applied${done ? '' : ', more waiting (Redis failing, or more than one run takes)'}`);
    await reportDrain(scope, { applied, done, startedAt }, redis, deps.metrics);
  }

  /** Forgets the Idempotency-Keys of writes older than a day (RPC). */
  async forgetIdempotencyKeys(): Promise<void> {
    const deps = depsFor(this.env);
    await forgetIdempotencyKeys(newDataScope(deps, (work) => this.ctx.waitUntil(work)));
  }
}

type Entrypoints = { exports: { CachedApp: Pick<CachedApp, 'fetch' | 'drainOutbox' | 'forgetIdempotencyKeys'> } };

function tooLarge(request: Request): Response {
  const response = problemResponse(413, 'body_too_large', `Bodies are limited to ${MAX_REQUEST_BODY_BYTES} bytes.`);
  // The public routes' CORS (app.ts): a browser's cross-origin upload must be able to read its 413.
  if (!new URL(request.url).pathname.startsWith('/admin')) response.headers.set('access-control-allow-origin', '*');
  return response;
}

/**
 * Reads go into a caller's buffer (BYOB) of up to this many bytes: a default reader gets workerd's
 * request bodies in 4 KiB chunks, at about 8 ms of CPU per MB; reads of 1 MiB cost under 0.5 ms per MB.
 */
const READ_BYTES = 1024 * 1024;

/** Reads `reader` to its end, dropping the bytes, unless more than `budget` bytes remain: then it is cancelled. */
async function drain(reader: ReadableStreamBYOBReader, budget: number): Promise<void> {
  try {
    let scratch = new Uint8Array(READ_BYTES);
    for (let left = budget; left >= 0; ) {
      const { done, value } = await reader.read(scratch);
      if (done || !value) return;
      left -= value.byteLength;
      scratch = new Uint8Array(value.buffer);
    }
    await reader.cancel();
  } catch {
    // the client went away: nothing is left to read
  }
}

/**
 * The body's bytes, or `undefined` once more than `MAX_REQUEST_BODY_BYTES` arrive (the rest is then
 * drained, up to `DRAIN_BYTES`). `declared` is its Content-Length, when it has one.
 */
async function readBody(body: ReadableStream<Uint8Array>, declared: number): Promise<Uint8Array | undefined> {
  const reader = body.getReader({ mode: 'byob' });
  if (declared > MAX_REQUEST_BODY_BYTES) {
    await drain(reader, declared <= DRAIN_BYTES ? declared : -1);
    return undefined;
  }
  // Room for one byte past what is declared (or allowed), so that a longer body is noticed.
  const most = MAX_REQUEST_BODY_BYTES + 1;
  let buffer = new Uint8Array(Number.isFinite(declared) ? declared + 1 : Math.min(most, 64 * 1024));
  let size = 0;
  for (;;) {
    if (size === buffer.byteLength) {
      const grown = new Uint8Array(Math.min(most, size * 2));
      grown.set(buffer);
      buffer = grown;
    }
    const { done, value } = await reader.read(new Uint8Array(buffer.buffer, size, Math.min(READ_BYTES, buffer.byteLength - size)));
    if (!value) throw new Error('request body cancelled while read');
    // A BYOB read hands the buffer back in `value` (the one passed in is detached).
    buffer = new Uint8Array(value.buffer);
    if (done) return buffer.subarray(0, size);
    size += value.byteLength;
    if (size > MAX_REQUEST_BODY_BYTES) {
      await drain(reader, DRAIN_BYTES - size);
      return undefined;
    }
  }
}

/** The request with its body read whole, or the answer that refuses it (413; 400 for a body that broke off). */
async function withBodyRead(request: Request): Promise<Request | Response> {
  if (request.body === null) return request;
  let body: Uint8Array | undefined;
  try {
    body = await readBody(request.body, Number(request.headers.get('content-length') ?? Number.NaN));
  } catch {
    return problemResponse(400, 'invalid_body', 'The request body broke off before its end.');
  }
  return body === undefined ? tooLarge(request) : new Request(request, { body });
}

export default {
  fetch: async (request, _env, ctx) => {
    const read = await withBodyRead(request);
    if (read instanceof Response) return read;
    return (ctx as ExecutionContext & Entrypoints).exports.CachedApp.fetch(withCanonicalAccept(read));
  },
  // The Cron Trigger (every minute).
  scheduled: async (_controller, _env, ctx) => {
    const { CachedApp } = (ctx as ExecutionContext & Entrypoints).exports;
    await Promise.all([CachedApp.drainOutbox(), CachedApp.forgetIdempotencyKeys()]);
  },
} satisfies ExportedHandler<Bindings>;
