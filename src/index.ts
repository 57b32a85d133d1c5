/** @module The Worker: the Hono app for requests, and the Cron Trigger that drains the cache outbox. */
import { app } from './app.ts';
import { edgePurgeFor } from './cache/purge.ts';
import { drainOutbox } from './data/outbox.ts';
import { newDataScope } from './data/scope.ts';
import { depsFor } from './deps.ts';
import type { Bindings } from './env.ts';

/** The Cron Trigger (every minute): applies cache updates that committed writes could not apply themselves. */
async function scheduled(_controller: ScheduledController, bindings: Bindings, ctx: ExecutionContext): Promise<void> {
  const deps = depsFor(bindings);
  const scope = newDataScope(deps, (work) => ctx.waitUntil(work), edgePurgeFor(ctx, deps.config.edgePurgeUrl));
  const { applied, done } = await drainOutbox(scope);
  if (applied || !done) console.log(`cache outbox: ${applied} applied${done ? '' : ', more waiting (Redis failing, or more than one run takes)'}`);
}

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Bindings>;
