/**
 * @module The Worker's entrypoints. Workers Cache sits in front of `CachedApp` (the whole app);
 * `default`, not cached, only rewrites a GET's `Accept` to the one format the app will answer
 * with, so the cache, which compares `Vary` values verbatim, keeps at most three variants per
 * URL instead of one per browser's `Accept` string. Purges are scoped to the entrypoint that
 * sends them, so everything that purges (writes, the outbox drain) runs in `CachedApp`.
 */
import { WorkerEntrypoint } from 'cloudflare:workers';
import { app } from './app.ts';
import { edgePurgeFor } from './cache/purge.ts';
import { withCanonicalAccept } from './canonical-url.ts';
import { drainOutbox } from './data/outbox.ts';
import { newDataScope } from './data/scope.ts';
import { depsFor } from './deps.ts';
import type { Bindings } from './env.ts';

export class CachedApp extends WorkerEntrypoint<Bindings> {
  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(app.fetch(request, this.env, this.ctx));
  }

  /** Applies cache updates that committed writes could not apply themselves (RPC: never cached). */
  async drainOutbox(): Promise<void> {
    const deps = depsFor(this.env);
    const scope = newDataScope(deps, (work) => this.ctx.waitUntil(work), edgePurgeFor(this.ctx, deps.config.edgePurgeUrl));
    const { applied, done } = await drainOutbox(scope);
    if (applied || !done)
      console.log(`cache outbox: ${applied} applied${done ? '' : ', more waiting (Redis failing, or more than one run takes)'}`);
  }
}

type Entrypoints = { exports: { CachedApp: Pick<CachedApp, 'fetch' | 'drainOutbox'> } };

export default {
  fetch: (request, _env, ctx) => (ctx as ExecutionContext & Entrypoints).exports.CachedApp.fetch(withCanonicalAccept(request)),
  // The Cron Trigger (every minute).
  scheduled: async (_controller, _env, ctx) => {
    await (ctx as ExecutionContext & Entrypoints).exports.CachedApp.drainOutbox();
  },
} satisfies ExportedHandler<Bindings>;
