/**
 * @module `npm run bench:realistic [-- --seconds 60] [--tree <checkout>] [--label name]`: the
 * traffic this API really gets. Several isolates (separate workerd services) over one local
 * stack with injected latency, 100,000 assertions seeded the way production fills the caches
 * (the batch issuance endpoint, which writes through to Redis; a tree without it is seeded with
 * SQL, and says so), Zipf reads over verifications, documents and pages, and a concurrent
 * writer. `--tree` benchmarks another checkout (e.g. a `git worktree` of an older main) on the
 * same machine, stack and data, so two runs compare side by side. Writes
 * bench/results/realistic-<label>.json and, from every such file, bench/results/realistic.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, freePort, withPgClient } from '../dev/backends.ts';
import { localStackBindings } from '../dev/bindings.ts';
import { bundleWorker } from '../dev/bundle.ts';
import { canonicalAccept } from '../dev/front-entrypoint.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startLocalStack } from '../dev/stack.ts';
import { startWorkerd } from '../dev/workerd.ts';
import { startWorkersCache } from '../dev/workers-cache.ts';
import { ensureBenchDatabase } from './dataset.ts';
import type { RealisticResult, RealisticSpec } from './realistic-load.ts';

const { values: flags } = parseArgs({
  options: {
    tree: { type: 'string' },
    label: { type: 'string', default: 'current' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    assertions: { type: 'string', default: '100000' },
    isolates: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
    'db-rtt': { type: 'string', default: '20' },
    'redis-rtt': { type: 'string', default: '2' },
    edge: { type: 'boolean', default: false },
    // Share of reads that are OB 3.0 (status lists and credentials); 0 is the OB 2.0-only mix of earlier runs.
    'ob3-share': { type: 'string', default: '0.2' },
  },
});

const root = path.resolve(import.meta.dirname, '..');
const tree = path.resolve(flags.tree ?? root);
const label = flags.label!;
const ASSERTIONS = Number(flags.assertions);
const ISSUERS = 10;
const BADGES = 50;
const ADMIN_TOKEN = 'realistic-bench-admin-token';
// BENCH_DATABASE: another name, so runs from several checkouts on one server do not share (and truncate) one database.
const DATABASE = process.env.BENCH_DATABASE ?? 'badge_realistic';
const PUBLIC_BASE_URL = 'https://badges.bench';
const results = path.join(root, 'bench/results');
const log = (line: string) => console.log(`[realistic ${label}] ${line}`);

log(`bundling ${tree === root ? 'this tree' : tree}`);
const build = path.join(results, 'tmp', `realistic-${label}`);
mkdirSync(build, { recursive: true });
const bundle = bundleWorker(tree, 'wrangler.toml', path.join(build, 'app'));

const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const databaseUrl = await ensureBenchDatabase(adminUrl, DATABASE);
const stack = await startLocalStack({ databaseUrl, redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL, poolSize: 10 });
if (stack.postgres.kind !== 'postgres' || stack.redis.kind !== 'redis')
  throw new Error('the realistic bench needs the local Postgres and Redis servers');
await applyMigrations(databaseUrl);
await withPgClient(databaseUrl, (client) => client.query('truncate assertions, badge_classes, issuers, cache_outbox cascade'));
// Every run starts from an empty Redis (this clears the local Redis's current database).
await stack.redis.call(['FLUSHDB']);

const ports = await Promise.all(Array.from({ length: Number(flags.isolates) }, () => freePort()));
// With --edge: one Workers Cache stand-in in front of every isolate, purged by their writes.
const edgePort = await freePort();
const workerd = await startWorkerd(
  ports.map((port, i) => ({
    name: `isolate${i}`,
    port,
    bundle,
    bindings: localStackBindings(
      stack.endpoints,
      { publicBaseUrl: PUBLIC_BASE_URL, database: DATABASE },
      {
        ADMIN_TOKEN,
        // One load generator is one client address: the limits would measure themselves.
        RATE_LIMIT_VERIFY_PER_MINUTE: '0',
        RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '0',
        ...(flags.edge && { WORKERS_CACHE_PURGE_URL: `http://127.0.0.1:${edgePort}/__purge` }),
      },
    ),
  })),
  build,
);
const direct = ports.map((port) => `http://127.0.0.1:${port}`);
const edge = flags.edge ? await startWorkersCache({ origin: direct, port: edgePort, frontEntrypoint: canonicalAccept }) : undefined;
const isolates = edge ? [edge.url] : direct;

async function adminPost(path: string, body: unknown): Promise<Response> {
  const response = await fetch(`${isolates[0]}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok && response.status !== 404) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

log(`seeding ${ISSUERS} issuers, ${BADGES} badge classes and ${ASSERTIONS} assertions`);
const image = {
  type: 'image/svg+xml',
  base64: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>').toString('base64'),
};
const issuers = Array.from({ length: ISSUERS }, (_, i) => `rt-issuer-${i}`);
const badges = Array.from({ length: BADGES }, (_, i) => `rt-badge-${i}`);
for (const id of issuers)
  await adminPost('/admin/issuers', { id, name: `Issuer ${id}`, url: 'https://issuer.example.org', email: 'badges@issuer.example.org' });
for (const [i, id] of badges.entries())
  await adminPost('/admin/badges', {
    id,
    issuerId: issuers[i % ISSUERS],
    name: `Badge ${id}`,
    description: 'Realistic bench.',
    criteria: { narrative: 'Do it.' },
    image,
  });
const ids = Array.from({ length: ASSERTIONS }, (_, i) => `rt-${String(i).padStart(6, '0')}`);
const started = performance.now();
const probe = await adminPost('/admin/assertions/batch', {
  badgeId: badges[0],
  recipients: [{ id: ids[0], identity: 'probe@example.org' }],
});
const batchIssuance = probe.status === 201;
let seededWith: string;
if (batchIssuance) {
  for (let from = 1; from < ids.length; from += 1000) {
    const chunk = ids.slice(from, from + 1000);
    await adminPost('/admin/assertions/batch', {
      badgeId: badges[Math.floor(from / 1000) % BADGES],
      recipients: chunk.map((id, i) => ({ id, identity: `r${from + i}@example.org` })),
    });
  }
  seededWith = 'POST /admin/assertions/batch (1,000 per call; written through to Redis)';
} else {
  await withPgClient(databaseUrl, (client) =>
    client.query(
      `insert into assertions (id, badge_class_id, issuer_id, recipient_identity, recipient_salt, issued_on)
       select 'rt-' || lpad(n::text, 6, '0'), b.id, b.issuer_id, 'sha256$' || encode(sha256(n::text::bytea), 'hex'), 'salt', now() - interval '1 day'
       from generate_series(0, $1::int - 1) n join badge_classes b on b.id = 'rt-badge-' || (n / 1000 % $2)`,
      [ASSERTIONS, BADGES],
    ),
  );
  seededWith = 'SQL (this tree has no batch issuance endpoint; Redis starts cold)';
}
await withPgClient(databaseUrl, (client) => client.query('analyze'));
log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s with ${seededWith}`);

stack.neon.controls.latencyMs = Number(flags['db-rtt']);
stack.upstash.controls.latencyMs = Number(flags['redis-rtt']);
const spec: RealisticSpec = {
  isolates,
  adminToken: ADMIN_TOKEN,
  ids: { prefix: 'rt-', width: 6, count: ASSERTIONS },
  badges,
  issuers,
  zipfS: 1.1,
  concurrency: Number(flags.concurrency),
  warmupSeconds: Number(flags.warmup),
  seconds: Number(flags.seconds),
  ob3Share: Number(flags['ob3-share']),
  batchIssuance,
  stack: { neonUrl: stack.neon.url, upstashUrl: stack.upstash.url, metricsUrl: stack.metrics.url },
};
log(`${isolates.length} isolates, ${spec.concurrency} concurrent clients, ${spec.warmupSeconds} s warm-up + ${spec.seconds} s measured`);
const load = await new Promise<RealisticResult>((resolve, reject) => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/realistic-load.ts'), JSON.stringify(spec)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load exited ${code}`))));
});

/** Redis bytes per cached assertion record: MEMORY USAGE of up to 500 keys of this tree's format. */
async function memoryPerAssertion(): Promise<{ keys: number; sampled: number; meanBytes: number; maxBytes: number }> {
  const pattern = batchIssuance ? 'v3:a:*' : 'v1:bundle:*';
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await stack.redis.call(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [
      Buffer | string,
      Array<Buffer | string>,
    ];
    cursor = String(next);
    keys.push(...batch.map(String));
  } while (cursor !== '0' && keys.length < 500);
  const sizes = await Promise.all(
    keys.slice(0, 500).map(async (key) => Number(await stack.redis.call(['MEMORY', 'USAGE', key, 'SAMPLES', '0']))),
  );
  const total = Number(await stack.redis.call(['EVAL', `return #redis.call('KEYS', ARGV[1])`, '0', pattern]));
  return {
    keys: total,
    sampled: sizes.length,
    meanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)),
    maxBytes: Math.max(0, ...sizes),
  };
}
const memory = await memoryPerAssertion();
const edgeStats = edge && { ...edge.stats };
await edge?.close();
await workerd.stop();
await stack.close();

const report = {
  label,
  tree: tree === root ? '.' : tree,
  measuredAt: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}`,
  settings: {
    isolates: direct.length,
    edge: Boolean(edge),
    concurrency: spec.concurrency,
    warmupSeconds: spec.warmupSeconds,
    seconds: spec.seconds,
    assertions: ASSERTIONS,
    zipfS: spec.zipfS,
    ob3Share: spec.ob3Share,
    dbRttMs: Number(flags['db-rtt']),
    redisRttMs: Number(flags['redis-rtt']),
  },
  seededWith,
  load,
  memory,
  /** With --edge: what the Workers Cache stand-in did over the whole run (seeding included). */
  edge: edgeStats,
};
writeFileSync(path.join(results, `realistic-${label}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(results, 'realistic.md'), markdown());
log(`written bench/results/realistic-${label}.json and realistic.md`);
console.log(readFileSync(path.join(results, 'realistic.md'), 'utf8'));

/** Every realistic-*.json side by side, with the cache v2 targets marked. */
function markdown(): string {
  const runs = readdirSync(results)
    .filter((file) => /^realistic-.+\.json$/.test(file))
    .map((file) => JSON.parse(readFileSync(path.join(results, file), 'utf8')) as typeof report);
  const per1000 = (n: number, d: number) => (d ? ((n / d) * 1000).toFixed(1) : '–');
  const per = (n: number, d: number) => (d ? (n / d).toFixed(3) : '–');
  const rows = runs.map((r) => {
    const l = r.load;
    const edgeServed = (l.edgeStatus?.HIT ?? 0) + (l.edgeStatus?.STALE ?? 0);
    return `| ${r.label} | ${l.reads} (${(l.reads / l.seconds).toFixed(0)}/s) | ${per1000(l.reads - edgeServed, l.reads)} | ${per1000(l.requestPath.statements, l.reads)} | ${per1000(l.stack.neon.statements ?? 0, l.reads)} | ${per(l.requestPath.redisRequests, l.reads)} | ${per(l.stack.upstash.requests ?? 0, l.reads)} | ${l.latency.p50} | ${l.latency.p99} | ${r.memory.meanBytes} (max ${r.memory.maxBytes}) | ${l.staleness.worstMs} ms (${l.staleness.staleAnswers}/${l.staleness.checks}) | ${l.staleness.worstAfterL1BoundMs} ms | ${l.readErrors + l.writeErrors} |`;
  });
  const current = runs.find((r) => r.label === 'v2') ?? runs.at(-1);
  const edgeRun = runs.find((r) => r.settings.edge);
  const targets = current
    ? (() => {
        const l = current.load;
        const mark = (met: boolean) => (met ? 'met' : 'missed');
        const statements = (l.requestPath.statements / l.reads) * 1000;
        const redis = l.stack.upstash.requests! / l.reads;
        return [
          `| ≤ 10 database statements per 1,000 verifications (request path) | ${statements.toFixed(1)} | ${mark(statements <= 10)} |`,
          `| ≤ 1.2 Redis round trips per verification (all Redis requests, background included) | ${redis.toFixed(3)} | ${mark(redis <= 1.2)} |`,
          `| no read says valid after a revoke answered, beyond the L1 bound (2 s) | worst ${l.staleness.worstMs} ms; ${l.staleness.worstAfterL1BoundMs} ms past the bound | ${mark(l.staleness.worstAfterL1BoundMs === 0 && l.staleness.worstMs <= 2000)} |`,
          `| ≤ 512 bytes per cached assertion record (MEMORY USAGE) | mean ${current.memory.meanBytes}, max ${current.memory.maxBytes} | ${mark(current.memory.maxBytes <= 512)} |`,
        ];
      })()
    : [];
  return [
    `# Realistic traffic (\`npm run bench:realistic\`)`,
    '',
    ...runs.map(
      (r) =>
        `- **${r.label}** (${r.tree}): measured ${r.measuredAt} on ${r.machine}; ${r.settings.isolates} isolates, ${r.settings.concurrency} clients, ${r.settings.warmupSeconds} s warm-up + ${r.settings.seconds} s, ${r.settings.assertions} assertions (Zipf s = ${r.settings.zipfS}), OB 3.0 share of reads ${r.settings.ob3Share ?? 0}, DB RTT ${r.settings.dbRttMs} ms, Redis RTT ${r.settings.redisRttMs} ms; seeded with ${r.seededWith}; writes ${JSON.stringify(r.load.writes)}.`,
    ),
    '',
    '| run | reads | Worker runs / 1,000 reads | statements / 1,000 reads (request path) | statements / 1,000 reads (all, writes included) | Redis requests / read (request path) | Redis requests / read (all) | p50 ms | p99 ms | Redis bytes per assertion record | worst staleness after a revoke (stale / checked) | beyond the 2 s L1 bound | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...runs
      .filter((r) => r.settings.ob3Share)
      .flatMap((r) => {
        const s = r.load.statusListStaleness;
        return [
          `OB 3.0 reads (run ${r.label}): reads by kind ${JSON.stringify(r.load.readsByKind)}; a revoked award's status-list bit, read through every isolate after each revoke answered: ${s.staleAnswers} stale of ${s.checks} reads over ${s.revocations} revocations (worst ${s.worstMs} ms).`,
          '',
        ];
      }),
    ...runs
      .filter((r) => r.load.sink)
      .flatMap((r) => {
        const sink = r.load.sink as { requests: number; statementsTotal: number; redisCallsTotal: number; byTier: Record<string, number> };
        const neon = r.load.stack.neon.statements ?? 0;
        const upstash = r.load.stack.upstash.requests ?? 0;
        const off = (a: number, b: number) => (b ? `${(((a - b) / b) * 100).toFixed(2)} %` : '–');
        return [
          `Metrics sink (run ${r.label}, the points the Worker wrote to its sink over the measured window): ${sink.requests} requests (the generator counted ${r.load.reads} reads + ${Object.values(r.load.writes).reduce((a, b) => a + b, 0)} writes), tiers ${JSON.stringify(sink.byTier)}; statements ${sink.statementsTotal} against the Neon stand-in's ${neon} (${off(sink.statementsTotal, neon)}), Redis calls ${sink.redisCallsTotal} against the Upstash stand-in's ${upstash} requests (${off(sink.redisCallsTotal, upstash)}). The difference is the window's edges (requests in flight at the reset and at the end) and the revocation checker's reads.`,
          '',
        ];
      }),
    ...(edgeRun
      ? [
          `With the edge (run ${edgeRun.label}): cf-cache-status of the reads ${JSON.stringify(edgeRun.load.edgeStatus)}; the stand-in over the whole run ${JSON.stringify(edgeRun.edge)}; worst staleness after a revoke through the edge ${edgeRun.load.staleness.worstMs} ms (${edgeRun.load.staleness.staleAnswers} stale of ${edgeRun.load.staleness.checks}).`,
          '',
        ]
      : []),
    `Targets (run ${current?.label}):`,
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    ...targets,
    '',
  ].join('\n');
}
