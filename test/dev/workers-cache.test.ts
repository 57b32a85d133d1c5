/**
 * The local Workers Cache stand-in against the rules Cloudflare documents for Workers Cache
 * (developers.cloudflare.com/workers/cache/), with a scripted origin that counts its requests.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../../dev/controls.ts';
import { startWorkersCache } from '../../dev/workers-cache.ts';

type Reply = { status?: number; headers?: Record<string, string>; body?: string | Buffer };
/** The scripted origin's answer; `undefined` when the handler answers itself (`custom`). */
let reply: (req: http.IncomingMessage, res: http.ServerResponse) => Reply | undefined;
let originRequests = 0;
let originMethods: string[] = [];
const origin = http.createServer((req, res) => {
  originRequests++;
  originMethods.push(req.method ?? '');
  const answer = reply(req, res);
  if (!answer) return;
  const { status = 200, headers = {}, body = `body ${originRequests}` } = answer;
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(body);
});
let originServer: Awaited<ReturnType<typeof listenOnLoopback>>;
let cache: Awaited<ReturnType<typeof startWorkersCache>>;

beforeAll(async () => {
  originServer = await listenOnLoopback(origin);
  cache = await startWorkersCache({ origin: originServer.url });
});
afterAll(async () => {
  await cache.close();
  await originServer.close();
});
let path: string;
beforeEach(() => {
  originRequests = 0;
  originMethods = [];
  path = `/thing-${crypto.randomUUID().slice(0, 8)}`;
  reply = () => ({ headers: { 'cache-control': 'public, max-age=60' } });
});

const get = async (headers: Record<string, string> = {}, at = path) => {
  const res = await fetch(`${cache.url}${at}`, { headers });
  return {
    status: res.status,
    cache: res.headers.get('cf-cache-status'),
    age: Number(res.headers.get('age') ?? 0),
    body: await res.text(),
    headers: res.headers,
  };
};
const purge = async (body: unknown) =>
  (await (await fetch(cache.purgeUrl, { method: 'POST', body: JSON.stringify(body) })).json()) as { success: boolean };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
/** A plain `http.request` (no decoding, no headers of its own): what is on the wire. */
const raw = (method: string, headers: Record<string, string> = {}, at = path, body?: Buffer) =>
  new Promise<Raw>((resolve, reject) => {
    const request = http.request(`${cache.url}${at}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
/** The body as its Content-Encoding says it is encoded (gunzip throws "incorrect header check" on bytes that are not gzip). */
function decoded(res: Raw): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === undefined) return res.body.toString('utf8');
  if (encoding === 'gzip') return zlib.gunzipSync(res.body).toString('utf8');
  throw new Error(`unexpected Content-Encoding ${encoding}`);
}

/**
 * POSTs one 64 KiB chunk of a chunked body and ends the body only once the answer has arrived
 * (or, if none comes, after 10 s): whether the answer came while the client was still sending.
 */
const postAndHold = () =>
  new Promise<{ status: number; body: string; answeredWhileSending: boolean }>((resolve, reject) => {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(fallback);
      request.end();
    };
    const request = http.request(
      `${cache.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/octet-stream' } },
      (res) => {
        const answeredWhileSending = !ended;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          end();
          resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), answeredWhileSending });
        });
      },
    );
    request.on('error', reject);
    const fallback = setTimeout(end, 10_000);
    request.write(Buffer.alloc(64 * 1024, 1));
  });

describe('local Workers Cache', () => {
  it('answers a repeat GET from the cache without calling the Worker, and counts Age from storing', async () => {
    expect((await get()).cache).toBe('MISS');
    await sleep(1100);
    const hit = await get();
    expect(hit).toMatchObject({ cache: 'HIT', body: 'body 1' });
    expect(hit.age).toBeGreaterThanOrEqual(1);
    expect(originRequests).toBe(1);
  });

  it('keys on the path and query, not the host', async () => {
    await get();
    expect((await get({ host: 'other.example' })).cache).toBe('HIT');
    expect((await get({}, `${path}?x=1`)).cache).toBe('MISS');
  });

  it('keeps one entry per verbatim value of each Vary header', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=60', vary: 'Accept' } });
    expect((await get({ accept: 'text/html' })).cache).toBe('MISS');
    expect((await get({ accept: 'text/html' })).cache).toBe('HIT');
    expect((await get({ accept: 'text/html, */*' })).cache).toBe('MISS');
  });

  it('gives Cloudflare-CDN-Cache-Control precedence over CDN-Cache-Control and Cache-Control', async () => {
    reply = () => ({
      headers: { 'cache-control': 'public, max-age=600', 'cdn-cache-control': 'max-age=600', 'cloudflare-cdn-cache-control': 'no-store' },
    });
    await get();
    expect((await get()).cache).toBe('BYPASS');
    expect(originRequests).toBe(2);
  });

  it('bypasses private, no-store and Set-Cookie answers, and anything but GET/HEAD', async () => {
    for (const headers of [
      { 'cache-control': 'private, max-age=60' },
      { 'cache-control': 'no-store' },
      { 'cache-control': 'max-age=60', 'set-cookie': 'a=b' },
    ] as Array<Record<string, string>>) {
      reply = () => ({ headers });
      path = `/bypass-${crypto.randomUUID().slice(0, 8)}`;
      await get();
      expect((await get()).cache).toBe('BYPASS');
    }
    const post = await fetch(`${cache.url}${path}`, { method: 'POST', body: 'x' });
    expect(post.headers.get('cf-cache-status')).toBe('BYPASS');
  });

  it('serves a stale entry within stale-while-revalidate and refreshes it in the background', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=1, stale-while-revalidate=30' } });
    await get();
    await sleep(1100);
    expect(await get()).toMatchObject({ cache: 'STALE', body: 'body 1' });
    await sleep(100);
    expect(await get()).toMatchObject({ cache: 'HIT', body: 'body 2' });
  });

  it('switches stale-while-revalidate off when s-maxage or must-revalidate is present', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=1, must-revalidate, stale-while-revalidate=30' } });
    await get();
    await sleep(1100);
    expect((await get()).cache).toBe('EXPIRED');
  });

  it('serves a stale entry when the Worker fails, within stale-if-error only', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=1, stale-if-error=30' } });
    await get();
    await sleep(1100);
    reply = () => ({ status: 500, headers: { 'cache-control': 'no-store' } });
    expect(await get()).toMatchObject({ status: 200, cache: 'STALE', body: 'body 1' });

    path = `/sie-${crypto.randomUUID().slice(0, 8)}`;
    reply = () => ({ headers: { 'cache-control': 'max-age=1' } });
    await get();
    await sleep(1100);
    reply = () => ({ status: 500, headers: { 'cache-control': 'no-store' } });
    expect((await get()).status).toBe(500);
  });

  it('applies the platform heuristics when there is no Cache-Control: 200 kept, 500 not', async () => {
    reply = () => ({ headers: {} });
    await get();
    expect((await get()).cache).toBe('HIT');
    reply = () => ({ status: 500 });
    path = `/error-${crypto.randomUUID().slice(0, 8)}`;
    await get();
    expect((await get()).cache).not.toBe('HIT');
  });

  it('purges by tag, case-insensitively, every variant of every URL carrying it; a refused purge keeps them', async () => {
    reply = (req) => ({ headers: { 'cache-control': 'max-age=60', vary: 'Accept', 'cache-tag': `Assertion:A1,badge:${req.url}` } });
    const other = `/other-${crypto.randomUUID().slice(0, 8)}`;
    await get({ accept: 'text/html' });
    await get({ accept: 'application/json' });
    await get({}, other);
    await fetch(`${cache.url}/__control`, { method: 'POST', body: JSON.stringify({ refusePurges: 1 }) });
    expect(await purge({ tags: ['assertion:a1'] })).toEqual({ success: false });
    expect((await get({ accept: 'text/html' })).cache).toBe('HIT');
    expect(await purge({ tags: ['assertion:a1'] })).toEqual({ success: true });
    expect((await get({ accept: 'text/html' })).cache).toBe('MISS');
    expect((await get({ accept: 'application/json' })).cache).toBe('MISS');
    expect((await get({}, other)).cache).toBe('MISS');
  });

  it('answers 304 to a matching If-None-Match from the cache', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=60', etag: 'W/"v1"' } });
    await get();
    // Raw HTTP: fetch() adds `Cache-Control: no-cache` to conditional requests, which rightly forces a revalidation.
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get(`${cache.url}${path}`, { headers: { 'if-none-match': 'W/"v1"' } }, (res) => resolve(res.resume().statusCode!))
        .on('error', reject),
    );
    expect(status).toBe(304);
    expect(originRequests).toBe(1);
  });

  it('revalidates when the client asks for no-cache', async () => {
    await get();
    expect((await get({ 'cache-control': 'no-cache' })).cache).toBe('EXPIRED');
  });

  it('revalidates with a weak comparison of If-None-Match, as RFC 9110 says', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=60', etag: '"v1"' } });
    await get();
    expect((await raw('GET', { 'if-none-match': 'W/"v0", W/"v1"' })).status).toBe(304);
    expect(originRequests).toBe(1);
  });
});

describe('compression: Content-Encoding always describes the bytes sent', () => {
  const document = JSON.stringify({ '@context': 'https://w3id.org/openbadges/v2', padding: 'x'.repeat(4000) });
  /** Like `wrangler dev`: gzip for a client that asks for it. */
  const compressingWorker = (req: http.IncomingMessage): Reply => {
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    return {
      headers: {
        'cache-control': 'public, max-age=60',
        'content-type': 'application/ld+json',
        ...(gzip && { 'content-encoding': 'gzip' }),
      },
      body: gzip ? zlib.gzipSync(document) : document,
    };
  };

  it('a client that negotiates compression (fetch: gzip, deflate, br) reads the document on a miss and on a hit', async () => {
    reply = compressingWorker;
    expect(await get()).toMatchObject({ cache: 'MISS', body: document });
    expect(await get()).toMatchObject({ cache: 'HIT', body: document });
    expect(originRequests).toBe(1);
  });

  it('to a raw client asking for gzip the bytes are gzip (zlib decodes them), to one asking for nothing they are the document; Content-Length counts them', async () => {
    reply = compressingWorker;
    const answers = [
      await raw('GET', { 'accept-encoding': 'gzip' }),
      await raw('GET', { 'accept-encoding': 'gzip' }),
      await raw('GET', { 'accept-encoding': 'identity' }),
      await raw('GET'),
      await raw('GET', { 'accept-encoding': 'gzip;q=0, br' }),
    ];
    expect(answers.map((res) => res.headers['cf-cache-status'])).toEqual(['MISS', 'HIT', 'HIT', 'HIT', 'HIT']);
    expect(answers.map((res) => res.headers['content-encoding'])).toEqual(['gzip', 'gzip', undefined, undefined, undefined]);
    for (const res of answers) {
      expect(decoded(res)).toBe(document);
      expect(res.headers['content-length']).toBe(String(res.body.length));
      expect(res.headers.vary).toMatch(/accept-encoding/i);
    }
  });

  it('a strong ETag is weakened on compressed bytes, and revalidates them', async () => {
    reply = () => ({ headers: { 'cache-control': 'max-age=60', 'content-type': 'application/json', etag: '"v1"' }, body: document });
    const gzipped = await raw('GET', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers.etag).toBe('W/"v1"');
    expect((await raw('GET')).headers.etag).toBe('"v1"');
    expect((await raw('GET', { 'accept-encoding': 'gzip', 'if-none-match': 'W/"v1"' })).status).toBe(304);
  });

  it('leaves bytes that are not text alone (an image is never re-encoded)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    reply = () => ({ headers: { 'cache-control': 'max-age=60', 'content-type': 'image/png' }, body: png });
    for (let i = 0; i < 2; i++) {
      const res = await raw('GET', { 'accept-encoding': 'gzip' });
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.equals(png)).toBe(true);
    }
  });
});

describe('HEAD', () => {
  it('a HEAD miss fetches a GET from the Worker: a GET after it is a hit with the whole body', async () => {
    const head = await raw('HEAD');
    expect([head.status, head.headers['cf-cache-status'], head.body.length]).toEqual([200, 'MISS', 0]);
    expect(head.headers['content-length']).toBe(String('body 1'.length));
    expect(await get()).toMatchObject({ status: 200, cache: 'HIT', body: 'body 1' });
    expect(originMethods).toEqual(['GET']);
  });

  it('a HEAD hit answers from the GET entry, without a body', async () => {
    await get();
    const head = await raw('HEAD', { 'accept-encoding': 'gzip' });
    expect([head.status, head.headers['cf-cache-status'], head.body.length]).toEqual([200, 'HIT', 0]);
    expect(originMethods).toEqual(['GET']);
  });
});

describe('request bodies pass through', () => {
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const hashingWorker = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => hash.update(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${req.method} ${hash.digest('hex')}`);
    });
    return undefined;
  };

  it('a POST body reaches the Worker whole (fetch with a fixed length, a raw chunked request), answered BYPASS', async () => {
    reply = hashingWorker;
    const body = randomBytes(3 * 1024 * 1024);
    const res = await fetch(`${cache.url}${path}`, { method: 'POST', body });
    expect([res.status, res.headers.get('cf-cache-status'), await res.text()]).toEqual([200, 'BYPASS', `POST ${sha256(body)}`]);
    const chunked = await new Promise<string>((resolve, reject) => {
      const request = http.request(`${cache.url}${path}`, { method: 'PATCH' }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve(Buffer.concat(chunks).toString()));
      });
      request.on('error', reject);
      for (let at = 0; at < body.length; at += 100_000) request.write(body.subarray(at, at + 100_000));
      request.end();
    });
    expect(chunked).toBe(`PATCH ${sha256(body)}`);
  });

  it('is streamed to the Worker as it arrives: an early answer (413 at the first bytes) reaches a client still sending', async () => {
    reply = (req, res) => {
      if (req.method !== 'POST') return {};
      req.once('data', () => {
        res.writeHead(413, { 'content-type': 'application/problem+json' });
        res.end('{"code":"body_too_large"}');
      });
      return undefined;
    };
    expect(await postAndHold()).toEqual({ status: 413, body: '{"code":"body_too_large"}', answeredWhileSending: true });
    expect((await get({}, `${path}/after`)).status).toBe(200); // the stand-in dropped the rest of the body and goes on
  });

  it('relays the early 413 of a Worker that then closes the connection on the unread body (not a 502)', async () => {
    reply = (req, res) => {
      req.once('data', () => {
        req.pause();
        res.writeHead(413, { 'content-type': 'application/problem+json' });
        res.end('{"code":"body_too_large"}', () => setTimeout(() => req.socket.destroy(), 50));
      });
      return undefined;
    };
    expect(await postAndHold()).toMatchObject({ status: 413, body: '{"code":"body_too_large"}' });
  });
});
