/**
 * @module `npm run bench:remote [-- --reps 5 --warm 10 --rounds 5 --fetch-rtt 20 --db-rtt 20 --redis-rtt 2]`:
 * verifying other issuers' badges. The local stack (20 ms to the database, 2 ms to Redis, set on
 * its `__control` endpoints), the remote issuers' fixture hosts (every answer 20 ms late) and the
 * production bundle on bare workerd with `REMOTE_FETCH_HOSTS` pointing at them. For each case,
 * `POST /verify`:
 * - **cold**: the remote documents flushed from Redis, on a service with L1 off (`CACHE_TIERS=redis`,
 *   an isolate already warmed on the same case): the fetch chain plus the Worker's own work;
 * - **cold, fresh isolate**: the same, as the first verification of a new isolate (all tiers on);
 * - **warm**: repeated on an isolate that just verified it (all tiers on);
 * - **Redis-warm**: repeated with L1 off, Redis holding the documents.
 * Per request: wall time, fetches the fixture hosts saw (`GET /hits`), Upstash requests
 * (`/__stats`) by the answer and after background writes, Neon statements. Beside it, in the same
 * process and through the same hosts and latency, DCC's `@digitalcredentials/verifier-core` verifies
 * the same OB 3.0 credential cold (its 5 s DID cache expired) and warm, and paired rounds time
 * both warm, the order reversed every other round, for their ratio. Each case's longest chain of
 * dependent fetches is computed from its documents. Writes bench/results/remote.json and .md.
 * Redis: `REDIS_URL`, default database 8 of the local server (only `v1:remote:*` keys are deleted).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { verifyCredential as verifierCoreVerify } from '@digitalcredentials/verifier-core';
import { decodeProtectedHeader } from 'jose';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, freePort } from '../dev/backends.ts';
import { localStackBindings } from '../dev/bindings.ts';
import { bundleWorker } from '../dev/bundle.ts';
import { applyMigrations } from '../dev/migrate.ts';
import { startRemoteIssuers } from '../dev/remote-issuers/server.ts';
import type { FixtureCase } from '../dev/remote-issuers/types.ts';
import { startLocalStack } from '../dev/stack.ts';
import { startWorkerd, type WorkerService } from '../dev/workerd.ts';
import { remoteDocumentKey } from '../src/cache/keys.ts';
import { ensureBenchDatabase } from './dataset.ts';
import type { Target } from './report.ts';

const { values: flags } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    warm: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    'fetch-rtt': { type: 'string', default: '20' },
    'db-rtt': { type: 'string', default: '20' },
    'redis-rtt': { type: 'string', default: '2' },
  },
});
const REPS = Number(flags.reps);
const WARM = Number(flags.warm);
const ROUNDS = Number(flags.rounds);
const FETCH_RTT = Number(flags['fetch-rtt']);
const DB_RTT = Number(flags['db-rtt']);
const REDIS_RTT = Number(flags['redis-rtt']);
/** The Worker's own share a cold verification may add to its chain of fetches. */
const COLD_SLACK_MS = 15;
const WARM_SPEEDUP_TARGET = 10;
/** Wait after an answer before reading the counters, so background writes are counted (as the other benches do). */
const SETTLE_MS = 300;
/** verifier-core's DID documents live this long in its resolver's cache (did-io CachedResolver maxAge 5000 ms), plus a margin. */
const VERIFIER_CORE_DID_CACHE_MS = 5_000 + 300;
const DATABASE = 'badge_remote';
const CASES = [
  'ob2-hosted-valid',
  'ob3-did-web-eddsa-single-proof-object-valid',
  'ob3-vc-jwt-eddsa-did-jwk-valid',
  'ob3-vc-jwt-rs256-key-url-valid',
] as const;
/** The OB 3.0 case both verifiers run (verifier-core verifies JSON-LD credentials only: no VC-JWT, no OB 2.0). */
const SIDE_BY_SIDE = 'ob3-did-web-eddsa-single-proof-object-valid';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'bench/results');
const build = path.join(results, 'tmp', 'remote');
const log = (line: string) => console.log(`[remote] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const realFetch = globalThis.fetch;
const getJson = async <T>(url: string, init?: RequestInit) => (await (await realFetch(url, init)).json()) as T;

log('bundling the Worker');
const bundle = bundleWorker(root, 'wrangler.toml', path.join(build, 'app'));
const adminUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const databaseUrl = await ensureBenchDatabase(adminUrl, DATABASE);
const redisUrl = process.env.REDIS_URL ?? `${DEFAULT_REDIS_URL}/8`;
const stack = await startLocalStack({ databaseUrl, redisUrl });
log(stack.describe());
await applyMigrations(databaseUrl);
const control = (url: string, body: unknown) =>
  getJson(`${url}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
await control(stack.neon.url, { latencyMs: DB_RTT });
await control(stack.upstash.url, { latencyMs: REDIS_RTT });
const issuers = await startRemoteIssuers({ latencyMs: FETCH_RTT });
/** The same hosts answering at once: cold there and here, side by side, tells how many fetches the Worker waited for in a row. */
const direct = await startRemoteIssuers({ latencyMs: 0 });
const origins = new Map(issuers.hostMap.split(',').map((pair) => pair.split('=') as [string, string]));
const allCases = await getJson<FixtureCase[]>(`${issuers.controlUrl}/cases`);
const cases = CASES.map((name) => {
  const found = allCases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture case ${name}`);
  return found;
});

type Doc = Record<string, unknown>;

/** A fixture host's document, fetched from its local port (as the Worker's REMOTE_FETCH_HOSTS does). */
async function fixtureJson(url: string): Promise<Doc> {
  const { host, pathname, search } = new URL(url);
  const origin = origins.get(host);
  if (!origin) throw new Error(`${host} is not a fixture host`);
  const res = await realFetch(`${origin}${pathname}${search}`);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as Doc;
}

/** Where a verification method's key is published: did:web by its method (`did:web:host:a` → `https://host/a/did.json`), an https key at its URL; did:key and did:jwk carry their key. */
function keyDocumentUrl(verificationMethod: string): string | undefined {
  const [id] = verificationMethod.split('#') as [string];
  if (id.startsWith('did:web:')) {
    const [host, ...segments] = id.slice('did:web:'.length).split(':').map(decodeURIComponent);
    return segments.length ? `https://${host}/${segments.join('/')}/did.json` : `https://${host}/.well-known/did.json`;
  }
  if (id.startsWith('https://')) return id;
  return undefined;
}

/** The documents a key needs, by depth: its key document, and for an https key its controller (named in it). */
async function keyChain(verificationMethod: string): Promise<string[][]> {
  const first = keyDocumentUrl(verificationMethod);
  if (!first) return [];
  if (!first.startsWith('https://') || first.endsWith('did.json')) return [[first]];
  const controller = (await fixtureJson(first)).controller;
  return typeof controller === 'string' && controller !== first ? [[first], [controller]] : [[first]];
}

/**
 * The longest chain of dependent fetches a verification of `c` needs, from its documents: each
 * level holds what can only be asked once the level before has answered; a document already
 * asked for at a shallower level is not asked again.
 */
async function chainOf(c: FixtureCase): Promise<{ levels: string[][]; why: string }> {
  const body = c.body as { assertion?: unknown; credential?: unknown };
  const levels: string[][] = [];
  const add = (depth: number, url: string) => {
    if (levels.some((level) => level.includes(url))) return;
    while (levels.length <= depth) levels.push([]);
    levels[depth]!.push(url);
  };
  if (typeof body.assertion === 'string') {
    // OB 2.0 hosted: the assertion names its badge class, which names its issuer.
    add(0, body.assertion);
    const badge = (await fixtureJson(body.assertion)).badge;
    if (typeof badge === 'string') {
      add(1, badge);
      const issuer = (await fixtureJson(badge)).issuer;
      if (typeof issuer === 'string') add(2, issuer);
    }
    return { levels, why: 'assertion → badge class → issuer' };
  }
  if (typeof body.credential === 'string') {
    const { kid } = decodeProtectedHeader(body.credential);
    (await keyChain(String(kid))).forEach((level, depth) => {
      for (const url of level) add(depth, url);
    });
    return {
      levels,
      why: levels.length
        ? 'key document → its controller (the issuer profile)'
        : `${String(kid).split(':').slice(0, 2).join(':')}: the key is in the credential`,
    };
  }
  const credential = body.credential as Doc;
  const proof = [credential.proof].flat()[0] as Doc;
  (await keyChain(String(proof.verificationMethod))).forEach((level, depth) => {
    for (const url of level) add(depth, url);
  });
  const status = credential.credentialStatus as Doc | undefined;
  const listUrl = status && String(status.statusListCredential ?? status.id);
  if (listUrl) {
    add(0, listUrl);
    // The list's own proof: its key's documents can only be asked once the list is in.
    const listProof = [(await fixtureJson(listUrl)).proof].flat()[0] as Doc | undefined;
    if (listProof)
      (await keyChain(String(listProof.verificationMethod))).forEach((level, depth) => {
        for (const url of level) add(depth + 1, url);
      });
  }
  return { levels, why: 'DID document ‖ status list (whose proof needs the same DID document, already asked)' };
}

const chains = new Map<string, Awaited<ReturnType<typeof chainOf>>>();
for (const c of cases) chains.set(c.name, await chainOf(c));

// One workerd process: `warm` (all tiers), `nol1` (L1 off), and a fresh isolate (all tiers) per case and cold repetition.
const bindingsFor = (port: number, extra: Record<string, string>) =>
  localStackBindings(
    stack.endpoints,
    { publicBaseUrl: `http://127.0.0.1:${port}`, database: DATABASE },
    { RATE_LIMIT_VERIFY_PER_MINUTE: '0', REMOTE_FETCH_HOSTS: issuers.hostMap, CACHE_TIERS: 'l1,redis', ...extra },
  );
const service = async (name: string, extra: Record<string, string> = {}): Promise<WorkerService> => {
  const port = await freePort();
  return { name, port, bundle, bindings: bindingsFor(port, extra) };
};
const warmService = await service('warm');
const noL1Service = await service('nol1', { CACHE_TIERS: 'redis' });
const directService = await service('direct', { CACHE_TIERS: 'redis', REMOTE_FETCH_HOSTS: direct.hostMap });
const freshServices = new Map<string, WorkerService[]>();
for (const [i, c] of cases.entries())
  freshServices.set(c.name, await Promise.all(Array.from({ length: REPS }, (_, r) => service(`fresh${i}r${r}`))));
log(`starting workerd: ${3 + cases.length * REPS} services`);
const workerd = await startWorkerd([warmService, noL1Service, directService, ...[...freshServices.values()].flat()], build);
const baseOf = (s: WorkerService) => `http://127.0.0.1:${s.port}`;

const REMOTE_KEYS = remoteDocumentKey('*', '*');
async function flushRemote(): Promise<number> {
  const keys = ((await stack.redis.call(['KEYS', REMOTE_KEYS])) as Array<Buffer | string>).map(String);
  if (keys.length) await stack.redis.call(['DEL', ...keys]);
  return keys.length;
}
type Issuers = Awaited<ReturnType<typeof startRemoteIssuers>>;
const hitsOf = async (fixtures: Issuers, url?: string) => {
  const query = url ? `?${new URLSearchParams({ host: new URL(url).host, path: new URL(url).pathname + new URL(url).search })}` : '';
  return (await getJson<{ hits: number }>(`${fixtures.controlUrl}/hits${query}`)).hits;
};
type Counters = { requests: number; commands: number } & Record<string, number>;
const upstashStats = () => getJson<Counters>(`${stack.upstash.url}/__stats`);
const neonStats = () => getJson<{ httpRequests: number; statements: number; wsSessions: number }>(`${stack.neon.url}/__stats`);
const resetStats = () =>
  Promise.all(
    [stack.upstash.url, stack.neon.url].map((url) => realFetch(`${url}/__stats/reset`, { method: 'POST' }).then((r) => r.text())),
  );

type Sample = {
  ms: number;
  remoteFetches: number;
  /** Fetches of each of the case's chain documents (more than 1: asked twice); the rest of `remoteFetches` went elsewhere. */
  perDocument: Record<string, number>;
  /** Upstash requests counted when the answer arrived, and after background writes settled. */
  redisByAnswer: number;
  redisTotal: number;
  redisCommands: Record<string, number>;
  dbStatements: number;
  serverTiming: string | null;
  sources: Array<{ url: string; from: string }>;
};

/** One timed `POST /verify` of `c`, with what it cost the fixture hosts (`fixtures`: the ones the service is bound to), Redis and the database. */
async function sample(base: string, c: FixtureCase, fixtures: Issuers = issuers): Promise<Sample> {
  const body = JSON.stringify(c.body);
  const documents = chains.get(c.name)!.levels.flat();
  const documentHits = () => Promise.all(documents.map((url) => hitsOf(fixtures, url)));
  await resetStats();
  const [hitsBefore, documentsBefore] = await Promise.all([hitsOf(fixtures), documentHits()]);
  const started = performance.now();
  const res = await realFetch(`${base}/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  const ms = performance.now() - started;
  const byAnswer = await upstashStats();
  await sleep(SETTLE_MS);
  const [settled, neon, hitsAfter, documentsAfter] = await Promise.all([upstashStats(), neonStats(), hitsOf(fixtures), documentHits()]);
  const report = JSON.parse(text) as { status?: string; sources?: Array<{ url: string; from: string }> };
  if (report.status !== c.expect)
    throw new Error(`${c.name}: answered ${res.status} status ${String(report.status)}, expected ${c.expect}: ${text}`);
  return {
    ms,
    remoteFetches: hitsAfter - hitsBefore,
    perDocument: Object.fromEntries(documents.map((url, i) => [url, documentsAfter[i]! - documentsBefore[i]!])),
    redisByAnswer: byAnswer.requests,
    redisTotal: settled.requests,
    redisCommands: Object.fromEntries(Object.entries(settled).filter(([key]) => key.startsWith('cmd:'))),
    dbStatements: neon.statements,
    serverTiming: res.headers.get('server-timing'),
    sources: (report.sources ?? []).map(({ url, from }) => ({ url, from })),
  };
}

type Summary = {
  samples: Sample[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  remoteFetches: number[];
  redisByAnswer: number[];
  redisTotal: number[];
  dbStatements: number[];
};
const summarize = (samples: Sample[]): Summary => ({
  samples,
  medianMs: median(samples.map((s) => s.ms)),
  minMs: Math.min(...samples.map((s) => s.ms)),
  maxMs: Math.max(...samples.map((s) => s.ms)),
  remoteFetches: samples.map((s) => s.remoteFetches),
  redisByAnswer: samples.map((s) => s.redisByAnswer),
  redisTotal: samples.map((s) => s.redisTotal),
  dbStatements: samples.map((s) => s.dbStatements),
});

const ours: Record<
  string,
  { cold: Summary; coldDirect: Summary; serialFetches: number[]; coldFresh: Summary; warm: Summary; redisWarm: Summary }
> = {};
for (const c of cases) {
  log(`${c.name}: warming the isolates' code on it (untimed), then measuring`);
  const warmBase = baseOf(warmService);
  const noL1Base = baseOf(noL1Service);
  const directBase = baseOf(directService);
  for (const [base, fixtures] of [
    [noL1Base, issuers],
    [directBase, direct],
    [warmBase, issuers],
    [noL1Base, issuers],
    [directBase, direct],
  ] as const) {
    await flushRemote();
    await sample(base, c, fixtures);
  }
  // Cold, paired: the same verification with every fetch 20 ms late, and with none late (the order swapped every other repetition).
  const cold: Sample[] = [];
  const coldDirect: Sample[] = [];
  for (let r = 0; r < REPS; r++) {
    const late = async () => {
      await flushRemote();
      cold.push(await sample(noL1Base, c));
    };
    const prompt = async () => {
      await flushRemote();
      coldDirect.push(await sample(directBase, c, direct));
    };
    if (r % 2) await prompt().then(late);
    else await late().then(prompt);
  }
  const coldFresh: Sample[] = [];
  for (const fresh of freshServices.get(c.name)!) {
    await flushRemote();
    coldFresh.push(await sample(baseOf(fresh), c));
  }
  // Warm: the isolate verified it moments ago (L1 holds what was fresh). Redis-warm: L1 off, Redis holding every document.
  await sample(warmBase, c);
  const warm: Sample[] = [];
  for (let r = 0; r < WARM; r++) warm.push(await sample(warmBase, c));
  await sample(noL1Base, c);
  const redisWarm: Sample[] = [];
  for (let r = 0; r < WARM; r++) redisWarm.push(await sample(noL1Base, c));
  const serialFetches = cold.map((s, i) => (s.ms - coldDirect[i]!.ms) / FETCH_RTT);
  ours[c.name] = {
    cold: summarize(cold),
    coldDirect: summarize(coldDirect),
    serialFetches,
    coldFresh: summarize(coldFresh),
    warm: summarize(warm),
    redisWarm: summarize(redisWarm),
  };
  const o = ours[c.name]!;
  log(
    `${c.name}: cold ${o.cold.medianMs.toFixed(1)} ms (at 0 ms fetches ${o.coldDirect.medianMs.toFixed(1)}; ${o.cold.remoteFetches.join('/')} fetches, Redis ${o.cold.redisTotal.join('/')}), fresh isolate ${o.coldFresh.medianMs.toFixed(1)} ms, warm ${o.warm.medianMs.toFixed(1)} ms (fetches ${o.warm.remoteFetches.join('/')}, Redis ${o.warm.redisTotal.join('/')}), Redis-warm ${o.redisWarm.medianMs.toFixed(1)} ms (Redis ${o.redisWarm.redisTotal.join('/')})`,
  );
}

// verifier-core, in this process: its HTTP client calls the global fetch per request; fixture hosts go to their ports (same latency), the 1EdTech schema it fetches to its shared copy.
const SCHEMA_FILE = [path.resolve(root, '../shared/data/openbadges'), '/work/shared/data/openbadges']
  .map((dir) => path.join(dir, 'ob-v3p0-achievementcredential.schema.json'))
  .find(existsSync);
const otherAsked: string[] = [];
let coreAsked: string[] = [];
const routedFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  const { host, pathname, search } = new URL(request.url);
  const origin = origins.get(host);
  coreAsked.push(request.url);
  if (origin) return realFetch(`${origin}${pathname}${search}`, { headers: request.headers });
  otherAsked.push(request.url);
  if (SCHEMA_FILE && request.url.endsWith('/ob_v3p0_achievementcredential_schema.json'))
    return new Response(readFileSync(SCHEMA_FILE, 'utf8'), { headers: { 'content-type': 'application/json' } });
  return new Response('offline', { status: 503 });
};
type CoreResult = { errors?: Array<{ name: string; message: string }>; log?: Array<{ id: string; valid: boolean }> };
const sideBySide = cases.find((c) => c.name === SIDE_BY_SIDE)!;
const sideCredential = (sideBySide.body as { credential: Doc }).credential;
let coreCacheFilledAt = 0;
type CoreRun = { ms: number; remoteFetches: number; asked: string[] };
async function verifierCore(): Promise<CoreRun> {
  const hitsBefore = await hitsOf(issuers);
  coreAsked = [];
  globalThis.fetch = routedFetch as typeof fetch;
  let result: CoreResult;
  const started = performance.now();
  try {
    result = (await verifierCoreVerify({ credential: sideCredential as never, knownDIDRegistries: [] })) as unknown as CoreResult;
  } finally {
    globalThis.fetch = realFetch;
  }
  const ms = performance.now() - started;
  const remoteFetches = (await hitsOf(issuers)) - hitsBefore;
  if (coreAsked.some((url) => url.endsWith('/did.json'))) coreCacheFilledAt = performance.now();
  const steps = Object.fromEntries((result.log ?? []).map((step) => [step.id, step.valid]));
  if (result.errors?.length || !steps.valid_signature || !steps.revocation_status)
    throw new Error(`verifier-core did not verify ${SIDE_BY_SIDE}: ${JSON.stringify(result.errors ?? result.log)}`);
  return { ms, remoteFetches, asked: coreAsked };
}
log('verifier-core: warming its code (untimed), then cold (its DID cache expired) and warm');
await verifierCore();
const coreCold: CoreRun[] = [];
const coreWarm: CoreRun[] = [];
for (let r = 0; r < REPS; r++) {
  await sleep(Math.max(0, coreCacheFilledAt + VERIFIER_CORE_DID_CACHE_MS - performance.now()));
  coreCold.push(await verifierCore());
  for (let w = 0; w < Math.ceil(WARM / REPS); w++) coreWarm.push(await verifierCore());
}

/** Paired rounds, warm both: ours on the warm isolate, verifier-core within its DID cache; the order reversed every other round. */
log(`paired rounds: ${ROUNDS} × ${WARM} warm verifications each`);
const ourWarmTimed = async () => {
  const started = performance.now();
  const res = await realFetch(`${baseOf(warmService)}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sideBySide.body),
  });
  await res.text();
  return performance.now() - started;
};
const rounds: Array<{ oursMs: number; verifierCoreMs: number; ratio: number; oursFetches: number; verifierCoreFetches: number }> = [];
for (let round = 0; round < ROUNDS; round++) {
  const runOurs = async () => {
    await ourWarmTimed(); // renews L1 if its copy just expired (counted below if it did not)
    const before = await hitsOf(issuers);
    const times: number[] = [];
    for (let i = 0; i < WARM; i++) times.push(await ourWarmTimed());
    return { ms: median(times), fetches: (await hitsOf(issuers)) - before };
  };
  const runCore = async () => {
    await verifierCore(); // within its DID cache for the round
    const before = await hitsOf(issuers);
    const times: number[] = [];
    for (let i = 0; i < WARM; i++) times.push((await verifierCore()).ms);
    return { ms: median(times), fetches: (await hitsOf(issuers)) - before };
  };
  let a: Awaited<ReturnType<typeof runOurs>>;
  let b: Awaited<ReturnType<typeof runCore>>;
  if (round % 2) {
    b = await runCore();
    a = await runOurs();
  } else {
    a = await runOurs();
    b = await runCore();
  }
  rounds.push({ oursMs: a.ms, verifierCoreMs: b.ms, ratio: b.ms / a.ms, oursFetches: a.fetches, verifierCoreFetches: b.fetches });
}
const speedup = median(rounds.map((r) => r.ratio));
const stderr = workerd.stderr();
await workerd.stop();
await issuers.close();
await direct.close();
await stack.close();

const coreSummary = (runs: CoreRun[]) => ({
  runs,
  medianMs: median(runs.map((r) => r.ms)),
  minMs: Math.min(...runs.map((r) => r.ms)),
  maxMs: Math.max(...runs.map((r) => r.ms)),
  remoteFetches: runs.map((r) => r.remoteFetches),
});

// Targets.
const targets: Target[] = [];
const range = (values: number[]) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
};
for (const c of cases) {
  const o = ours[c.name]!;
  const chain = chains.get(c.name)!.levels.length;
  const bound = chain * FETCH_RTT + COLD_SLACK_MS;
  targets.push({
    name: `${c.name}: cold p50 ≤ chain ${chain} × ${FETCH_RTT} ms + ${COLD_SLACK_MS} ms = ${bound} ms`,
    met: o.cold.medianMs <= bound,
    measured: `${o.cold.medianMs.toFixed(1)} ms (${o.cold.minMs.toFixed(1)}–${o.cold.maxMs.toFixed(1)}) = ${o.coldDirect.medianMs.toFixed(1)} ms with fetches answered at once + ${median(o.serialFetches).toFixed(2)} × ${FETCH_RTT} ms; fresh isolate ${o.coldFresh.medianMs.toFixed(1)} ms`,
  });
  targets.push({
    name: `${c.name} (diagnostic): cold waits for no more fetches in a row than its chain (${chain}): (cold − cold at 0 ms) / ${FETCH_RTT} ms, median of ${REPS} pairs`,
    met: median(o.serialFetches) <= chain + 0.5,
    measured: `${median(o.serialFetches).toFixed(2)} (pairs ${o.serialFetches.map((n) => n.toFixed(2)).join(', ')})`,
  });
  targets.push({
    name: `${c.name}: warm, 0 remote fetches`,
    met: o.warm.remoteFetches.every((n) => n === 0),
    measured: `${range(o.warm.remoteFetches)} per verification (${WARM} verifications)`,
  });
  targets.push({
    name: `${c.name}: warm, ≤ 1 Redis round trip`,
    met: o.warm.redisTotal.every((n) => n <= 1),
    measured: `${range(o.warm.redisTotal)} per verification (L1); ${range(o.redisWarm.redisTotal)} with L1 off`,
  });
}
const coreWarmMs = median(rounds.map((r) => r.verifierCoreMs));
const ourWarmMs = median(rounds.map((r) => r.oursMs));
targets.push({
  name: `${SIDE_BY_SIDE}: our warm ≥ ${WARM_SPEEDUP_TARGET}× faster than verifier-core's warm (median of ${ROUNDS} paired rounds)`,
  met: speedup >= WARM_SPEEDUP_TARGET,
  measured: `${speedup.toFixed(1)}× (rounds ${rounds.map((r) => r.ratio.toFixed(1)).join(', ')}; ours ${ourWarmMs.toFixed(1)} ms, verifier-core ${coreWarmMs.toFixed(1)} ms)`,
});

const report = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  loadAverage: os.loadavg(),
  settings: { fetchRttMs: FETCH_RTT, dbRttMs: DB_RTT, redisRttMs: REDIS_RTT, reps: REPS, warm: WARM, rounds: ROUNDS, settleMs: SETTLE_MS },
  cases: cases.map((c) => ({
    name: c.name,
    about: c.about,
    chain: chains.get(c.name)!.levels.length,
    chainLevels: chains.get(c.name)!.levels,
    chainWhy: chains.get(c.name)!.why,
    documents: chains.get(c.name)!.levels.flat().length,
    ...ours[c.name]!,
  })),
  verifierCore: {
    case: SIDE_BY_SIDE,
    cold: coreSummary(coreCold),
    warm: coreSummary(coreWarm),
    otherUrlsAsked: [...new Set(otherAsked)],
    schemaServedFrom: SCHEMA_FILE ?? null,
  },
  pairedRounds: { rounds, speedup },
  targets,
  workerdStderr: stderr.slice(0, 4000),
};
writeFileSync(path.join(results, 'remote.json'), `${JSON.stringify(report, null, 2)}\n`);

const f = (ms: number) => ms.toFixed(1);
const row = (label: string, state: string, chain: string, s: Summary) =>
  `| ${label} | ${state} | ${chain} | ${f(s.medianMs)} | ${f(s.minMs)}–${f(s.maxMs)} | ${range(s.remoteFetches)} | ${range(s.redisByAnswer)} / ${range(s.redisTotal)} | ${range(s.dbStatements)} |`;
const caseRows = cases.flatMap((c) => {
  const o = ours[c.name]!;
  const chain = chains.get(c.name)!;
  const label = `\`${c.name}\``;
  const chainCell = `${chain.levels.length} (${chain.levels.flat().length} documents)`;
  return [
    row(label, 'cold (Redis flushed, L1 off)', chainCell, o.cold),
    row(label, 'cold, fetches answered at once (0 ms)', '', o.coldDirect),
    row(label, 'cold, fresh isolate', chainCell, o.coldFresh),
    row(label, 'warm (L1)', '', o.warm),
    row(label, 'Redis-warm (L1 off)', '', o.redisWarm),
  ];
});
const core = report.verifierCore;
const coreRow = (state: string, s: ReturnType<typeof coreSummary>) =>
  `| verifier-core \`${SIDE_BY_SIDE}\` | ${state} | | ${f(s.medianMs)} | ${f(s.minMs)}–${f(s.maxMs)} | ${range(s.remoteFetches)} | – | – |`;
const md = `# Verifying other issuers' badges (\`npm run bench:remote\`)

Measured ${report.date} on ${report.machine} (load average ${report.loadAverage.map((n) => n.toFixed(2)).join(', ')} at the end). Every fixture-host answer ${FETCH_RTT} ms late, database ${DB_RTT} ms, Redis ${REDIS_RTT} ms (injected). Wall time of \`POST /verify\` from Node to workerd, median and range of ${REPS} (cold) or ${WARM} (warm) verifications; fetches as the fixture hosts counted them; Redis as Upstash requests by the answer / after background writes (${SETTLE_MS} ms). "chain": the longest chain of dependent fetches, from the case's documents. verifier-core runs in Node in the bench process, through the same hosts and latency.

| case | state | chain | wall p50 ms | range ms | remote fetches | Redis round trips (answer / all) | DB statements |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${caseRows.join('\n')}
${coreRow('cold (DID cache expired)', core.cold)}
${coreRow('warm (DID cached 5 s; status list fetched every time)', core.warm)}

Paired rounds (warm, \`${SIDE_BY_SIDE}\`, ${WARM} each, order reversed every other round): ours ${rounds.map((r) => f(r.oursMs)).join(', ')} ms; verifier-core ${rounds.map((r) => f(r.verifierCoreMs)).join(', ')} ms; ratio ${rounds.map((r) => r.ratio.toFixed(1)).join(', ')} (median ${speedup.toFixed(1)}×).

| target | measured | |
| --- | --- | --- |
${targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`).join('\n')}

Chains: ${cases.map((c) => `\`${c.name}\` ${chains.get(c.name)!.levels.length} (${chains.get(c.name)!.why})`).join('; ')}.
`;
writeFileSync(path.join(results, 'remote.md'), md);
console.log(md);
