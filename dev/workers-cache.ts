/**
 * @module A local stand-in for Cloudflare's Workers Cache (a cache in front of the Worker, which
 * workerd and miniflare do not emulate). Freshness comes from `http-cache-semantics` (RFC 9111);
 * on top of it, the rules Cloudflare documents for Workers Cache
 * (developers.cloudflare.com/workers/cache/):
 * - the key is the path and query plus the request headers named in `Vary`, compared verbatim;
 *   host and method are not part of it (HEAD is answered from a GET entry); only GET/HEAD are cached;
 * - `Cloudflare-CDN-Cache-Control` wins over `CDN-Cache-Control`, which wins over `Cache-Control`;
 * - `s-maxage`, `must-revalidate` or `proxy-revalidate` switch stale-while-revalidate and
 *   stale-if-error off; `private`, `no-store` or a `Set-Cookie` bypass the cache;
 * - without any Cache-Control a 200 is kept 2 h and a 404 3 min (the platform's heuristics);
 * - `cf-cache-status` says HIT, MISS, STALE, EXPIRED or BYPASS; `Age` counts from storing;
 * - `Cache-Tag` (comma list, case-insensitive) feeds a tag index; `POST /__purge` takes
 *   `{tags}`, `{pathPrefixes}` or `{purgeEverything}` and answers `{success}` like `ctx.cache.purge`.
 * `POST /__control {"refusePurges": n}` makes the next n purges answer `success: false`, as
 * Cloudflare does for a rate-limited purge.
 */
import http from 'node:http';
import CachePolicy from 'http-cache-semantics';
import { handleControlRoute, listenOnLoopback, readJson, sendJson } from './controls.ts';

type Entry = {
  policy: CachePolicy;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
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

function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
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

  async function fromOrigin(req: http.IncomingMessage, body?: Buffer): Promise<Response> {
    stats.originRequests++;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (name !== 'host' && typeof value === 'string') headers.set(name, value);
    return fetch(`${origins[Math.floor(Math.random() * origins.length)]}${req.url}`, {
      method: req.method,
      headers,
      body: body?.length ? new Uint8Array(body) : undefined,
      redirect: 'manual',
    });
  }

  /** Stores `response` for `req` when the rules allow; answers whether it did. */
  function store(req: http.IncomingMessage, response: Response, body: Buffer): boolean {
    const headers = headersOf(response);
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

  function answer(res: http.ServerResponse, req: http.IncomingMessage, entry: Entry, status: string) {
    const age = Math.floor((Date.now() - entry.storedAt) / 1000);
    const etag = entry.headers.etag;
    const notModified = etag !== undefined && req.headers['if-none-match'] === etag;
    res.writeHead(notModified ? 304 : entry.status, { ...entry.headers, age: String(age), 'cf-cache-status': status });
    res.end(notModified || req.method === 'HEAD' ? undefined : entry.body);
  }

  async function relay(res: http.ServerResponse, req: http.IncomingMessage, response: Response, body: Buffer, status: string) {
    const headers = headersOf(response);
    delete headers['content-encoding'];
    delete headers['content-length'];
    res.writeHead(response.status, { ...headers, 'cf-cache-status': status });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function revalidateInBackground(req: http.IncomingMessage) {
    const key = req.url ?? '/';
    if (revalidating.has(key)) return;
    revalidating.add(key);
    try {
      const response = await fromOrigin(req);
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status < 500) store(req, response, body);
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
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk);
        stats.bypass++;
        const response = await fromOrigin(req, Buffer.concat(chunks));
        return relay(res, req, response, Buffer.from(await response.arrayBuffer()), 'BYPASS');
      }

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
      const stored = store(req, response, body);
      const status = !stored ? 'BYPASS' : entry ? 'EXPIRED' : 'MISS';
      stats[stored ? (entry ? 'expired' : 'miss') : 'bypass']++;
      return relay(res, req, response, body, status);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 502, { error: String(error) });
    }
  });

  const listening = await listenOnLoopback(server, options.port);
  return { ...listening, stats, controls, purgeUrl: `${listening.url}/__purge` };
}
