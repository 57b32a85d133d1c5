/**
 * The access pattern this project replaces, kept only as a benchmark baseline: a new database
 * connection per request (a WebSocket Pool), three sequential queries (assertion, then badge
 * class, then issuer) and no cache at all.
 */
import { neonConfig, Pool } from '@neondatabase/serverless';

type Env = { DATABASE_URL: string; NEON_PROXY_HOST: string };

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const match = /^\/assertions\/([A-Za-z0-9_-]{1,64})\/verify$/.exec(new URL(request.url).pathname);
    if (!match) return new Response('not found', { status: 404 });
    neonConfig.wsProxy = (host, port) => `${env.NEON_PROXY_HOST}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    const pool = new Pool({ connectionString: env.DATABASE_URL });
    pool.on('error', () => {});
    try {
      const assertion = (await pool.query('select * from assertions where id = $1', [match[1]])).rows[0];
      if (!assertion) return new Response('not found', { status: 404 });
      const badge = (await pool.query('select * from badge_classes where id = $1', [assertion.badge_class_id])).rows[0];
      const issuer = (await pool.query('select * from issuers where id = $1', [badge.issuer_id])).rows[0];
      const now = Date.now();
      const valid = !assertion.revoked_at && (!assertion.expires || new Date(assertion.expires).getTime() > now);
      return Response.json({ valid, status: valid ? 'valid' : 'invalid', badge: { name: badge.name }, issuer: { name: issuer.name } });
    } finally {
      ctx.waitUntil(pool.end());
    }
  },
};
