/**
 * @module A local stand-in for Cloudflare's Workers Cache (a cache in front of the Worker, which
 * workerd and miniflare do not emulate). Freshness comes from `http-cache-semantics` (RFC 9111);
 * on top of it, the rules Cloudflare documents for Workers Cache
 * (developers.cloudflare.com/workers/cache/):
 * - the key is the path and query plus the request headers named in `Vary`, compared verbatim;
 *   host and method are not part of it; only GET/HEAD are cached, and a HEAD is a GET to the Worker
 *   (a miss fetches and stores the GET; the answer drops its body);
 * - `Cloudflare-CDN-Cache-Control` wins over `CDN-Cache-Control`, which wins over `Cache-Control`;
 * - `s-maxage`, `must-revalidate` or `proxy-revalidate` switch stale-while-revalidate and
 *   stale-if-error off; `private`, `no-store` or a `Set-Cookie` bypass the cache;
 * - without any Cache-Control a 200 is kept 2 h and a 404 3 min (the platform's heuristics);
 * - `cf-cache-status` says HIT, MISS, STALE, EXPIRED or BYPASS; `Age` counts from storing;
 * - `Cache-Tag` (comma list, case-insensitive) feeds a tag index; `POST /__purge` takes
 *   `{tags}`, `{pathPrefixes}` or `{purgeEverything}` and answers `{success}` like `ctx.cache.purge`.
 * - bodies are stored decoded (identity) and sent gzip-encoded to clients that accept gzip when
 *   their type is textual (as Cloudflare compresses), identity otherwise; `Content-Encoding`,
 *   `Content-Length` and the ETag (weakened when compressed, as Cloudflare does) always describe
 *   the bytes sent;
 * - any other method passes through, its request body streamed to the Worker (never buffered) and the
 *   Worker's answer relayed as it comes, also when the Worker answers before the body is sent (a 413).
 * `POST /__control {"refusePurges": n}` makes the next n purges answer `success: false`, as
 * Cloudflare does for a rate-limited purge.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import CachePolicy from 'http-cache-semantics';
import { handleControlRoute, listenOnLoopback, readJson, sendJson } from './controls.ts';

type Entry = {
  policy: CachePolicy;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** `body` gzipped, once a client that accepts gzip asked for it. */
  gzipped?: Buffer;
  tags: Set<string>;
  /** The request header values the response varies on, as they were asked for. */
  vary: Array<[string, string | undefined]>;
  storedAt: number;
  staleIfErrorSeconds: number;
};

export type WorkersCacheStats = Record<
  'hit' | 'miss' | 'stale' | 'expired' | 'bypass' | 'originRequests' | 'purges' | 'refusedPurges',
  number
>;

const HEURISTIC_SECONDS: Record<number, number> = { 200: 7200, 404: 180 };
const SWR_OFF = /(^|,)\s*(s-maxage|must-revalidate|proxy-revalidate)\b/i;

/** The Cache-Control this cache obeys, in Cloudflare's order of precedence, with its quirks applied. */
function edgeCacheControl(status: number, headers: Record<string, string>): string | undefined {
  const value = headers['cloudflare-cdn-cache-control'] ?? headers['cdn-cache-control'] ?? headers['cache-control'];
  if (value === undefined) return HEURISTIC_SECONDS[status] ? `max-age=${HEURISTIC_SECONDS[status]}` : undefined;
  return SWR_OFF.test(value) ? value.replace(/,?\s*stale-(while-revalidate|if-error)=\d+/gi, '') : value;
}

const bypasses = (headers: Record<string, string>) => /private|no-store/i.test(headers['cache-control'] ?? '') || 'set-cookie' in headers;

/** Headers about the bytes on one connection, not about the resource: never stored or relayed as they came. */
const FRAMING = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** The Worker's headers without framing: fetch() has decoded the body, so its Content-Encoding and Content-Length no longer describe it. */
function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!FRAMING.has(name)) out[name] = value;
  });
  return out;
}

/** Whether `Accept-Encoding` admits gzip (named, or `*`, with a q above 0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let star = false;
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [coding = '', ...params] = part.split(';').map((p) => p.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    if (coding === 'gzip') return q > 0;
    if (coding === '*') star = q > 0;
  }
  return star;
}

/** The types Cloudflare compresses, roughly: text, JSON, XML, SVG, JavaScript. */
const COMPRESSIBLE = /^\s*(text\/|application\/(([\w.-]+\+)?(json|xml)|javascript|wasm)\b|image\/svg\+xml)/i;

/** Weak comparison (RFC 9110 §13.1.2) of an `If-None-Match` list with an ETag. */
function noneMatch(ifNoneMatch: string | undefined, etag: string | undefined): boolean {
  if (ifNoneMatch === undefined || etag === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

export type WorkersCacheOptions = {
  /** The Worker; several stand for several isolates behind one cache (each miss goes to one at random). */
  origin: string | string[];
  port?: number;
  /**
   * What the Worker's uncached front entrypoint does to a GET before the cache sees it (the
   * cache sits in front of the cached entrypoint), e.g. rewriting `Accept` to one value per format.
   */
  frontEntrypoint?: (headers: http.IncomingHttpHeaders) => http.IncomingHttpHeaders;
};

export async function startWorkersCache(options: WorkersCacheOptions) {
  const origins = Array.isArray(options.origin) ? options.origin : [options.origin];
  const entries = new Map<string, Entry[]>();
  const revalidating = new Set<string>();
  const stats: WorkersCacheStats = { hit: 0, miss: 0, stale: 0, expired: 0, bypass: 0, originRequests: 0, purges: 0, refusedPurges: 0 };
  const controls = { latencyMs: 0, refusePurges: 0 };

  const policyRequest = (req: http.IncomingMessage) => ({
    url: req.url ?? '/',
    method: 'GET',
    headers: { ...req.headers, host: 'workers-cache' },
  });
  const matches = (entry: Entry, req: http.IncomingMessage) => entry.vary.every(([name, value]) => req.headers[name] === value);

  const anOrigin = () => origins[Math.floor(Math.random() * origins.length)]!;

  /**
   * A GET to the Worker for a GET or a HEAD (what is stored must be the whole answer). fetch()
   * negotiates its own compression and decodes the body: the client's Accept-Encoding is not sent.
   */
  async function fromOrigin(req: http.IncomingMessage): Promise<Response> {
    stats.originRequests++;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (name !== 'host' && name !== 'accept-encoding' && !FRAMING.has(name) && typeof value === 'string') headers.set(name, value);
    return fetch(`${anOrigin()}${req.url}`, { method: 'GET', headers, redirect: 'manual' });
  }

  /**
   * Any other method: the request body streamed to the Worker as it arrives, the answer relayed
   * byte for byte (its Content-Encoding, if any, still describes its bytes). When the Worker answers
   * before it has the whole body (a 413 from Content-Length, say), that answer is the client's, and
   * what is left of the client's body is read and dropped here, so the client reads the answer.
   */
  function passThrough(req: http.IncomingMessage, res: http.ServerResponse) {
    stats.bypass++;
    stats.originRequests++;
    const headers = { ...req.headers };
    // The client's `Expect: 100-continue` was answered here; the body is on its way.
    for (const name of ['host', 'connection', 'keep-alive', 'expect']) delete headers[name];
    const upstream = http.request(`${anOrigin()}${req.url}`, { method: req.method, headers, agent: false });
    const dropTheRest = () => {
      req.unpipe(upstream);
      req.resume();
    };
    upstream.on('response', (response) => {
      const relayed: http.OutgoingHttpHeaders = { ...response.headers, 'cf-cache-status': 'BYPASS' };
      delete relayed.connection;
      delete relayed['keep-alive'];
      delete relayed['transfer-encoding'];
      res.writeHead(response.statusCode ?? 502, relayed);
      response.pipe(res);
      response.on('error', () => res.destroy());
      if (!req.readableEnded) {
        // An early answer: the Worker has what it will read. The unsent rest stays here.
        dropTheRest();
        response.on('end', () => upstream.destroy());
      }
    });
    upstream.on('error', (error) => {
      dropTheRest();
      if (!res.headersSent) sendJson(res, 502, { error: `origin: ${error.message}` });
      else if (!res.writableFinished) res.destroy();
    });
    req.pipe(upstream);
  }

  /** Stores `response` for `req` when the rules allow; answers whether it did. */
  function store(req: http.IncomingMessage, response: Response, headers: Record<string, string>, body: Buffer): boolean {
    const cacheControl = edgeCacheControl(response.status, headers);
    if (bypasses(headers) || cacheControl === undefined) return false;
    const policy = new CachePolicy(
      policyRequest(req),
      { status: response.status, headers: { ...headers, 'cache-control': cacheControl } },
      { shared: true },
    );
    if (!policy.storable() || policy.timeToLive() <= 0) return false;
    const varyNames = (headers.vary ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const entry: Entry = {
      policy,
      status: response.status,
      headers,
      body,
      tags: new Set(
        (headers['cache-tag'] ?? '')
          .split(',')
          .map((tag) => tag.trim().toLowerCase())
          .filter(Boolean),
      ),
      vary: varyNames.map((name) => [name, req.headers[name] as string | undefined]),
      storedAt: Date.now(),
      staleIfErrorSeconds: Number(/stale-if-error=(\d+)/i.exec(cacheControl)?.[1] ?? 0),
    };
    const key = req.url ?? '/';
    entries.set(key, [...(entries.get(key) ?? []).filter((other) => !matches(other, req)), entry]);
    return true;
  }

  /**
   * Sends a stored or fetched answer (identity `body`, framing-free `headers`): gzipped when the client
   * accepts gzip and the type is textual, with the Content-Length of the bytes a GET gets (a HEAD
   * gets the headers only); 304 when the client's If-None-Match matches.
   */
  function send(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    answer: { status: number; headers: Record<string, string>; body: Buffer; gzipped?: () => Buffer },
    extra: Record<string, string>,
  ) {
    const headers: Record<string, string> = { ...answer.headers, ...extra };
    let body = answer.body;
    const compressible = body.length > 0 && answer.status !== 204 && COMPRESSIBLE.test(headers['content-type'] ?? '');
    if (compressible) headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
    if (compressible && acceptsGzip(req.headers['accept-encoding'] as string | undefined)) {
      body = answer.gzipped?.() ?? zlib.gzipSync(body);
      headers['content-encoding'] = 'gzip';
      // The bytes differ from the Worker's: a strong ETag no longer names them.
      if (headers.etag && !headers.etag.startsWith('W/')) headers.etag = `W/${headers.etag}`;
    }
    if (answer.status >= 200 && answer.status < 300 && noneMatch(req.headers['if-none-match'] as string | undefined, headers.etag)) {
      delete headers['content-encoding'];
      res.writeHead(304, headers);
      return res.end();
    }
    if (answer.status !== 204 && answer.status !== 304) headers['content-length'] = String(body.length);
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function answer(res: http.ServerResponse, req: http.IncomingMessage, entry: Entry, status: string) {
    const age = Math.floor((Date.now() - entry.storedAt) / 1000);
    const gzipped = () => {
      entry.gzipped ??= zlib.gzipSync(entry.body);
      return entry.gzipped;
    };
    send(res, req, { ...entry, gzipped }, { age: String(age), 'cf-cache-status': status });
  }

  async function revalidateInBackground(req: http.IncomingMessage) {
    const key = req.url ?? '/';
    if (revalidating.has(key)) return;
    revalidating.add(key);
    try {
      const response = await fromOrigin(req);
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status < 500) store(req, response, headersOf(response), body);
    } catch {
      // the stale entry stays until its windows close
    } finally {
      revalidating.delete(key);
    }
  }

  function purge(body: { tags?: unknown; pathPrefixes?: unknown; purgeEverything?: unknown }): boolean {
    stats.purges++;
    if (controls.refusePurges > 0) {
      controls.refusePurges--;
      stats.refusedPurges++;
      return false;
    }
    const tags = new Set(Array.isArray(body.tags) ? body.tags.map((tag) => String(tag).toLowerCase()) : []);
    const prefixes = Array.isArray(body.pathPrefixes) ? body.pathPrefixes.map(String) : [];
    for (const [key, variants] of entries) {
      const kept =
        body.purgeEverything === true || prefixes.some((prefix) => key.startsWith(prefix))
          ? []
          : variants.filter((entry) => ![...entry.tags].some((tag) => tags.has(tag)));
      if (kept.length) entries.set(key, kept);
      else entries.delete(key);
    }
    return true;
  }

  const server = http.createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/__purge' && req.method === 'POST')
        return sendJson(res, 200, { success: purge((await readJson(req)) as Record<string, unknown>) });
      if (path === '/__control' && req.method === 'POST') {
        const body = (await readJson(req).catch(() => ({}))) as { refusePurges?: number };
        if (typeof body.refusePurges === 'number') controls.refusePurges = body.refusePurges;
        return sendJson(res, 200, controls);
      }
      if (await handleControlRoute(req, res, controls, stats)) return;

      if (options.frontEntrypoint && (req.method === 'GET' || req.method === 'HEAD')) req.headers = options.frontEntrypoint(req.headers);
      if (req.method !== 'GET' && req.method !== 'HEAD') return passThrough(req, res);

      const entry = entries.get(req.url ?? '/')?.find((candidate) => matches(candidate, req));
      if (entry) {
        const { response, revalidation } = entry.policy.evaluateRequest(policyRequest(req));
        if (response && !revalidation) {
          stats.hit++;
          return answer(res, req, entry, 'HIT');
        }
        if (response && revalidation && !revalidation.synchronous) {
          stats.stale++;
          answer(res, req, entry, 'STALE');
          return void revalidateInBackground(req);
        }
      }

      const response = await fromOrigin(req).catch(() => undefined);
      const staleIfError = entry && (Date.now() - entry.storedAt) / 1000 < entry.policy.maxAge() + entry.staleIfErrorSeconds;
      if ((!response || response.status >= 500) && entry && staleIfError) {
        stats.stale++;
        return answer(res, req, entry, 'STALE');
      }
      if (!response) return sendJson(res, 502, { error: 'origin unreachable' });
      const body = Buffer.from(await response.arrayBuffer());
      const headers = headersOf(response);
      const stored = store(req, response, headers, body);
      const status = !stored ? 'BYPASS' : entry ? 'EXPIRED' : 'MISS';
      stats[stored ? (entry ? 'expired' : 'miss') : 'bypass']++;
      return send(res, req, { status: response.status, headers, body }, { 'cf-cache-status': status });
    } catch (error) {
      if (!res.headersSent) sendJson(res, 502, { error: String(error) });
    }
  });

  const listening = await listenOnLoopback(server, options.port);
  return { ...listening, stats, controls, purgeUrl: `${listening.url}/__purge` };
}
