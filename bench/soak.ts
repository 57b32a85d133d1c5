/**
 * @module `npm run soak [-- --seconds 60]`: mixed load against the production bundle on bare
 * workerd and the local stack (95 % reads over many assertions, 5 % revokes and badge edits),
 * then a report: answers by status (no 5xx allowed), the worst staleness observed after a
 * revoke against the freshness contract, and the isolate's L1 size against its bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, freePort } from '../dev/backends.ts';
import { localStackBindings } from '../dev/bindings.ts';
import { bundleWorker } from '../dev/bundle.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startLocalStack } from '../dev/stack.ts';
import { startWorkerd } from '../dev/workerd.ts';
import { BENCH_DATABASE, benchId, ensureBenchDatabase, seedAssertions } from './dataset.ts';

const { values: flags } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, concurrency: { type: 'string', default: '8' } },
});
const SECONDS = Number(flags.seconds);
const CONCURRENCY = Number(flags.concurrency);
const ASSERTIONS = 5_000;
// Small on purpose: 5,000 assertions cannot fit, so the LRU must evict under load.
const L1_MAX_ENTRIES = 200;
const L1_MAX_BYTES = 128 * 1024;
const ADMIN_TOKEN = 'soak-admin-token-0123';
/** The contract within one data centre: the writing isolate at once, others within L1_TTL_SECONDS. */
const SAME_ISOLATE_BOUND_MS = 0;
const SAME_DATA_CENTRE_BOUND_MS = 2_000;

const root = path.resolve(import.meta.dirname, '..');
const build = path.join(root, 'bench/results/tmp');
const log = (line: string) => console.log(`[soak] ${line}`);

mkdirSync(build, { recursive: true });
const app = bundleWorker(root, 'wrangler.toml', path.join(build, 'app'));
const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const databaseUrl = await ensureBenchDatabase(adminUrl);
const stack = await startLocalStack({
  databaseUrl,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  dbLatencyMs: 20,
  redisLatencyMs: 2,
});
log(stack.describe());
await applyMigrations(databaseUrl);
await seedAssertions(databaseUrl, 1, ASSERTIONS);
// The rows were just rewritten at version 1: cached records of an earlier run must go (this clears the local Redis's current database).
await stack.redis.call(['FLUSHDB']);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const workerd = await startWorkerd(
  [
    {
      name: 'soak',
      port,
      bundle: app,
      bindings: localStackBindings(
        stack.endpoints,
        { publicBaseUrl: base, database: BENCH_DATABASE },
        { ADMIN_TOKEN, L1_MAX_ENTRIES: String(L1_MAX_ENTRIES), L1_MAX_BYTES: String(L1_MAX_BYTES), RATE_LIMIT_VERIFY_PER_MINUTE: '0' },
      ),
    },
  ],
  build,
);

const statuses = new Map<string, number>();
const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
const unexpected: string[] = [];
/** Completion time of each revoke this run made. */
const revokedAt = new Map<string, number>();
let worstStalenessMs = 0;
let staleReads = 0;
let readsOfRevoked = 0;
let maxL1 = { entries: 0, bytes: 0 };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
const randomId = () => benchId(1 + Math.floor(Math.random() * ASSERTIONS));

async function read() {
  const id = randomId();
  const started = Date.now();
  const revoked = revokedAt.get(id);
  const res = await fetch(`${base}/assertions/${id}/verify`);
  count(`GET verify ${res.status}`);
  if (res.status !== 200) return unexpected.push(`GET /assertions/${id}/verify → ${res.status}`);
  const report = (await res.json()) as { status: string };
  if (revoked !== undefined && started > revoked) readsOfRevoked++;
  if (revoked !== undefined && started > revoked && report.status !== 'revoked') {
    staleReads++;
    worstStalenessMs = Math.max(worstStalenessMs, started - revoked);
  }
}

async function revoke() {
  const id = randomId();
  const res = await fetch(`${base}/admin/assertions/${id}/revoke`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ reason: 'soak' }),
  });
  count(`POST revoke ${res.status}`);
  if (res.status !== 200) return unexpected.push(`revoke ${id} → ${res.status}`);
  await res.body?.cancel();
  if (!revokedAt.has(id)) revokedAt.set(id, Date.now());
}

async function edit() {
  const res = await fetch(`${base}/admin/badges/bench-badge`, {
    method: 'PATCH',
    headers: admin,
    body: JSON.stringify({ name: `Bench Badge ${Date.now()}` }),
  });
  count(`PATCH badge ${res.status}`);
  if (res.status !== 200) unexpected.push(`edit → ${res.status}`);
  await res.body?.cancel();
}

const deadline = Date.now() + SECONDS * 1000;
const sampler = setInterval(async () => {
  const health = (await fetch(`${base}/health`)
    .then((r) => r.json())
    .catch(() => undefined)) as { l1?: { entries: number; bytes: number } } | undefined;
  if (health?.l1) maxL1 = { entries: Math.max(maxL1.entries, health.l1.entries), bytes: Math.max(maxL1.bytes, health.l1.bytes) };
}, 500);
log(`${SECONDS} s of mixed load, ${CONCURRENCY} clients, ${ASSERTIONS} assertions`);
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < deadline) {
      const dice = Math.random();
      await (dice < 0.95 ? read() : dice < 0.975 ? revoke() : edit()).catch((error: Error) => {
        count('network error');
        unexpected.push(error.message);
      });
    }
  }),
);
clearInterval(sampler);
await workerd.stop();
await stack.close();

const total = [...statuses.values()].reduce((a, b) => a + b, 0);
const fiveXX = [...statuses].filter(([key]) => / 5\d\d$/.test(key)).reduce((a, [, n]) => a + n, 0);
const checks = [
  {
    name: 'no 5xx and no unexpected answer',
    met: fiveXX === 0 && unexpected.length === 0,
    measured: `${fiveXX} 5xx, ${unexpected.length} unexpected`,
  },
  {
    name: `worst staleness after a revoke ≤ contract (same isolate ${SAME_ISOLATE_BOUND_MS} ms; same data centre ${SAME_DATA_CENTRE_BOUND_MS} ms)`,
    met: worstStalenessMs <= SAME_ISOLATE_BOUND_MS,
    measured: `${worstStalenessMs} ms: ${staleReads} stale of ${readsOfRevoked} reads after ${revokedAt.size} revokes`,
  },
  {
    name: `L1 within its bound (${L1_MAX_ENTRIES} entries, ${L1_MAX_BYTES} bytes)`,
    met: maxL1.entries <= L1_MAX_ENTRIES && maxL1.bytes <= L1_MAX_BYTES,
    measured: `max ${maxL1.entries} entries, ${maxL1.bytes} bytes`,
  },
];
const report = {
  date: new Date().toISOString(),
  seconds: SECONDS,
  concurrency: CONCURRENCY,
  requests: total,
  requestsPerSecond: Math.round(total / SECONDS),
  statuses: Object.fromEntries(statuses),
  unexpected: unexpected.slice(0, 20),
  checks,
};
writeFileSync(path.join(root, 'bench/results/soak.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
log(checks.every((c) => c.met) ? 'all checks met' : 'CHECKS MISSED');
process.exitCode = checks.every((c) => c.met) ? 0 : 1;
