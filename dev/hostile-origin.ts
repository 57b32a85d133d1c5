/**
 * @module A misbehaving issuer host for the remote fetcher's tests: slow, huge, redirecting,
 * HTML-serving, failing on cue. It listens on 127.0.0.1 (a random port) and is reached as
 * `hostile.example` through REMOTE_FETCH_HOSTS. Every route counts its hits per request URL (path
 * and query: a test makes its URLs unique with a nonce), read back at `GET /hits?path=`.
 *
 * - `/json?max-age=&etag=&last-modified=&age=&cache-control=&type=&body=&fail-after=&hang-after=`:
 *   a JSON document (or `body`, as `type`) with those caching headers; a matching If-None-Match
 *   (or, without an ETag, If-Modified-Since) gets 304 (with `304-etag`, any If-None-Match gets a 304 with that other ETag);
 *   after `fail-after` hits it answers 503, after `hang-after` hits never.
 * - `/slow?ms=`: JSON after `ms` milliseconds; `/trickle?ms=`: its headers at once, its body after `ms`.
 * - `/big?bytes=`: that many bytes of a JSON-looking body, streamed without a Content-Length.
 * - `/declared-big`: a Content-Length of 20 MiB, then a trickle.
 * - `/redirect?to=URL` (302), `/chain?n=` (n redirects, then JSON).
 * - `/html`, `/gone` (410), `/status/{code}`, `/echo-headers` (the request's headers as JSON).
 * - `PUT /planted/{path}` keeps the request body, which `GET /planted/{path}` then serves as JSON:
 *   an attacker's documents at URLs of its choosing (a key document, a profile, a status list).
 */
import http from 'node:http';
import { listenOnLoopback, sendJson } from './controls.ts';

type Hits = { hits: number; notModified: number; bytesSent: number };

const HOST = 'hostile.example';
const CHUNK = Buffer.alloc(64 * 1024, 'a');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the client has gone (or the response ended). */
const closed = (res: http.ServerResponse) => new Promise<void>((resolve) => res.once('close', resolve));

function serveJson(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams, hits: Hits) {
  const failAfter = query.get('fail-after');
  if (failAfter !== null && hits.hits > Number(failAfter)) return sendJson(res, 503, { error: 'failing on cue' });
  const hangAfter = query.get('hang-after');
  if (hangAfter !== null && hits.hits > Number(hangAfter)) return closed(res);
  const headers: Record<string, string> = { 'content-type': query.get('type') ?? 'application/json' };
  const maxAge = query.get('max-age');
  if (maxAge !== null) headers['cache-control'] = `max-age=${maxAge}`;
  for (const name of ['cache-control', 'etag', 'last-modified', 'age']) {
    const value = query.get(name);
    if (value !== null) headers[name] = value;
  }
  const unchanged = headers.etag
    ? req.headers['if-none-match'] === headers.etag
    : Boolean(headers['last-modified']) && req.headers['if-modified-since'] === headers['last-modified'];
  // `304-etag`: any conditional request gets a 304 carrying this other ETag (a broken or hostile cache in front of the origin).
  const otherEtag = query.get('304-etag');
  if (unchanged || (otherEtag !== null && req.headers['if-none-match'])) {
    hits.notModified++;
    res.writeHead(304, otherEtag === null ? headers : { ...headers, etag: otherEtag });
    return res.end();
  }
  res.writeHead(200, headers);
  res.end(query.get('body') ?? JSON.stringify({ id: `https://${HOST}${req.url}`, hit: hits.hits }));
}

/** Writes `bytes` of `{"filler":"aaaa…` as fast as the client reads, and stops when it goes away. */
async function streamBig(res: http.ServerResponse, bytes: number, hits: Hits) {
  res.writeHead(200, { 'content-type': 'application/json' });
  let gone = false;
  const goes = closed(res).then(() => {
    gone = true;
  });
  res.write('{"filler":"');
  hits.bytesSent = 11;
  while (!gone && hits.bytesSent < bytes) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, bytes - hits.bytesSent));
    hits.bytesSent += chunk.length;
    if (!res.write(chunk)) await Promise.race([new Promise((resolve) => res.once('drain', resolve)), goes]);
  }
  res.end('"}');
}

const planted = new Map<string, string>();

async function plant(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  planted.set(pathname, Buffer.concat(chunks).toString('utf8'));
  sendJson(res, 201, { planted: pathname });
}

async function route(req: http.IncomingMessage, res: http.ServerResponse, hits: Hits) {
  const { pathname, searchParams: query } = new URL(req.url ?? '/', `http://${HOST}`);
  if (pathname === '/json') return serveJson(req, res, query, hits);
  if (pathname.startsWith('/planted/')) {
    if (req.method === 'PUT') return plant(req, res, pathname);
    const body = planted.get(pathname);
    if (body === undefined) return sendJson(res, 404, { error: 'nothing planted here' });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return res.end(body);
  }
  if (pathname === '/slow') {
    await Promise.race([sleep(Number(query.get('ms') ?? 5_000)), closed(res)]);
    return res.writableEnded || res.destroyed ? undefined : sendJson(res, 200, { slow: true });
  }
  if (pathname === '/trickle') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"slow":');
    await Promise.race([sleep(Number(query.get('ms') ?? 5_000)), closed(res)]);
    return res.end('true}');
  }
  if (pathname === '/big') return streamBig(res, Number(query.get('bytes') ?? 20_000_000), hits);
  if (pathname === '/declared-big') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(20 * 1024 * 1024) });
    res.write('{"filler":"');
    return closed(res);
  }
  if (pathname === '/redirect') {
    res.writeHead(302, { location: query.get('to') ?? '/' });
    return res.end();
  }
  if (pathname === '/chain') {
    const n = Number(query.get('n') ?? 0);
    if (n <= 0) return sendJson(res, 200, { chain: 'end' });
    query.set('n', String(n - 1));
    res.writeHead(302, { location: `/chain?${query}` });
    return res.end();
  }
  if (pathname === '/html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end('<!doctype html><title>Not JSON</title><p>An HTML page.</p>');
  }
  if (pathname === '/gone') return sendJson(res, 410, { revoked: true });
  if (pathname === '/echo-headers') return sendJson(res, 200, req.headers);
  const status = /^\/status\/(\d{3})$/.exec(pathname);
  if (status) return sendJson(res, Number(status[1]), { status: Number(status[1]) });
  sendJson(res, 404, { error: 'no such route' });
}

/** Starts the hostile origin; `host` is the public name tests use, `origin` where it really listens. */
export async function startHostileOrigin(): Promise<{ host: string; origin: string; close(): Promise<void> }> {
  const counted = new Map<string, Hits>();
  const server = http.createServer(async (req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', `http://${HOST}`);
    if (pathname === '/hits')
      return sendJson(res, 200, counted.get(searchParams.get('path') ?? '') ?? { hits: 0, notModified: 0, bytesSent: 0 });
    const hits = counted.get(req.url ?? '/') ?? { hits: 0, notModified: 0, bytesSent: 0 };
    counted.set(req.url ?? '/', hits);
    hits.hits++;
    try {
      await route(req, res, hits);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    }
  });
  const listening = await listenOnLoopback(server);
  return { host: HOST, origin: listening.url, close: listening.close };
}
