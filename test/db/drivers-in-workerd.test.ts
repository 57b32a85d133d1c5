/** The real Neon and Upstash clients inside workerd, against the local stack. */

import { env } from 'cloudflare:workers';
import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import { Redis } from '@upstash/redis/cloudflare';
import { describe, expect, it } from 'vitest';
import { neonStats, resetStats } from '../stack.ts';

describe('Neon driver in workerd', () => {
  it('runs an HTTP query as one request and one statement', async () => {
    neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT!;
    await resetStats();
    const sql = neon(env.DATABASE_URL);
    const [row] = await sql`select ${'日本 ✓'}::text as text, 42::int4 as n, '{"ok":true}'::jsonb as doc`;
    expect(row).toEqual({ text: '日本 ✓', n: 42, doc: { ok: true } });
    expect(await neonStats()).toMatchObject({ httpRequests: 1, statements: 1 });
  });

  it('runs an interactive transaction over the WebSocket bridge within one request', async () => {
    neonConfig.wsProxy = (host, port) => `127.0.0.1:${env.STACK_NEON_PORT}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    const pool = new Pool({ connectionString: env.DATABASE_URL });
    const errors: unknown[] = [];
    pool.on('error', (e: Error) => errors.push(e));
    const client = await pool.connect();
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT $1::text AS v', ['in a transaction']);
    await client.query('ROLLBACK');
    client.release();
    await pool.end();
    expect(rows).toEqual([{ v: 'in a transaction' }]);
    expect(errors).toEqual([]);
  });
});

describe('Upstash client in workerd', () => {
  const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, enableAutoPipelining: false });
  const key = `test:${crypto.randomUUID()}`;

  it('stores and reads back non-ASCII JSON with an expiry', async () => {
    await redis.set(key, { name: 'Café ✓ 🎓' }, { ex: 30 });
    expect(await redis.get(key)).toEqual({ name: 'Café ✓ 🎓' });
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    await redis.del(key);
  });
});
