import type { Bindings } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../src/index.ts');
    }
    interface Env extends Bindings {
      /** Test-only: the local stack's control and stats endpoints. */
      STACK_NEON_URL: string;
      STACK_NEON_PORT: string;
      STACK_UPSTASH_URL: string;
      STACK_BACKENDS: string;
    }
  }
}
