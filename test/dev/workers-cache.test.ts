/**
 * The local Workers Cache stand-in against the rules Cloudflare documents for Workers Cache
 * (developers.cloudflare.com/workers/cache/), with a scripted origin that counts its requests.
 */
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../../dev/controls.ts';
import { startWorkersCache } from '../../dev/workers-cache.ts';

type Reply = { status?: number; headers?: Record<string, string>; body?: string };
let reply: (req: http.IncomingMessage) => Reply;
let originRequests = 0;
const origin = http.createServer((req, res) => {
  originRequests++;
  const { status = 200, headers = {}, body = `body ${originRequests}` } = reply(req);
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
});
