/**
 * @module The realistic traffic mix, in its own process: Zipf-distributed reads of verifications,
 * documents and pages spread over every isolate, with a share of OB 3.0 reads (issuers' status
 * lists, credentials), a concurrent writer (issuance, revocations, definition edits), and a
 * checker that polls every revoked id (and, with OB 3.0 reads on, its status list bit) through
 * every isolate. Reads a JSON spec from argv, prints a JSON result on its last line.
 */
import { gunzipSync } from 'node:zlib';

export type RealisticSpec = {
  /** One base URL per isolate. */
  isolates: string[];
  adminToken: string;
  /** The seeded assertion ids: `${prefix}${n}`, n in 0..count-1 zero-padded to `width`. */
  ids: { prefix: string; width: number; count: number };
  badges: string[];
  issuers: string[];
  zipfS: number;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
  /** Share of reads that are OB 3.0: three quarters status lists (every verifier of a credential reads one), a quarter credentials. */
  ob3Share: number;
  /** Whether POST /admin/assertions/batch exists (the pre-v2 main has none: batches are sent as singles). */
  batchIssuance: boolean;
  /** The local stack, whose counters are reset when measuring starts and read when it ends (the metrics collector's too, when given). */
  stack: { neonUrl: string; upstashUrl: string; metricsUrl?: string };
};

/** Shares of all generator requests. Reads are the rest. */
const MIX = { issueSingle: 0.005, issueBatch: 0.005, revoke: 0.001, editBadge: 0.0007, editIssuer: 0.0003 };
const BATCH_SIZE = 20;
/** Reads of assertions issued during the run (their first verifications), besides the Zipf reads. */
const RECENT_READ_SHARE = 0.03;
type ReadKind = 'verify' | 'document' | 'page' | 'status' | 'credential';
/** OB 2.0 reads, then OB 3.0 ones: `spec.ob3Share` of all reads. */
const readRoutes = (ob3Share: number): Array<readonly [ReadKind, number]> => [
  ['verify', 0.6 * (1 - ob3Share)],
  ['document', 0.25 * (1 - ob3Share)],
  ['page', 0.15 * (1 - ob3Share)],
  ['status', 0.75 * ob3Share],
  ['credential', 0.25 * ob3Share],
];
/** How long the checker keeps polling a revoked id through every isolate. */
const CHECK_FOR_MS = 4_000;
const CHECK_EVERY_MS = 100;

export type RealisticResult = {
  reads: number;
  readsByKind: Record<string, number>;
  writes: Record<string, number>;
  writeErrors: number;
  readErrors: number;
  /** Summed from each read's Server-Timing: work on the request path. */
  requestPath: { statements: number; redisRequests: number };
  /** The local stack's own counters over the measured window (background work and writes included). */
  stack: { neon: Record<string, number>; upstash: Record<string, number> };
  /** What the Worker's metrics sink got over the same window (the collector's sums: `dev/metrics-collector.ts`). */
  sink?: Record<string, unknown>;
  latency: { p50: number; p90: number; p99: number; max: number };
  xCache: Record<string, number>;
  /** `cf-cache-status` of the reads when an edge cache is in front ('none' without one). */
  edgeStatus: Record<string, number>;
  staleness: { revocations: number; checks: number; staleAnswers: number; worstMs: number; worstAfterL1BoundMs: number };
  /** The revoked awards' bits in their status lists, read through every isolate after each revoke answered. */
  statusListStaleness: { revocations: number; checks: number; staleAnswers: number; worstMs: number };
  seconds: number;
};

const spec = JSON.parse(process.argv[2]!) as RealisticSpec;
const admin = { authorization: `Bearer ${spec.adminToken}`, 'content-type': 'application/json' };

/** Zipf(s) over ranks 1..n by inverse CDF; rank r maps to ids[r - 1] of a shuffled copy. */
function zipf(n: number, s: number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) cdf[k - 1] = sum += 1 / k ** s;
  return () => {
    const target = Math.random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const seeded = Array.from({ length: spec.ids.count }, (_, n) => spec.ids.prefix + String(n).padStart(spec.ids.width, '0'));
// Popularity is unrelated to issue order: ranks go to a shuffled copy.
const ranked = seeded.sort(() => Math.random() - 0.5);
const nextRank = zipf(ranked.length, spec.zipfS);
const recent: string[] = [];
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
const isolate = () => pick(spec.isolates);

let measuring = false;
let stopped = false;
const latencies: number[] = [];
const result: RealisticResult = {
  reads: 0,
  readsByKind: {},
  writes: {},
  writeErrors: 0,
  readErrors: 0,
  requestPath: { statements: 0, redisRequests: 0 },
  stack: { neon: {}, upstash: {} },
  latency: { p50: 0, p90: 0, p99: 0, max: 0 },
  xCache: {},
  edgeStatus: {},
  staleness: { revocations: 0, checks: 0, staleAnswers: 0, worstMs: 0, worstAfterL1BoundMs: 0 },
  statusListStaleness: { revocations: 0, checks: 0, staleAnswers: 0, worstMs: 0 },
  seconds: spec.seconds,
};
/** When each revoke answered (ms since epoch). */
const revokedAt = new Map<string, number>();

function serverTiming(header: string | null) {
  const db = /db;[^,]*desc="(\d+) statements/.exec(header ?? '');
  const redis = /redis;[^,]*desc="(\d+) requests/.exec(header ?? '');
  return { statements: Number(db?.[1] ?? 0), redisRequests: Number(redis?.[1] ?? 0) };
}

/** Whether an answer about `id` still says it is valid (the checker's and the readers' test). */
async function saysValid(kind: 'verify' | 'document' | 'page', response: Response): Promise<boolean> {
  if (kind === 'verify') return ((await response.json()) as { status?: string }).status === 'valid';
  await response.arrayBuffer();
  return response.status === 200;
}

const L1_BOUND_MS = 2_000;

function noteStaleness(id: string, started: number, valid: boolean) {
  const at = revokedAt.get(id);
  if (at === undefined || started < at) return;
  result.staleness.checks++;
  if (!valid) return;
  result.staleness.staleAnswers++;
  result.staleness.worstMs = Math.max(result.staleness.worstMs, started - at);
  if (started - at > L1_BOUND_MS) result.staleness.worstAfterL1BoundMs = Math.max(result.staleness.worstAfterL1BoundMs, started - at);
}

function routeFor(kind: ReadKind, id: string): { path: string; headers: Record<string, string> } {
  switch (kind) {
    case 'verify':
      return { path: `/assertions/${id}/verify`, headers: {} };
    case 'status':
      // Each issuer's awards fit in its list 0 here (at most 131,072 per issuer).
      return { path: `/status/${pick(spec.issuers)}/0`, headers: {} };
    case 'credential':
      return { path: `/credentials/${id}`, headers: {} };
    default:
      return { path: `/assertions/${id}`, headers: { accept: kind === 'page' ? 'text/html' : 'application/ld+json' } };
  }
}

const READ_ROUTES = readRoutes(spec.ob3Share);

async function read() {
  const id = recent.length && Math.random() < RECENT_READ_SHARE ? pick(recent) : ranked[nextRank()]!;
  const kind = pickByShare(READ_ROUTES) ?? 'verify';
  const { path, headers } = routeFor(kind, id);
  const started = Date.now();
  const t0 = performance.now();
  const response = await fetch(`${isolate()}${path}`, { headers });
  // OB 3.0 reads do not say whether one award is valid: their freshness is the status-list checker's.
  if (kind === 'status' || kind === 'credential') await response.arrayBuffer();
  else noteStaleness(id, started, await saysValid(kind, response));
  const elapsed = performance.now() - t0;
  if (!measuring) return;
  result.reads++;
  result.readsByKind[kind] = (result.readsByKind[kind] ?? 0) + 1;
  if (response.status >= 500) result.readErrors++;
  latencies.push(elapsed);
  const edge = response.headers.get('cf-cache-status') ?? 'none';
  result.edgeStatus[edge] = (result.edgeStatus[edge] ?? 0) + 1;
  // An edge hit replays the headers of the render it stored: the Worker did not run for this read.
  if (edge === 'HIT' || edge === 'STALE') return;
  const timing = serverTiming(response.headers.get('server-timing'));
  result.requestPath.statements += timing.statements;
  result.requestPath.redisRequests += timing.redisRequests;
  const cache = response.headers.get('x-cache') ?? 'none';
  result.xCache[cache] = (result.xCache[cache] ?? 0) + 1;
}

let issued = 0;
const newAwardId = () => `rt-${process.pid}-${++issued}`;

async function adminCall(name: string, method: string, path: string, body: unknown): Promise<Response> {
  const response = await fetch(`${isolate()}${path}`, { method, headers: admin, body: JSON.stringify(body) });
  if (measuring) {
    result.writes[name] = (result.writes[name] ?? 0) + 1;
    if (!response.ok) result.writeErrors++;
  }
  return response;
}

async function issue(count: number) {
  const recipients = Array.from({ length: count }, () => ({ id: newAwardId(), identity: `${crypto.randomUUID()}@example.org` }));
  const badgeId = pick(spec.badges);
  if (count > 1 && spec.batchIssuance) {
    const response = await adminCall('issue-batch', 'POST', '/admin/assertions/batch', { badgeId, recipients });
    await response.arrayBuffer();
    if (response.ok) recent.push(...recipients.map((r) => r.id));
    return;
  }
  for (const { id, identity } of recipients) {
    const response = await adminCall(count > 1 ? 'issue-batch-as-singles' : 'issue', 'POST', '/admin/assertions', {
      id,
      badgeId,
      recipient: { identity },
    });
    await response.arrayBuffer();
    if (response.ok) recent.push(id);
  }
}

/** Polls `id` through every isolate until CHECK_FOR_MS after its revoke answered. */
async function check(id: string, answeredAt: number) {
  while (Date.now() - answeredAt < CHECK_FOR_MS && !stopped) {
    await Promise.all(
      spec.isolates.map(async (base) => {
        const started = Date.now();
        const response = await fetch(`${base}/assertions/${id}/verify`);
        noteStaleness(id, started, await saysValid('verify', response));
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
  }
}

/** Whether bit `index` of a BitstringStatusListCredential is set (gzip, base64url multibase; bit 0 is the MSB of byte 0). */
function bitIsSet(list: { credentialSubject: { encodedList: string } }, index: number): boolean {
  const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
  return ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

/** Polls the status list bit of revoked `id` through every isolate until CHECK_FOR_MS after its revoke answered. */
async function checkStatusList(id: string, answeredAt: number) {
  const credential = (await (await fetch(`${spec.isolates[0]}/credentials/${id}`)).json()) as {
    credentialStatus?: { statusListCredential: string; statusListIndex: string };
  };
  if (!credential.credentialStatus) return;
  const path = new URL(credential.credentialStatus.statusListCredential).pathname;
  const index = Number(credential.credentialStatus.statusListIndex);
  const staleness = result.statusListStaleness;
  staleness.revocations++;
  while (Date.now() - answeredAt < CHECK_FOR_MS && !stopped) {
    await Promise.all(
      spec.isolates.map(async (base) => {
        const started = Date.now();
        const revoked = bitIsSet(await (await fetch(`${base}${path}`)).json(), index);
        staleness.checks++;
        if (revoked) return;
        staleness.staleAnswers++;
        staleness.worstMs = Math.max(staleness.worstMs, started - answeredAt);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
  }
}

const checks: Promise<void>[] = [];

async function revoke() {
  const id = Math.random() < 0.5 && recent.length ? pick(recent) : ranked[nextRank()]!;
  if (revokedAt.has(id)) return;
  const response = await adminCall('revoke', 'POST', `/admin/assertions/${id}/revoke`, { reason: 'bench' });
  await response.arrayBuffer();
  if (!response.ok) return;
  const at = Date.now();
  revokedAt.set(id, at);
  if (measuring) {
    result.staleness.revocations++;
    checks.push(check(id, at));
    if (spec.ob3Share > 0) checks.push(checkStatusList(id, at));
  }
}

async function edit(kind: 'badge' | 'issuer') {
  const id = pick(kind === 'badge' ? spec.badges : spec.issuers);
  const path = kind === 'badge' ? `/admin/badges/${id}` : `/admin/issuers/${id}`;
  const response = await adminCall(`edit-${kind}`, 'PATCH', path, { description: `Edited at ${new Date().toISOString()}` });
  await response.arrayBuffer();
}

/** One of `choices` with the probability of its share; undefined for the rest (shares may sum below 1). */
function pickByShare<T>(choices: ReadonlyArray<readonly [T, number]>): T | undefined {
  let r = Math.random();
  for (const [choice, share] of choices) {
    r -= share;
    if (r < 0) return choice;
  }
  return undefined;
}

async function step() {
  const action = pickByShare([
    [() => issue(1), MIX.issueSingle],
    [() => issue(BATCH_SIZE), MIX.issueBatch],
    [revoke, MIX.revoke],
    [() => edit('badge'), MIX.editBadge],
    [() => edit('issuer'), MIX.editIssuer],
  ]);
  return action ? action() : read();
}

async function loop() {
  while (!stopped) await step().catch(() => (measuring ? result.readErrors++ : undefined));
}

const loops = Array.from({ length: spec.concurrency }, loop);
await new Promise((resolve) => setTimeout(resolve, spec.warmupSeconds * 1000));
await Promise.all([
  fetch(`${spec.stack.neonUrl}/__stats/reset`, { method: 'POST' }),
  fetch(`${spec.stack.upstashUrl}/__stats/reset`, { method: 'POST' }),
  spec.stack.metricsUrl && fetch(`${spec.stack.metricsUrl}/__stats/reset`, { method: 'POST' }),
]);
measuring = true;
await new Promise((resolve) => setTimeout(resolve, spec.seconds * 1000));
measuring = false;
const [neon, upstash, sink] = await Promise.all([
  fetch(`${spec.stack.neonUrl}/__stats`).then((r) => r.json()),
  fetch(`${spec.stack.upstashUrl}/__stats`).then((r) => r.json()),
  spec.stack.metricsUrl ? fetch(`${spec.stack.metricsUrl}/__stats`).then((r) => r.json()) : undefined,
]);
result.stack = { neon, upstash } as RealisticResult['stack'];
if (sink) result.sink = sink as Record<string, unknown>;
stopped = true;
await Promise.all([...loops, ...checks]);

latencies.sort((a, b) => a - b);
const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
result.latency = { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
console.log(JSON.stringify(result));
