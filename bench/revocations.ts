/**
 * @module `npm run bench:revocations [-- --revoked 100000 --runs 5 --db-rtt 20]`: one issuer's
 * revocation list of 100,000 entries, streamed in keyset pages (the app) against the same list
 * read whole before its first byte (the app behind a global body-hash ETag, as it was). Each
 * request runs in a fresh workerd process (warmed on a short list); it measures the time to the first body
 * byte, the time to the last, and the growth of the process's resident memory (sampled every
 * 2 ms). Writes bench/results/revocations.json and .md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, freePort, withPgClient } from '../dev/backends.ts';
import { localStackBindings } from '../dev/bindings.ts';
import { bundleWorker } from '../dev/bundle.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startLocalStack } from '../dev/stack.ts';
import { startWorkerd } from '../dev/workerd.ts';
import { ensureBenchDatabase } from './dataset.ts';

const { values: flags } = parseArgs({
  options: {
    revoked: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    'db-rtt': { type: 'string', default: '20' },
  },
});
const REVOKED = Number(flags.revoked);
const RUNS = Number(flags.runs);
const DATABASE = 'badge_revocations';
const ISSUER = 'rev-issuer';
const SMALL_ISSUER = 'rev-small-issuer';
const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'bench/results');
const build = path.join(results, 'tmp', 'revocations');
mkdirSync(build, { recursive: true });
const log = (line: string) => console.log(`[revocations] ${line}`);

log('bundling the app and the buffered variant');
const variants = {
  streamed: bundleWorker(root, 'wrangler.toml', path.join(build, 'streamed')),
  buffered: bundleWorker(root, 'bench/buffered-revocations/wrangler.toml', path.join(build, 'buffered')),
};

const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const databaseUrl = await ensureBenchDatabase(adminUrl, DATABASE);
const stack = await startLocalStack({ databaseUrl, redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL });
await applyMigrations(databaseUrl);
log(`seeding ${REVOKED} revoked assertions of one issuer`);
await withPgClient(databaseUrl, async (client) => {
  await client.query('truncate assertions, badge_classes, issuers, cache_outbox cascade');
  for (const id of [ISSUER, SMALL_ISSUER]) {
    await client.query(
      `insert into issuers (id, name, url, email) values ($1, 'Revoking issuer', 'https://issuer.example.org', 'b@issuer.example.org')`,
      [id],
    );
  }
  await client.query(`insert into badge_classes (id, issuer_id, name, description) values ('rev-badge', $1, 'Badge', 'Bench')`, [ISSUER]);
  await client.query(`insert into badge_classes (id, issuer_id, name, description) values ('rev-small-badge', $1, 'Badge', 'Bench')`, [
    SMALL_ISSUER,
  ]);
  await client.query(
    `insert into assertions (id, badge_class_id, issuer_id, recipient_identity, recipient_salt, issued_on, revoked_at) values ('rev-small', 'rev-small-badge', $1, 'sha256$00', 's', now(), now())`,
    [SMALL_ISSUER],
  );
  await client.query(
    `insert into assertions (id, badge_class_id, issuer_id, recipient_identity, recipient_salt, issued_on, revoked_at, revocation_reason)
     select 'rev-' || lpad(n::text, 7, '0'), 'rev-badge', $1, 'sha256$' || encode(sha256(n::text::bytea), 'hex'), 'salt', now() - interval '2 days', now(), 'bench'
     from generate_series(1, $2::int) n`,
    [ISSUER, REVOKED],
  );
  await client.query('analyze');
});
stack.neon.controls.latencyMs = Number(flags['db-rtt']);

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

type Sample = { firstByteMs: number; lastByteMs: number; bytes: number; rssGrowthMiB: number };

async function measure(url: string, pid: number): Promise<Sample> {
  const before = rssKiB(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 2);
  const started = performance.now();
  const response = await fetch(url, { headers: { 'cf-connecting-ip': `bench-${Math.random()}` } });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const reader = response.body!.getReader();
  let firstByteMs = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!bytes) firstByteMs = performance.now() - started;
    bytes += value.length;
  }
  const lastByteMs = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, rssKiB(pid));
  return { firstByteMs, lastByteMs, bytes, rssGrowthMiB: (peak - before) / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const summary: Record<string, { firstByteMs: number; lastByteMs: number; bytes: number; rssGrowthMiB: number; runs: Sample[] }> = {};
/** One request in a fresh workerd process (warmed on a one-entry list), so its memory growth is its own. */
async function measureFresh(name: string, bundle: string): Promise<Sample> {
  const port = await freePort();
  const workerd = await startWorkerd(
    [
      {
        name,
        port,
        bundle,
        bindings: localStackBindings(
          stack.endpoints,
          { publicBaseUrl: 'https://badges.bench', database: DATABASE },
          { RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '0' },
        ),
      },
    ],
    build,
  );
  try {
    await measure(`http://127.0.0.1:${port}/issuers/${SMALL_ISSUER}/revocations`, workerd.pid);
    return await measure(`http://127.0.0.1:${port}/issuers/${ISSUER}/revocations`, workerd.pid);
  } finally {
    await workerd.stop();
  }
}

const runs: Record<string, Sample[]> = { streamed: [], buffered: [] };
// Alternating, so drift on a noisy machine affects both alike.
for (let i = 0; i < RUNS; i++) for (const [name, bundle] of Object.entries(variants)) runs[name]!.push(await measureFresh(name, bundle));
for (const [name, samples] of Object.entries(runs)) {
  summary[name] = {
    firstByteMs: median(samples.map((r) => r.firstByteMs)),
    lastByteMs: median(samples.map((r) => r.lastByteMs)),
    bytes: samples[0]!.bytes,
    rssGrowthMiB: median(samples.map((r) => r.rssGrowthMiB)),
    runs: samples,
  };
  log(
    `${name}: first byte ${summary[name].firstByteMs.toFixed(0)} ms, last ${summary[name].lastByteMs.toFixed(0)} ms, ${(summary[name].bytes / 1e6).toFixed(1)} MB, RSS growth ${summary[name].rssGrowthMiB.toFixed(1)} MiB`,
  );
}
await stack.close();

const { streamed, buffered } = summary as Record<'streamed' | 'buffered', (typeof summary)[string]>;
const result = {
  revoked: REVOKED,
  runs: RUNS,
  dbRttMs: Number(flags['db-rtt']),
  pageSize: 1000,
  streamed,
  buffered,
  firstByteRatio: buffered.firstByteMs / streamed.firstByteMs,
};
writeFileSync(path.join(results, 'revocations.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = `# Revocation list of ${REVOKED.toLocaleString('en')} entries: streamed vs buffered

\`npm run bench:revocations\`; ${RUNS} requests per variant, alternating, each in a fresh workerd process warmed on a one-entry list (medians; memory: growth of the process's resident set during the request), ${result.dbRttMs} ms injected per database round trip, keyset pages of 1,000.

| | streamed (the app) | buffered (global body-hash ETag) |
| --- | ---: | ---: |
| time to first byte | ${streamed.firstByteMs.toFixed(0)} ms | ${buffered.firstByteMs.toFixed(0)} ms |
| time to last byte | ${streamed.lastByteMs.toFixed(0)} ms | ${buffered.lastByteMs.toFixed(0)} ms |
| body | ${(streamed.bytes / 1e6).toFixed(1)} MB | ${(buffered.bytes / 1e6).toFixed(1)} MB |
| resident memory growth during the request | ${streamed.rssGrowthMiB.toFixed(1)} MiB | ${buffered.rssGrowthMiB.toFixed(1)} MiB |

First byte: the buffered read waits ${result.firstByteRatio.toFixed(0)}× as long.
`;
writeFileSync(path.join(results, 'revocations.md'), md);
console.log(md);
