/**
 * @module `npm run dev`: the local stack, migrations, demo data, `wrangler dev` offline, and
 * the Workers Cache stand-in in front of it on PORT (wrangler listens on PORT + 1), in one
 * command. Ctrl-C stops every child.
 */

import { spawn } from 'node:child_process';
import { localStackBindings } from './bindings.ts';
import { canonicalAccept } from './front-entrypoint.ts';
import { applyMigrations } from './migrate.ts';
import { startRemoteIssuers } from './remote-issuers/server.ts';
import { forgetCachedDemoRecords, seedDemoData } from './seed.ts';
import { stackOptionsFromEnv, startLocalStack } from './stack.ts';
import { startWorkersCache } from './workers-cache.ts';

const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
/** wrangler dev behind the cache stand-in: requests reach it only on a cache miss. */
const workerPort = port + 1;
export const DEV_ADMIN_TOKEN = 'dev-admin-token';

const stack = await startLocalStack({
  ...stackOptionsFromEnv(),
  neonPort: Number(process.env.NEON_PORT ?? 4444),
  upstashPort: Number(process.env.UPSTASH_PORT ?? 8079),
});
console.log(`[dev] ${stack.describe()}`);
await applyMigrations(stack.postgres.url);
await seedDemoData(stack.postgres.url);
await forgetCachedDemoRecords((command) => stack.redis.call(command));
console.log('[dev] migrations applied, demo data seeded');
// Made-up issuers on made-up hosts: the Worker's https://host/… fetches go to their local ports.
const remote = await startRemoteIssuers();
const remoteDemo = remote.cases
  .filter((c) => c.expect === 'valid')
  .sort((a, b) => JSON.stringify(a.body).length - JSON.stringify(b.body).length)[0];

const vars = localStackBindings(
  stack.endpoints,
  { publicBaseUrl: base },
  {
    ADMIN_TOKEN: DEV_ADMIN_TOKEN,
    WORKERS_CACHE_PURGE_URL: `${base}/__purge`,
    REMOTE_FETCH_HOSTS: [process.env.REMOTE_FETCH_HOSTS, remote.hostMap].filter(Boolean).join(','),
  },
);
const edge = await startWorkersCache({ origin: `http://127.0.0.1:${workerPort}`, port, frontEntrypoint: canonicalAccept });
const wrangler = spawn(
  process.execPath,
  [
    'node_modules/wrangler/bin/wrangler.js',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(workerPort),
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    detached: true,
  },
);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // wrangler runs workerd as its own child: signal the whole group.
  if (wrangler.pid && wrangler.exitCode === null) process.kill(-wrangler.pid, 'SIGTERM');
  await edge.close();
  await remote.close();
  await stack.close();
  process.exit(code);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
wrangler.on('exit', (code) => stop(code ?? 1));

for (let attempt = 0; attempt < 120; attempt++) {
  const ok = await fetch(`${base}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) {
    console.log(`
[dev] ready on ${base}
  health          ${base}/health
  assertion       ${base}/assertions/demo-valid
  verification    ${base}/assertions/demo-valid/verify
  expired         ${base}/assertions/demo-expired/verify
  revoked         ${base}/assertions/demo-revoked
  badge / issuer  ${base}/badges/demo-badge  ${base}/issuers/demo-issuer
  in a browser    ${base}/assertions/demo-valid   (the same URL serves a page to browsers)
  upload page     ${base}/verify
  API reference   ${base}/docs   ${base}/openapi.json
  admin token     ${DEV_ADMIN_TOKEN}   (dev only)
  remote issuer   curl -s ${base}/verify -H 'content-type: application/json' -d '${JSON.stringify(remoteDemo?.body)}'   (every case: ${remote.controlUrl}/cases)
  stack stats     ${stack.neon.url}/__stats  ${stack.upstash.url}/__stats  ${base}/__stats (edge cache)
  metrics         ${stack.metrics.url}/__stats  ${stack.metrics.url}/__points   (what Analytics Engine gets in production)
  (responses carry cf-cache-status from the local Workers Cache; the Worker itself is on port ${workerPort})
`);
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}
