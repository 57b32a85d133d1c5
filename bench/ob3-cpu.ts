/**
 * @module `npm run bench:ob3 [-- --n 200]`: CPU of OB 3.0 work on workerd, from the workerd
 * process's own CPU counters (/proc/<pid>/stat: user + system time), since a Worker cannot time
 * its own CPU (its clocks stop while it computes). Each figure is the process CPU of N
 * sequential requests of one kind divided by N, minus the same for `GET /health/live` (the cost
 * of a request that does nothing); the local stack runs in this process, not in workerd. Once
 * per DID method (did:web resolves the issuer's keys from the tiers; did:key from the proof), and
 * the per-award issuance CPU, so that signing at issuance and on first read compare side by side.
 * Then other issuers' badges, warm (their documents in L1, fetched from the remote issuers'
 * fixture hosts through `REMOTE_FETCH_HOSTS`): a did:web credential with a status list, VC-JWTs
 * and a hosted OB 2.0 assertion; target at most 10 ms each.
 * Writes bench/results/ob3-cpu.json and .md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, withPgClient } from '../dev/backends.ts';
import { localStackBindings } from '../dev/bindings.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startRemoteIssuers } from '../dev/remote-issuers/server.ts';
import type { FixtureCase } from '../dev/remote-issuers/types.ts';
import { startLocalStack } from '../dev/stack.ts';
import { serveBundle } from '../dev/workerd.ts';
import { statusListKey } from '../src/cache/keys.ts';
import { overBudget } from '../src/credentials/canonicalization-guard.ts';
import { issuerDids } from '../src/credentials/issuer-dids.ts';
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
await withPgClient(databaseUrl, (client) => client.query('truncate assertions, badge_classes, issuers, cache_outbox cascade'));
await stack.redis.call(['FLUSHDB']);
// Other issuers' hosts, answering at once (CPU is what is measured here; bench:remote has the latency).
const issuers = await startRemoteIssuers();
const fixtureCases = new Map(
  ((await (await fetch(`${issuers.controlUrl}/cases`)).json()) as FixtureCase[]).map((c) => [c.name, c] as const),
);
const fixtureHits = async () => ((await (await fetch(`${issuers.controlUrl}/hits`)).json()) as { hits: number }).hits;
/** Warm verifications of other issuers' badges (`POST /verify` of a fixture case), by row label. */
const REMOTE_CASES = {
  'remote did:web credential, eddsa-rdfc-2022, Bitstring status list': 'ob3-did-web-eddsa-single-proof-object-valid',
  'remote VC-JWT, EdDSA, did:jwk (no documents)': 'ob3-vc-jwt-eddsa-did-jwk-valid',
  'remote VC-JWT, RS256, key URL and its controller': 'ob3-vc-jwt-rs256-key-url-valid',
  'remote OB 2.0 hosted assertion (assertion, badge class, issuer)': 'ob2-hosted-valid',
} as const;
const REMOTE_TARGET_MS = 10;

/** The measurements for one DID method, each on its own workerd process (so its own CPU counters). */
async function measure(method: 'web' | 'key') {
  const issuer = `ob3-${method}`;
  const served = await serveBundle(root, `ob3cpu${method}`, (origin) =>
    localStackBindings(
      stack.endpoints,
      { publicBaseUrl: origin, database: DATABASE },
      { ADMIN_TOKEN, RATE_LIMIT_VERIFY_PER_MINUTE: '0', ISSUER_DID_METHOD: method, REMOTE_FETCH_HOSTS: issuers.hostMap },
    ),
  );
  const { base, pid } = served;
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
  const get = async (route: string) => {
    const res = await fetch(`${base}${route}`);
    if (!res.ok) throw new Error(`${route}: ${res.status}`);
    return res.text();
  };
  /** Process CPU per request of `run(i)`, over `count` sequential requests, after `warm` warm-up ones. */
  async function perRequest(run: (i: number) => Promise<unknown>, count = N, warm = 10): Promise<number> {
    for (let i = 0; i < warm; i++) await run(i);
    const before = cpuMs();
    for (let i = 0; i < count; i++) await run(i + warm);
    return (cpuMs() - before) / count;
  }

  log(`did:${method}: seeding an issuer, a badge class and awards`);
  await admin('/admin/issuers', { id: issuer, name: 'OB3 Bench', url: 'https://issuer.example.org', email: 'b@issuer.example.org' });
  await admin('/admin/badges', {
    id: `${issuer}-badge`,
    issuerId: issuer,
    name: 'Bench',
    description: 'CPU',
    criteria: { narrative: 'Run it.' },
    imageUrl: 'https://issuer.example.org/b.png',
  });
  let recipient = 0;
  const issueBatch = async (size: number) => {
    const batch = await admin('/admin/assertions/batch', {
      badgeId: `${issuer}-badge`,
      recipients: Array.from({ length: size }, () => ({ identity: `r${recipient++}@example.org` })),
    });
    return (batch.assertions as Array<{ id: string }>).map((a) => a.id);
  };
  const results: Record<string, number> = {};
  results.noop = await perRequest(() => get('/health/live'));
  // Issuance alone, the work signing at issuance would add to: a batch of 1,000 awards per request.
  const ids: string[] = [];
  results.issueBatchOf1000 = await perRequest(async () => ids.push(...(await issueBatch(1000))), 3, 1);

  const credentials: string[] = [];
  // First reads sign (the credential is not kept yet); the second pass reads the kept ones.
  results.signCredential = await perRequest(async (i) => credentials.push(await get(`/credentials/${ids[i]}`)));
  results.cachedCredential = await perRequest((i) => get(`/credentials/${ids[i]}`));
  const listPath = new URL(
    (JSON.parse(credentials[0]!) as { credentialStatus: { statusListCredential: string } }).credentialStatus.statusListCredential,
  ).pathname;
  results.cachedStatusList = await perRequest(() => get(listPath));
  // A cold list read builds and signs it (Redis key dropped before each).
  results.coldStatusList = await perRequest(async () => {
    await stack.redis.call(['DEL', statusListKey(issuer, 0, issuerDids(method, base).keyspace)]);
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
  // Other issuers' badges, warm: the warm-up requests fetch their documents, the measured ones find them in L1.
  const remoteVerifyMs: Record<string, number> = {};
  const remoteFetchesWhileMeasured: Record<string, number> = {};
  for (const [label, name] of Object.entries(REMOTE_CASES)) {
    const fixture = fixtureCases.get(name);
    if (!fixture) throw new Error(`no fixture case ${name}`);
    const body = JSON.stringify(fixture.body);
    const verify = async () => {
      const res = await fetch(`${base}/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const report = (await res.json()) as { status: string };
      if (report.status !== fixture.expect) throw new Error(`${name}: ${report.status}, expected ${fixture.expect}`);
    };
    for (let i = 0; i < 10; i++) await verify();
    const hitsBefore = await fixtureHits();
    remoteVerifyMs[label] = await perRequest(verify, N, 0);
    remoteFetchesWhileMeasured[label] = (await fixtureHits()) - hitsBefore;
  }
  // Hostile bodies: the largest a verifier still canonicalizes (made-up proof: the real one, on a changed document), and ones it refuses.
  const hostile = hostileBodies(JSON.parse(credentials[0]!) as Credential);
  const hostileMs: Record<string, number> = {};
  for (const [name, body] of Object.entries(hostile)) {
    hostileMs[name] = await perRequest(
      async () => {
        const res = await fetch(`${base}/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (res.status === 200 && ((await res.json()) as { valid: boolean }).valid) throw new Error(`${name} verified`);
      },
      Math.max(5, Math.round(N / 10)),
      2,
    );
  }
  await served.stop();
  const net = (ms: number) => Math.max(0, ms - results.noop!);
  return {
    noopRequestMs: results.noop!,
    issueOneAwardMs: net(results.issueBatchOf1000!) / 1000,
    signOneCredentialMs: net(results.signCredential!) - net(results.cachedCredential!),
    serveCachedCredentialMs: net(results.cachedCredential!),
    verifyOneCredentialMs: net(results.verifyCredential!),
    resignStatusListMs: net(results.coldStatusList!) - net(results.cachedStatusList!),
    serveCachedStatusListMs: net(results.cachedStatusList!),
    /** What a kept credential costs Redis (MEMORY USAGE of its key). */
    keptCredentialBytes: Number(
      await stack.redis.call([
        'MEMORY',
        'USAGE',
        ((await stack.redis.call(['KEYS', `v3:cred:${issuerDids(method, base).keyspace}:${ids[0]}:*`])) as string[])[0]!,
      ]),
    ),
    /** CPU of one warm `POST /verify` of another issuer's badge, net of a no-op request, by case. */
    remoteWarmVerifyMs: Object.fromEntries(Object.entries(remoteVerifyMs).map(([label, ms]) => [label, net(ms)])),
    /** Fetches the fixture hosts saw while those were measured (0: all warm). */
    remoteFetchesWhileMeasured,
    /** CPU of one hostile `POST /verify`, net of a no-op request, by body. */
    hostileVerifyMs: Object.fromEntries(Object.entries(hostileMs).map(([name, ms]) => [name, net(ms)])),
    raw: results,
  };
}

type Credential = { credentialSubject: { achievement: Record<string, unknown>; identifier: unknown[] } } & Record<string, unknown>;

/** The credential with more achievement tags (one quad each) or more copies of its identifier (identical blank nodes). */
const withTags = (c: Credential, n: number) => ({
  ...c,
  credentialSubject: {
    ...c.credentialSubject,
    achievement: { ...c.credentialSubject.achievement, tag: Array.from({ length: n }, (_, i) => `t${i}`) },
  },
});
const withIdentifiers = (c: Credential, n: number) => ({
  ...c,
  credentialSubject: { ...c.credentialSubject, identifier: Array.from({ length: n }, () => c.credentialSubject.identifier[0]) },
});
/** The largest n for which `make(n)` is still within the canonicalization budget. */
const largestWithin = (make: (n: number) => unknown) => {
  let n = 1;
  while (!overBudget(make(n + 1))) n++;
  return n;
};

/** POST /verify bodies that cost the most: the largest accepted for canonicalization, and far larger ones that are refused. */
function hostileBodies(credential: Credential): Record<string, string> {
  const body = (c: unknown) => JSON.stringify({ credential: c });
  return {
    [`accepted: ${largestWithin((n) => withTags(credential, n))} added strings`]: body(
      withTags(
        credential,
        largestWithin((n) => withTags(credential, n)),
      ),
    ),
    [`accepted: ${largestWithin((n) => withIdentifiers(credential, n))} identical blank nodes`]: body(
      withIdentifiers(
        credential,
        largestWithin((n) => withIdentifiers(credential, n)),
      ),
    ),
    'accepted: a 495 KB string': body({ ...credential, description: 'x'.repeat(495_000) }),
    'accepted: 245,000 backslashes in one string': body({ ...credential, description: '\\'.repeat(245_000) }),
    'refused: an @context of 19,900 numbers': `{"credential":{"@context":["https://www.w3.org/ns/credentials/v2"${',1'.repeat(19_900)}]}}`,
    'refused: 2 MiB of nested arrays': `{"credential":{"x":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`,
    'refused: 10,000 added strings (80 KB)': body(withTags(credential, 10_000)),
    'refused: 60,000 added strings (530 KB)': body(withTags(credential, 60_000)),
    'refused: 5,000 identical blank nodes': body(withIdentifiers(credential, 5_000)),
    'refused: 2 MiB of short values (the upload limit)': `{"credential":{"tag":[${Array.from({ length: 1_000_000 }, () => '0').join(',')}]}}`,
  };
}

const byMethod = { web: await measure('web'), key: await measure('key') };
await issuers.close();
await stack.close();

const web = byMethod.web;
/** Per 1,000 awards, of which `readShare` are ever read: the two places a signature can go, from the figures above. */
const perThousand = (readShare: number) => ({
  atIssuance: {
    issuingRequestCpuMs: 1000 * (web.issueOneAwardMs + web.signOneCredentialMs),
    signatures: 1000,
    redisBytes: 1000 * web.keptCredentialBytes,
  },
  onFirstRead: {
    issuingRequestCpuMs: 1000 * web.issueOneAwardMs,
    signatures: 1000 * readShare,
    redisBytes: 1000 * readShare * web.keptCredentialBytes,
  },
});
const READ_SHARE = 0.2;
const remoteTargets = Object.keys(REMOTE_CASES).map((label) => ({
  name: `${label}: ≤ ${REMOTE_TARGET_MS} ms CPU per warm verification`,
  met: byMethod.web.remoteWarmVerifyMs[label]! <= REMOTE_TARGET_MS && byMethod.key.remoteWarmVerifyMs[label]! <= REMOTE_TARGET_MS,
  measured: `${byMethod.web.remoteWarmVerifyMs[label]!.toFixed(2)} ms, ${byMethod.key.remoteWarmVerifyMs[label]!.toFixed(2)} ms`,
}));
const summary = {
  requests: N,
  byMethod,
  signingPerThousandAwards: { readShare: READ_SHARE, ...perThousand(READ_SHARE) },
  remoteTargets,
};
writeFileSync(path.join(root, 'bench/results/ob3-cpu.json'), `${JSON.stringify(summary, null, 2)}\n`);
const f = (ms: number) => `${ms.toFixed(2)} ms`;
const row = (label: string, pick: (m: typeof web) => number) => `| ${label} | ${f(pick(byMethod.web))} | ${f(pick(byMethod.key))} |`;
const { atIssuance, onFirstRead } = summary.signingPerThousandAwards;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const md = `# OB 3.0 CPU on workerd

\`npm run bench:ob3\`: workerd process CPU (user + system, /proc) per request over ${N} sequential requests, minus a \`GET /health/live\` request (${f(web.noopRequestMs)} under did:web). Includes JSON, HTTP and driver work in workerd. One workerd process per DID method, on one local stack.

| work | did:web (production) | did:key |
| --- | ---: | ---: |
${row('sign one credential (first read minus a kept read)', (m) => m.signOneCredentialMs)}
${row('serve a kept credential (no signing)', (m) => m.serveCachedCredentialMs)}
${row('verify one credential of this deployment (`POST /verify`, list kept)', (m) => m.verifyOneCredentialMs)}
${row('re-sign a status list (cold read minus a kept read)', (m) => m.resignStatusListMs)}
${row('serve a kept status list (no signing)', (m) => m.serveCachedStatusListMs)}
${row('issue one award (a batch of 1,000 per request, divided)', (m) => m.issueOneAwardMs)}

## Other issuers' badges, warm (\`POST /verify\`, CPU per request, net of a no-op request)

Their documents come from the remote issuers' fixture hosts (\`dev/remote-issuers\`, through \`REMOTE_FETCH_HOSTS\`); 10 verifications first fetch them, the ${N} measured ones find them in L1 (fetches while measured: ${Object.values(web.remoteFetchesWhileMeasured).join(', ')} under did:web, ${Object.values(byMethod.key.remoteFetchesWhileMeasured).join(', ')} under did:key). The column is the workerd process (this deployment's own DID method); the remote issuers' methods are the same in both. Target: at most ${REMOTE_TARGET_MS} ms each.

| verification | did:web process | did:key process | ≤ ${REMOTE_TARGET_MS} ms |
| --- | ---: | ---: | --- |
${remoteTargets
  .map((t, i) => {
    const label = Object.keys(REMOTE_CASES)[i]!;
    return `| ${label} | ${f(web.remoteWarmVerifyMs[label]!)} | ${f(byMethod.key.remoteWarmVerifyMs[label]!)} | ${t.met ? 'met' : '**missed**'} |`;
  })
  .join('\n')}

## Hostile \`POST /verify\` bodies (CPU per request, net of a no-op request)

Canonicalization is bounded before it starts (\`src/credentials/canonicalization-guard.ts\`): the "accepted" bodies are the largest the verifier still canonicalizes (their proof then fails), the "refused" ones are answered without canonicalization. Target: at most 50 ms each.

| body | did:web | did:key |
| --- | ---: | ---: |
${Object.keys(web.hostileVerifyMs)
  .map((name) => `| ${name} | ${f(web.hostileVerifyMs[name]!)} | ${f(byMethod.key.hostileVerifyMs[name]!)} |`)
  .join('\n')}

## Where the signature goes: per 1,000 awards, ${READ_SHARE * 100} % of them ever read

From the did:web figures above; a kept credential is ${web.keptCredentialBytes} bytes in Redis (MEMORY USAGE).

| | sign at issuance | sign on first read (built) |
| --- | ---: | ---: |
| CPU of the issuing request | ${seconds(atIssuance.issuingRequestCpuMs)} | ${seconds(onFirstRead.issuingRequestCpuMs)} |
| signatures made | ${atIssuance.signatures} | ${onFirstRead.signatures} |
| Redis bytes for signed credentials | ${atIssuance.redisBytes} | ${onFirstRead.redisBytes} |
| CPU added to a credential's first read | 0 | ${f(web.signOneCredentialMs)} |
`;
writeFileSync(path.join(root, 'bench/results/ob3-cpu.md'), md);
console.log(md);
