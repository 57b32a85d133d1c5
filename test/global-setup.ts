/**
 * Starts the local stack once for the whole run (real Postgres and Redis when they answer,
 * embedded ones otherwise; LOCAL_STACK_EMBEDDED=1 forces those), applies the migrations the
 * app ships, and hands the ports to the tests.
 */
import type { TestProject } from 'vitest/node';
import { startHostileOrigin } from '../dev/hostile-origin.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startRemoteIssuers } from '../dev/remote-issuers/server.ts';
import { stackOptionsFromEnv, startLocalStack } from '../dev/stack.ts';

export default async function setup(project: TestProject) {
  const stack = await startLocalStack(stackOptionsFromEnv());
  await applyMigrations(stack.postgres.url);
  console.log(`[local stack] ${stack.describe()}`);
  // Other issuers' hosts, and one that misbehaves, reached through REMOTE_FETCH_HOSTS.
  const [issuers, hostile] = await Promise.all([startRemoteIssuers(), startHostileOrigin()]);
  project.provide('stack', {
    neonUrl: stack.neon.url,
    neonPort: stack.neon.port,
    upstashUrl: stack.upstash.url,
    upstashToken: stack.upstashToken,
    metricsUrl: stack.metrics.url,
    postgresUrl: stack.postgres.url,
    postgresKind: stack.postgres.kind,
    redisKind: stack.redis.kind,
  });
  project.provide('remote', {
    hostMap: `${issuers.hostMap},${hostile.host}=${hostile.origin}`,
    controlUrl: issuers.controlUrl,
    hostileHost: hostile.host,
    hostileOrigin: hostile.origin,
  });
  return async () => {
    await Promise.all([issuers.close(), hostile.close()]);
    await stack.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: {
      neonUrl: string;
      neonPort: number;
      upstashUrl: string;
      upstashToken: string;
      /** The metrics collector (Analytics Engine's local stand-in). */
      metricsUrl: string;
      postgresUrl: string;
      postgresKind: 'postgres' | 'pglite';
      redisKind: 'redis' | 'memory';
    };
    /** REMOTE_FETCH_HOSTS for the Worker; the fixtures' control endpoint (cases, actions); the misbehaving host. */
    remote: { hostMap: string; controlUrl: string; hostileHost: string; hostileOrigin: string };
  }
}
