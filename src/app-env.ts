/** @module The Hono environment shared by every route: bindings in, dependencies on the context. */
import type { TimingVariables } from 'hono/timing';
import type { Deps } from './deps.ts';
import type { Bindings } from './env.ts';

export type AppEnv = {
  Bindings: Bindings;
  Variables: TimingVariables & { deps: Deps };
};
