import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { localStackBindings } from './dev/bindings.ts';

/** Test-only bindings and the admin token; everything else comes from wrangler.toml. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // Tests read the local stack's global counters, so files run one at a time.
    fileParallelism: false,
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => {
            const stack = inject('stack');
            const remote = inject('remote');
            return {
              main: './src/index.ts',
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: localStackBindings(
                  stack,
                  { publicBaseUrl: 'https://badges.test' },
                  {
                    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
                    // Tests share one client address; the rate-limit tests set their own small limits.
                    RATE_LIMIT_VERIFY_PER_MINUTE: '100000',
                    RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '100000',
                    // The local stack shares vitest's Node event loop, which stalls (100–700 ms measured, about
                    // once per test file, on both stacks) and holds Redis replies past the production budget of
                    // 150 ms. Tests of Redis timeouts set their own REDIS_TIMEOUT_MS.
                    REDIS_TIMEOUT_MS: '2000',
                    STACK_NEON_URL: stack.neonUrl,
                    STACK_NEON_PORT: String(stack.neonPort),
                    STACK_UPSTASH_URL: stack.upstashUrl,
                    STACK_METRICS_URL: stack.metricsUrl,
                    STACK_BACKENDS: `${stack.postgresKind}+${stack.redisKind}`,
                    REMOTE_FETCH_HOSTS: remote.hostMap,
                    REMOTE_CONTROL_URL: remote.controlUrl,
                    REMOTE_HOSTILE_HOST: remote.hostileHost,
                  },
                ),
              },
            };
          }),
        ],
        test: { name: 'worker', testTimeout: 30_000, include: ['test/**/*.test.ts'], exclude: ['test/dev/**', 'test/contract/**'] },
      },
      {
        // One file at a time: the browser and contract tests share (and re-seed) the demo records.
        test: {
          name: 'node',
          include: ['test/dev/**/*.test.ts', 'test/contract/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
