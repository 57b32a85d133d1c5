/**
 * @module `npm run bench:ob3 [-- --n 200]`: CPU of OB 3.0 work on workerd, from the workerd
 * process's own CPU counters (/proc/<pid>/stat: user + system time), since a Worker cannot time
 * its own CPU (its clocks stop while it computes). Each figure is the process CPU of N
 * sequential requests of one kind divided by N, minus the same for `GET /health/live` (the cost
 * of a request that does nothing); the local stack runs in this process, not in workerd.
 * Writes bench/results/ob3-cpu.json and .md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, withPgClient } from '../dev/backends.ts';
import { localStackBindings } from '../dev/bindings.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startLocalStack } from '../dev/stack.ts';
import { serveBundle } from '../dev/workerd.ts';
import { ensureBenchDatabase } from './dataset.ts';

const { values: flags } = parseArgs({ options: { n: { type: 'string', default: '200' } } });
const N = Number(flags.n);
const DATABASE = 'badge_ob3';
const ADMIN_TOKEN = 'ob3-bench-admin-token';
const root = path.resolve(import.meta.dirname, '..');
const log = (line: string) => console.log(`[ob3-cpu] ${line}`);

const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const databaseUrl = await ensureBenchDatabase(adminUrl, DATABASE);
const stack = await startLocalStack({ databaseUrl, redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL });
await applyMigrations(databaseUrl);
await withPgClient(databaseUrl, (client) =>
  client.query('truncate assertions, badge_classes, issuer_keys, status_lists, issuers, cache_outbox'),
);
await stack.redis.call(['FLUSHDB']);

const served = await serveBundle(root, 'ob3cpu', (origin) =>
  localStackBindings(stack.endpoints, { publicBaseUrl: origin, database: DATABASE }, { ADMIN_TOKEN, RATE_LIMIT_VERIFY_PER_MINUTE: '0' }),
);
const { base } = served;
const { pid } = served;
const ticksPerMs = 100 / 1000; // USER_HZ = 100 on Linux
const cpuMs = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
};

const admin = async (route: string, body: unknown) => {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

log('seeding an issuer, a badge class and awards');
await admin('/admin/issuers', { id: 'ob3-issuer', name: 'OB3 Bench', url: 'https://issuer.example.org', email: 'b@issuer.example.org' });
await admin('/admin/badges', {
  id: 'ob3-badge',
  issuerId: 'ob3-issuer',
  name: 'Bench',
  description: 'CPU',
  criteria: { narrative: 'Run it.' },
  imageUrl: 'https://issuer.example.org/b.png',
});
const ids: string[] = [];
for (let from = 0; from < 2 * N + 10; from += 1000) {
  const batch = await admin('/admin/assertions/batch', {
    badgeId: 'ob3-badge',
    recipients: Array.from({ length: Math.min(1000, 2 * N + 10 - from) }, (_, i) => ({ identity: `r${from + i}@example.org` })),
  });
  ids.push(...(batch.assertions as Array<{ id: string }>).map((a) => a.id));
}
const get = async (route: string) => {
  const res = await fetch(`${base}${route}`);
  if (!res.ok) throw new Error(`${route}: ${res.status}`);
  return res.text();
};

/** Process CPU per request of `run(i)`, over N sequential requests, after 10 warm-up ones. */
async function perRequest(run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10; i++) await run(i);
  const before = cpuMs();
  for (let i = 0; i < N; i++) await run(i + 10);
  return (cpuMs() - before) / N;
}

const credentials: string[] = [];
const results: Record<string, number> = {};
results.noop = await perRequest(() => get('/health/live'));
// First reads sign (the credential is not kept yet); the second pass reads the kept ones.
results.signCredential = await perRequest(async (i) => credentials.push(await get(`/credentials/${ids[i]}`)));
results.cachedCredential = await perRequest((i) => get(`/credentials/${ids[i]}`));
const listPath = new URL(
  (JSON.parse(credentials[0]!) as { credentialStatus: { statusListCredential: string } }).credentialStatus.statusListCredential,
).pathname;
results.cachedStatusList = await perRequest(() => get(listPath));
// A cold list read builds and signs it (Redis key dropped before each).
results.coldStatusList = await perRequest(async () => {
  await stack.redis.call(['DEL', `v3:sl:ob3-issuer:0`]);
  return get(listPath);
});
results.verifyCredential = await perRequest(async (i) => {
  const res = await fetch(`${base}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"credential":${credentials[i % credentials.length]}}`,
  });
  const report = (await res.json()) as { valid: boolean };
  if (!report.valid) throw new Error('a bench credential did not verify');
});
await served.stop();
await stack.close();

const net = (ms: number) => Math.max(0, ms - results.noop!);
const summary = {
  requests: N,
  noopRequestMs: results.noop,
  signOneCredentialMs: net(results.signCredential!) - net(results.cachedCredential!),
  serveCachedCredentialMs: net(results.cachedCredential!),
  verifyOneCredentialMs: net(results.verifyCredential!),
  resignStatusListMs: net(results.coldStatusList!) - net(results.cachedStatusList!),
  serveCachedStatusListMs: net(results.cachedStatusList!),
  raw: results,
};
writeFileSync(path.join(root, 'bench/results/ob3-cpu.json'), `${JSON.stringify(summary, null, 2)}\n`);
const f = (ms: number) => `${ms.toFixed(2)} ms`;
const md = `# OB 3.0 CPU on workerd

\`npm run bench:ob3\`: workerd process CPU (user + system, /proc) per request over ${N} sequential requests, minus a \`GET /health/live\` request (${f(results.noop!)}). Includes JSON, HTTP and driver work in workerd.

| work | CPU per item |
| --- | ---: |
| sign one credential (first read minus a kept read) | ${f(summary.signOneCredentialMs)} |
| serve a kept credential (no signing) | ${f(summary.serveCachedCredentialMs)} |
| verify one credential of this deployment (\`POST /verify\`, list kept) | ${f(summary.verifyOneCredentialMs)} |
| re-sign a status list (cold read minus a kept read) | ${f(summary.resignStatusListMs)} |
| serve a kept status list (no signing) | ${f(summary.serveCachedStatusListMs)} |
`;
writeFileSync(path.join(root, 'bench/results/ob3-cpu.md'), md);
console.log(md);
