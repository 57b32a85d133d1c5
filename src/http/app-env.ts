/** @module The Hono environment shared by every route: bindings in, request-scoped helpers on the context. */
import type { TimingVariables } from 'hono/timing';
import type { Principal } from '../access/principal.ts';
import type { DataScope } from '../data/scope.ts';
import type { IdempotencyClaim } from '../db/writes.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { Deps } from '../platform/deps.ts';
import type { Bindings } from '../platform/env.ts';

/** Work handed to `waitUntil` for a request, kept so its metrics can wait for it (`middleware/request-metrics.ts`). */
export type BackgroundWork = {
  waitUntil(work: Promise<unknown>): void;
  /** Resolves once every piece of work, and the work it started, has settled. */
  settled(): Promise<void>;
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: TimingVariables & {
    deps: Deps;
    /** What data access needs from this request (and the meter that counts its queries). */
    scope: DataScope;
    urls: PublicUrls;
    /** How a cached answer's 404 is cached: set by `withCachePolicy`, applied by the error path. */
    notFoundHeaders?: Record<string, string>;
    /** Who sent an admin request (set by its authentication). */
    principal?: Principal;
    /** An admin write's `Idempotency-Key`, with who sent it and a hash of the request. */
    idempotency?: IdempotencyClaim | undefined;
    background?: BackgroundWork;
  };
};
