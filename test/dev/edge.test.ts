/**
 * The production bundle on bare workerd (two isolates) behind the local Workers Cache stand-in,
 * over the local stack: what the edge serves after writes, purged by tag through the outbox.
 */
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, withPgClient } from '../../dev/backends.ts';
import { localStackBindings } from '../../dev/bindings.ts';
import { bundleWorker } from '../../dev/bundle.ts';
import { canonicalAccept } from '../../dev/front-entrypoint.ts';
import { startWorkerd } from '../../dev/workerd.ts';
import { startWorkersCache } from '../../dev/workers-cache.ts';

const root = path.resolve(import.meta.dirname, '../..');
const stack = inject('stack');
const ADMIN_TOKEN = 'edge-test-admin-token';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uid = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

type Edge = Awaited<ReturnType<typeof startWorkersCache>>;
let edges: Edge[];
let stopWorkerd: () => Promise<void>;
let workerdLog: () => string;
/** The isolates themselves, behind the edges. */
let workers: string[];
const issuerId = uid('edge-iss');
const badgeId = uid('edge-badge');

beforeAll(async () => {
  const bundle = bundleWorker(root, 'wrangler.toml', path.join(root, 'test-results/edge-bundle'));
  const ports = [await freePort(), await freePort()];
  edges = [];
  // One stand-in in front of each isolate; both isolates purge the first, which the tests read through.
  const cachePorts = [await freePort(), await freePort()];
  const workerd = await startWorkerd(
    ports.map((port, i) => ({
      name: `edge${i}`,
      port,
      bundle,
      bindings: localStackBindings(
        stack,
        { publicBaseUrl: 'https://badges.edge.test' },
        {
          ADMIN_TOKEN,
          RATE_LIMIT_VERIFY_PER_MINUTE: '0',
          OUTBOX_RETRY_AFTER_SECONDS: '0',
          L1_TTL_SECONDS: '1',
          // Bounds how long a render may run, so the second purge comes after 1 + 2 + 0.15 s here.
          DATABASE_TIMEOUT_MS: '2000',
          WORKERS_CACHE_PURGE_URL: `http://127.0.0.1:${cachePorts[0]}/__purge`,
        },
      ),
    })),
    path.join(root, 'test-results'),
  );
  stopWorkerd = workerd.stop;
  workerdLog = workerd.stderr;
  workers = ports.map((port) => `http://127.0.0.1:${port}`);
  for (const [i, port] of ports.entries())
    edges.push(await startWorkersCache({ origin: `http://127.0.0.1:${port}`, port: cachePorts[i], frontEntrypoint: canonicalAccept }));
  await withPgClient(stack.postgresUrl, async (client) => {
    await client.query(
      `insert into issuers (id, name, url, email) values ($1, 'Edge Issuer', 'https://edge.example.org', 'e@edge.example.org')`,
      [issuerId],
    );
    await client.query(
      `insert into badge_classes (id, issuer_id, name, description, criteria_narrative, image_bytes, image_type)
       values ($1, $2, 'Edge Badge', 'd', 'c', convert_to('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', 'UTF8'), 'image/svg+xml')`,
      [badgeId, issuerId],
    );
  });
}, 120_000);

afterAll(async () => {
  for (const edge of edges ?? []) await edge.close();
  await stopWorkerd?.();
  await withPgClient(stack.postgresUrl, async (client) => {
    await client.query('delete from assertions where badge_class_id = $1', [badgeId]);
    await client.query('delete from badge_classes where id = $1', [badgeId]);
    await client.query('delete from issuers where id = $1', [issuerId]);
  });
});

const edge = (i = 0) => edges[i]!;
async function get(pathname: string, headers: Record<string, string> = {}, via = 0) {
  const res = await fetch(`${edge(via).url}${pathname}`, { headers });
  return { status: res.status, cache: res.headers.get('cf-cache-status'), body: await res.text() };
}
async function admin(method: string, pathname: string, body: unknown, via = 0) {
  const res = await fetch(`${edge(via).url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { id: string; cache: { redis: string; edge: string } } };
}
const issue = async () =>
  (await admin('POST', '/admin/assertions', { badgeId, recipient: { identity: `${uid('r')}@example.org` } })).body.id;
const statusOf = (body: string) => (JSON.parse(body) as { status: string }).status;

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
/** A plain `http.request`: no decoding, no headers of its own, no `Expect: 100-continue`. */
const raw = (url: string, method: string, headers: Record<string, string> = {}, body?: Uint8Array) =>
  new Promise<Raw>((resolve, reject) => {
    const request = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
/** The bytes as their Content-Encoding says they are encoded (zlib throws on bytes that are not gzip). */
function decoded(res: Raw): Buffer {
  const encoding = res.headers['content-encoding'];
  if (encoding === undefined) return res.body;
  if (encoding === 'gzip') return zlib.gunzipSync(res.body);
  throw new Error(`unexpected Content-Encoding ${encoding}`);
}

describe('behind Workers Cache', () => {
  it('answers a repeat GET from the edge without running the Worker', async () => {
    const id = await issue();
    const before = edge().stats.originRequests;
    expect((await get(`/assertions/${id}/verify`)).cache).toBe('MISS');
    expect((await get(`/assertions/${id}/verify`)).cache).toBe('HIT');
    expect(edge().stats.originRequests - before).toBe(1);
  });

  it('answers other spellings of a URL with a redirect to the canonical one (not followed by the front entrypoint)', async () => {
    const id = await issue();
    const res = await fetch(`${edge().url}/assertions/${id}/verify/`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`/assertions/${id}/verify`);
  });

  it('keeps one entry per format, however a browser spells Accept', async () => {
    const id = await issue();
    const browsers = ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html, */*;q=0.1', 'text/html'];
    expect((await get(`/assertions/${id}`, { accept: browsers[0]! })).cache).toBe('MISS');
    for (const accept of browsers.slice(1)) expect((await get(`/assertions/${id}`, { accept })).cache, accept).toBe('HIT');
    expect((await get(`/assertions/${id}`, { accept: 'application/ld+json, application/json' })).cache).toBe('MISS');
    expect((await get(`/assertions/${id}`, { accept: '*/*' })).cache).toBe('HIT'); // the same JSON-LD variant
  });

  it('shows a revoke on the next read of every affected URL and variant', async () => {
    const id = await issue();
    const urls: Array<[string, Record<string, string>]> = [
      [`/assertions/${id}/verify`, {}],
      [`/assertions/${id}`, { accept: 'application/ld+json' }],
      [`/assertions/${id}`, { accept: 'text/html' }],
      [`/assertions/${id}/image`, {}],
      [`/issuers/${issuerId}/revocations`, {}],
      [`/assertions/${id}/embed`, {}],
      [`/assertions/${id}/certificate`, {}],
    ];
    for (const [url, headers] of urls) await get(url, headers);
    for (const [url, headers] of urls) expect((await get(url, headers)).cache, url).toBe('HIT');
    const revoked = await admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'edge' });
    expect(revoked.body.cache).toEqual({ redis: 'done', edge: 'done' });
    const verify = await get(`/assertions/${id}/verify`);
    expect(verify.cache).not.toBe('HIT');
    expect(statusOf(verify.body)).toBe('revoked');
    expect((await get(`/assertions/${id}`, { accept: 'application/ld+json' })).status).toBe(410);
    expect((await get(`/assertions/${id}`, { accept: 'text/html' })).status).toBe(410);
    expect((await get(`/assertions/${id}/image`)).status).toBe(410);
    expect((await get(`/issuers/${issuerId}/revocations`)).body).toContain(id);
    const embed = await get(`/assertions/${id}/embed`);
    expect([embed.status, embed.body.includes('>Revoked: edge</p>')]).toEqual([410, true]);
    expect((await get(`/assertions/${id}/certificate`)).body).toContain('REVOKED: this certificate is no longer valid');
  });

  it('shows a badge edit and an issuer edit in every cached answer that embeds them', async () => {
    const id = await issue();
    await get(`/assertions/${id}/verify`);
    await get(`/badges/${badgeId}`);
    const name = uid('Badge');
    expect((await admin('PATCH', `/admin/badges/${badgeId}`, { name })).body.cache.edge).toBe('done');
    expect(JSON.parse((await get(`/assertions/${id}/verify`)).body).badge.name).toBe(name);
    expect(JSON.parse((await get(`/badges/${badgeId}`)).body).name).toBe(name);
    const issuerName = uid('Issuer');
    await get(`/assertions/${id}/verify`);
    expect((await admin('PATCH', `/admin/issuers/${issuerId}`, { name: issuerName })).body.cache.edge).toBe('done');
    expect(JSON.parse((await get(`/assertions/${id}/verify`)).body).issuer.name).toBe(issuerName);
  });

  it('a read in flight across a revoke may store its old answer only until the second purge', async () => {
    const id = uid('edge-a');
    await withPgClient(stack.postgresUrl, (client) =>
      client.query(
        `insert into assertions (id, badge_class_id, issuer_id, recipient_identity, recipient_salt, issued_on) values ($1, $2, $3, 'sha256$00', 's', now() - interval '1 day')`,
        [id, badgeId, issuerId],
      ),
    );
    const control = (body: unknown) => fetch(`${stack.neonUrl}/__control`, { method: 'POST', body: JSON.stringify(body) });
    await control({ holdReplyMs: 800 });
    const inFlight = get(`/assertions/${id}/verify`, {}, 0); // a Redis miss: its statement runs now, its reply waits
    await sleep(200);
    await control({ holdReplyMs: 0 });
    expect((await admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'in flight' }, 1)).body.cache.edge).toBe('done');
    expect(statusOf((await inFlight).body)).toBe('valid'); // it began before the revoke
    // The edge stored that old answer after the first purge; the write's second purge (after the L1 bound) removes it.
    expect(await get(`/assertions/${id}/verify`)).toMatchObject({ cache: 'HIT' });
    await sleep(3_700);
    expect(statusOf((await get(`/assertions/${id}/verify`)).body)).toBe('revoked');
  });

  it('retries a purge the platform refused (rate limit) until it succeeds', async () => {
    const id = await issue();
    await get(`/assertions/${id}/verify`);
    await fetch(`${edge().url}/__control`, { method: 'POST', body: JSON.stringify({ refusePurges: 1 }) });
    const revoked = await admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'rate limited' });
    expect(revoked.body.cache).toEqual({ redis: 'done', edge: 'pending' });
    expect(statusOf((await get(`/assertions/${id}/verify`)).body)).toBe('valid'); // the edge still holds it
    // A later write in an isolate drains the outbox: the purge is sent again and accepted.
    await admin('PATCH', `/admin/issuers/${issuerId}`, { description: 'nudge' }, 1);
    await sleep(4_000); // the drain purges twice, renders' longest duration apart
    const after = await get(`/assertions/${id}/verify`);
    expect(statusOf(after.body)).toBe('revoked');
  });
});

describe('behind Workers Cache: what clients that negotiate compression get, HEAD, request bodies', () => {
  it("every answer's bytes are what its Content-Encoding says, to fetch and to a raw client asking for gzip, on a miss and on a hit", async () => {
    const id = await issue();
    const urls = [
      `/assertions/${id}/verify`,
      `/assertions/${id}`,
      `/badges/${badgeId}`,
      `/badges/${badgeId}/image`,
      `/assertions/${id}/image`,
    ];
    for (const url of urls) {
      const direct = Buffer.from(await (await fetch(`${workers[0]}${url}`)).arrayBuffer());
      const answers = [
        await raw(`${edge().url}${url}`, 'GET', { 'accept-encoding': 'gzip' }),
        await raw(`${edge().url}${url}`, 'GET', { 'accept-encoding': 'gzip' }),
        await raw(`${edge().url}${url}`, 'GET'),
      ];
      expect(answers.map((res) => res.headers['cf-cache-status']).slice(1), url).toEqual(['HIT', 'HIT']);
      const bodies = answers.map(decoded);
      for (const [i, res] of answers.entries()) {
        expect(res.headers['content-length'], url).toBe(String(res.body.length));
        expect(bodies[i]!.equals(bodies[0]!), url).toBe(true); // a hit is the stored miss
      }
      expect(answers[2]!.headers['content-encoding'], url).toBeUndefined();
      // The same document the Worker serves (a verification report differs only in verifiedAt).
      const strip = (bytes: Buffer) => bytes.toString('utf8').replace(/"verifiedAt":"[^"]+"/, '');
      expect(strip(bodies[0]!), url).toBe(strip(direct));
      // fetch() (Accept-Encoding: gzip, deflate, br) reads the hit.
      const viaFetch = await fetch(`${edge().url}${url}`);
      expect(viaFetch.headers.get('cf-cache-status')).toBe('HIT');
      expect(Buffer.from(await viaFetch.arrayBuffer()).equals(bodies[0]!), url).toBe(true);
    }
    // Text is compressed for a client that accepts gzip, as Cloudflare does; images are not.
    const report = await raw(`${edge().url}/assertions/${id}/verify`, 'GET', { 'accept-encoding': 'gzip, deflate, br' });
    expect(report.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decoded(report).toString('utf8')).status).toBe('valid');
  });

  it('a HEAD does not poison the edge: HEAD then GET is a hit with the whole body (a verification, a badge image)', async () => {
    const id = await issue();
    for (const url of [`/assertions/${id}/verify`, `/badges/${badgeId}/image`, `/assertions/${id}/image`]) {
      await fetch(`${edge().url}/__purge`, { method: 'POST', body: JSON.stringify({ pathPrefixes: [url] }) });
      const head = await raw(`${edge().url}${url}`, 'HEAD');
      expect([head.status, head.body.length], url).toEqual([200, 0]);
      const got = await raw(`${edge().url}${url}`, 'GET');
      expect([got.status, got.headers['cf-cache-status']], url).toEqual([200, 'HIT']);
      expect(got.body.length, url).toBeGreaterThan(0);
      expect(got.headers['content-length'], url).toBe(head.headers['content-length']);
      if (url.endsWith('/image'))
        expect(got.body.equals(Buffer.from(await (await fetch(`${workers[0]}${url}`)).arrayBuffer())), url).toBe(true);
      else expect(statusOf(got.body.toString('utf8')), url).toBe('valid');
    }
  });

  it("the earner's routes (embed, certificate, QR code, oEmbed): HEAD then GET is a hit; gzip when asked, the same bytes decoded", async () => {
    const id = await issue();
    const oembed = `/oembed?url=${encodeURIComponent(`https://badges.edge.test/assertions/${id}`)}&format=json`;
    for (const url of [`/assertions/${id}/embed`, `/assertions/${id}/certificate`, `/assertions/${id}/qr.svg`, oembed]) {
      await fetch(`${edge().url}/__purge`, { method: 'POST', body: JSON.stringify({ pathPrefixes: [url.split('?')[0]] }) });
      const head = await raw(`${edge().url}${url}`, 'HEAD');
      expect([head.status, head.body.length], url).toEqual([200, 0]);
      const plain = await raw(`${edge().url}${url}`, 'GET');
      expect([plain.status, plain.headers['cf-cache-status'], plain.headers['content-encoding']], url).toEqual([200, 'HIT', undefined]);
      expect(plain.headers['content-length'], url).toBe(head.headers['content-length']);
      expect(plain.body.length, url).toBeGreaterThan(0);
      const gzipped = await raw(`${edge().url}${url}`, 'GET', { 'accept-encoding': 'gzip, deflate, br' });
      expect(gzipped.headers['cf-cache-status'], url).toBe('HIT');
      if (!url.endsWith('.svg')) expect(gzipped.headers['content-encoding'], url).toBe('gzip');
      expect(decoded(gzipped).equals(plain.body), url).toBe(true);
      // What a browser or undici (which decode for themselves) read.
      expect(Buffer.from(await (await fetch(`${edge().url}${url}`)).arrayBuffer()).equals(plain.body), url).toBe(true);
    }
    const embed = (await raw(`${edge().url}/assertions/${id}/embed`, 'GET')).body.toString('utf8');
    expect(embed).toContain('data-testid="status">Valid<');
    expect(embed).toContain(`href="https://badges.edge.test/assertions/${id}"`);
    const card = JSON.parse((await raw(`${edge().url}${oembed}`, 'GET')).body.toString('utf8')) as { type: string; html: string };
    expect(card.type).toBe('rich');
    expect(card.html).toContain(`/assertions/${id}/embed`);
  });

  it('a 30 MB POST /verify through the edge answers 413 (fetch, and a raw client without Expect); a wrong token answers 401 every time; nothing uncaught', async () => {
    const big = new Uint8Array(30_000_000);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${edge().url}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: big,
      });
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([413, 'body_too_large']);
      const rawAnswer = await raw(`${edge().url}/verify`, 'POST', { 'content-type': 'application/octet-stream' }, big);
      expect([rawAnswer.status, JSON.parse(decoded(rawAnswer).toString('utf8')).code]).toEqual([413, 'body_too_large']);
    }
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${edge().url}/admin/issuers`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer wrong-token-for-the-edge',
          'content-type': 'application/json',
          'cf-connecting-ip': `10.19.0.${i}`,
        },
        body: JSON.stringify({ name: 'x'.repeat(200_000) }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual(Array(10).fill(401));
    expect((await fetch(`${edge().url}/health`)).status).toBe(200);
    expect(workerdLog()).not.toMatch(/uncaught/i);
  });
});
