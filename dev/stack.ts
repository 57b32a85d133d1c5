/**
 * @module The local stack: a Neon proxy and an Upstash endpoint over real Postgres and Redis
 * (or embedded stand-ins). `npm run stack` runs it alone; tests and `npm run dev` import it.
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, openPostgres, openRedis } from './backends.ts';
import { startMetricsCollector } from './metrics-collector.ts';
import { startNeonProxy } from './neon-proxy.ts';
import { startUpstashEndpoint } from './upstash-endpoint.ts';

export type LocalStackOptions = {
  databaseUrl?: string;
  redisUrl?: string;
  /** 0 picks a free port. */
  neonPort?: number;
  upstashPort?: number;
  /** The metrics collector (Analytics Engine's stand-in); 0 picks a free port. */
  metricsPort?: number;
  upstashToken?: string;
  /** Use PGlite and in-memory Redis even when the real servers answer. */
  embedded?: boolean;
  dbLatencyMs?: number;
  redisLatencyMs?: number;
  poolSize?: number;
};

export const LOCAL_UPSTASH_TOKEN = 'local-upstash-token';

export async function startLocalStack(options: LocalStackOptions = {}) {
  const postgres = await openPostgres(options.databaseUrl ?? DEFAULT_DATABASE_URL, options.embedded);
  const redis = await openRedis(options.redisUrl ?? DEFAULT_REDIS_URL, options.embedded);
  const neon = await startNeonProxy({
    backend: postgres,
    port: options.neonPort ?? 0,
    latencyMs: options.dbLatencyMs ?? 0,
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
  });
  const upstashToken = options.upstashToken ?? LOCAL_UPSTASH_TOKEN;
  const upstash = await startUpstashEndpoint({
    backend: redis,
    token: upstashToken,
    port: options.upstashPort ?? 0,
    latencyMs: options.redisLatencyMs ?? 0,
  });
  const metrics = await startMetricsCollector(options.metricsPort ?? 0);
  return {
    postgres,
    redis,
    neon,
    upstash,
    metrics,
    upstashToken,
    endpoints: { neonUrl: neon.url, upstashUrl: upstash.url, upstashToken, metricsUrl: metrics.url },
    describe: () =>
      `local Neon proxy ${neon.url} → ${postgres.kind === 'postgres' ? `Postgres ${postgres.host}:${postgres.port}` : 'embedded PGlite'}; ` +
      `local Upstash ${upstash.url} → ${redis.kind === 'redis' ? 'Redis server' : 'embedded in-memory Redis (ioredis-mock)'}; ` +
      `metrics collector ${metrics.url}`,
    async close() {
      await metrics.close();
      await neon.close();
      await upstash.close();
      await redis.close();
      await postgres.close();
    },
  };
}

/** Options from the environment, shared by every command that starts the stack. */
export function stackOptionsFromEnv(env = process.env): LocalStackOptions {
  const number = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return {
    databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    embedded: env.LOCAL_STACK_EMBEDDED === '1',
    dbLatencyMs: number('NEON_LATENCY_MS') ?? 0,
    redisLatencyMs: number('UPSTASH_LATENCY_MS') ?? 0,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const stack = await startLocalStack({
    ...stackOptionsFromEnv(),
    neonPort: Number(process.env.NEON_PORT ?? 4444),
    upstashPort: Number(process.env.UPSTASH_PORT ?? 8079),
  });
  console.log(stack.describe());
  const stop = async () => {
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
