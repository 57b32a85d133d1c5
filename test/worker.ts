/**
 * The Worker as a test calls it: `worker(overrides)` is one "isolate" with its own bindings (so
 * its own L1, in-flight loads and configuration; Redis and the database are shared, as in
 * production); every fetch returns the response and a promise for its background work.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { app } from '../src/app.ts';
import { CachedApp } from '../src/index.ts';
import { BASE } from './fixtures.ts';

export const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

export function worker(overrides: Partial<Cloudflare.Env> = {}) {
  const bindings = { ...env, ...overrides };
  async function fetch(path: string, init?: RequestInit) {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`${BASE}${path}`, init), bindings, ctx);
    return { response, settled: waitOnExecutionContext(ctx) };
  }
  return {
    bindings,
    fetch,
    /** GET, waiting for the background work too. */
    async get(path: string, headers: Record<string, string> = {}) {
      const { response, settled } = await fetch(path, { headers });
      await settled;
      return response;
    },
    /** One run of the Cron Trigger (the cache outbox drain) in this isolate, background work included. */
    async scheduled() {
      const ctx = createExecutionContext();
      // What the Cron Trigger calls, in this isolate's configuration.
      const cron = new CachedApp(ctx, bindings);
      await Promise.all([cron.drainOutbox(), cron.forgetIdempotencyKeys()]);
      await waitOnExecutionContext(ctx);
    },
    async admin(method: string, path: string, body: unknown) {
      const { response, settled } = await fetch(path, {
        method,
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await settled;
      return response;
    },
  };
}
