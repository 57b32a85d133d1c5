/**
 * @module Who an admin request comes from: the root ADMIN_TOKEN or an issuer's API key, as a
 * bearer token (RFC 6750), compared in constant time and limited per address on failure (keys
 * and the root token alike). The principal is on the context for the routes to authorize, and
 * names the writer in the audit trail and in `Idempotency-Key`s.
 */
import type { Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { type Principal, principalName, principalOf } from '../../access/principal.ts';
import type { Writer } from '../../db/writes.ts';
import type { AppEnv } from '../app-env.ts';
import { Problem } from '../problem.ts';
import { checkAdminToken } from './rate-limit.ts';

/** Without a configured token the admin routes are closed (503), never open. */
export const adminEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.deps.config.adminToken) throw new Problem(503, 'admin_disabled', 'Admin routes are disabled: ADMIN_TOKEN is not configured.');
  await next();
});

/** A credential of another scheme (Basic, say) is no bearer token: 401 with the challenge (RFC 6750), not hono's 400. */
export const bearerScheme = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  if (header !== undefined && !/^Bearer +\S/i.test(header)) {
    throw new Problem(401, 'unauthorized', 'Admin routes take `Authorization: Bearer <token>`.', {
      'www-authenticate': 'Bearer realm="admin"',
    });
  }
  await next();
});

/** The root token or a live API key; the token itself is never logged. A failure counts against the address. */
export const adminToken = bearerAuth({
  verifyToken: (token, c) => {
    const context = c as Context<AppEnv>;
    return checkAdminToken(context, async () => {
      const principal = await principalOf(context.var.scope, token, context.var.deps.config.adminToken!);
      if (principal) context.set('principal', principal);
      return principal !== undefined;
    });
  },
});

/** Printable ASCII, as most clients send a key (a UUID); a structured-field string's quotes are dropped. */
const IDEMPOTENCY_KEY = /^"?([\x21\x23-\x7e]{1,255})"?$/;

const sha256Hex = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

/**
 * `Idempotency-Key` on any admin write: the write records the key in its own statement, so a
 * retry (after a lost reply, say) writes nothing and gets the first answer, marked
 * `Idempotent-Replayed: true`. The same key with another method, path or body is a 422. Keys
 * are the principal's own: two API keys never share one.
 */
export const idempotencyKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('idempotency-key');
  if (header !== undefined) {
    const key = IDEMPOTENCY_KEY.exec(header.trim())?.[1];
    if (!key) throw new Problem(400, 'invalid_idempotency_key', 'Idempotency-Key takes 1–255 printable ASCII characters.');
    const requestHash = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${await c.req.text()}`);
    c.set('idempotency', { principal: principalName(principalIn(c)), key, requestHash });
  }
  await next();
  if (c.var.scope.replayed) c.res.headers.set('idempotent-replayed', 'true');
});

/** The authenticated principal (the admin middleware ran). */
export function principalIn(c: Context<AppEnv>): Principal {
  const { principal } = c.var;
  if (!principal) throw new Error('admin route without its authentication middleware');
  return principal;
}

/** Who writes, for the write's audit row and idempotency key. */
export const writerOf = (c: Context<AppEnv>): Writer => ({ principal: principalName(principalIn(c)), claim: c.var.idempotency });
