/**
 * @module The remote issuers: every fixture host (OB 2.0 and OB 3.0) on its own local port, so
 * `REMOTE_FETCH_HOSTS=host=http://127.0.0.1:PORT,…` sends the Worker's `https://host/path` there,
 * and a control server for tests: `GET /cases`, `POST /actions/{name}`, `POST /reset`,
 * `GET /hits?host=&path=`. Documents are answered with their content type, a strong ETag
 * (If-None-Match → 304) and Cache-Control: an hour for definitions, 5 minutes for status
 * documents (longer than the verifier's 60 s bound for them, on purpose).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { listenOnLoopback, sendJson } from '../controls.ts';
import { ob2Fixtures } from './ob2.ts';
import { ob3Fixtures } from './ob3.ts';
import type { FixtureCase, FixtureSet, Served } from './types.ts';

export type RemoteIssuersOptions = {
  /** Delay before every answer of a fixture host, in milliseconds (not the control server's). Default 0. */
  latencyMs?: number;
};

export type RemoteIssuers = {
  /** The REMOTE_FETCH_HOSTS value: `host=http://127.0.0.1:PORT` for every fixture host, comma-separated. */
  hostMap: string;
  /** Where the control server listens (`http://127.0.0.1:PORT`). */
  controlUrl: string;
  /** Every case of every fixture family, as built (again after `POST /reset`). */
  readonly cases: FixtureCase[];
  close(): Promise<void>;
};

const FACTORIES = [ob2Fixtures, ob3Fixtures];

/** `max-age` in seconds: definitions change rarely; status documents carry revocation, so they are kept briefly. */
const DEFINITION_MAX_AGE = 3600;
const STATUS_MAX_AGE = 300;

/** Whether a document carries revocation (status lists, revocation lists, OB 2.0 hosted assertions): a status document. */
function isStatusDocument(served: Served): boolean {
  if (!/json/.test(served.contentType)) return false;
  try {
    const document = JSON.parse(typeof served.body === 'string' ? served.body : Buffer.from(served.body).toString('utf8')) as Record<
      string,
      unknown
    >;
    const types = [document.type, document['@type']].flat().map(String);
    return (
      types.some((type) => /StatusList|RevocationList|^Assertion$/.test(type)) ||
      'revokedCredentials' in document ||
      'revokedAssertions' in document
    );
  } catch {
    return false;
  }
}

/** The headers of one answer; a fixture's own headers win. Only a 200 (and a 410, a revoked OB 2.0 assertion) may be kept. */
function headersFor(served: Served, body: Buffer): Record<string, string> {
  const status = served.status ?? 200;
  const own = Object.fromEntries(Object.entries(served.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const cacheable = status === 200 || status === 410;
  const maxAge = isStatusDocument(served) || status === 410 ? STATUS_MAX_AGE : DEFINITION_MAX_AGE;
  return {
    'content-type': served.contentType,
    'cache-control': cacheable ? `max-age=${maxAge}` : 'no-store',
    ...(cacheable && { etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }),
    ...own,
  };
}

/** Weak comparison (RFC 9110 §13.1.2) of an If-None-Match list with an ETag. */
function noneMatch(ifNoneMatch: string | undefined, etag: string | undefined): boolean {
  if (ifNoneMatch === undefined || etag === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * Starts every fixture host and the control server, on free loopback ports.
 * @param options.latencyMs delay before each fixture answer (default 0; the benchmark uses 20)
 * @example
 * const issuers = await startRemoteIssuers();
 * // REMOTE_FETCH_HOSTS=issuers.hostMap; GET `${issuers.controlUrl}/cases`
 * await issuers.close();
 */
export async function startRemoteIssuers(options: RemoteIssuersOptions = {}): Promise<RemoteIssuers> {
  const latencyMs = options.latencyMs ?? 0;
  let sets: FixtureSet[] = await Promise.all(FACTORIES.map((build) => build()));
  const hits = new Map<string, Map<string, number>>();

  const hostNames = [...new Set(sets.flatMap((set) => set.hosts.map((h) => h.host)))];
  /** A host's document at `path` (query included), from the first family that serves it; then without the query. */
  const lookup = (host: string, path: string): Served | undefined => {
    for (const candidate of [path, path.split('?')[0]!])
      for (const set of sets)
        for (const fixtureHost of set.hosts)
          if (fixtureHost.host === host && fixtureHost.documents.has(candidate)) return fixtureHost.documents.get(candidate);
  };

  const hostServer = (host: string) =>
    http.createServer(async (req, res) => {
      const path = req.url ?? '/';
      const counts = hits.get(host) ?? hits.set(host, new Map()).get(host)!;
      counts.set(path, (counts.get(path) ?? 0) + 1);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, { error: 'method not allowed', message: `${req.method} is not served` });
      const served = lookup(host, path);
      if (!served) return sendJson(res, 404, { error: 'not found', message: `${host} serves nothing at ${path}` });
      const body = Buffer.from(served.body);
      const headers = headersFor(served, body);
      if (headers.etag && noneMatch(req.headers['if-none-match'], headers.etag)) {
        const { 'content-type': _, ...kept } = headers;
        res.writeHead(304, kept);
        return res.end();
      }
      res.writeHead(served.status ?? 200, { ...headers, 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });

  const listeners = await Promise.all(hostNames.map(async (host) => ({ host, ...(await listenOnLoopback(hostServer(host))) })));

  const control = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    try {
      if (req.method === 'GET' && url.pathname === '/cases')
        return sendJson(
          res,
          200,
          sets.flatMap((set) => set.cases),
        );
      if (req.method === 'GET' && url.pathname === '/hits') {
        const host = url.searchParams.get('host');
        const path = url.searchParams.get('path');
        const counted = [...hits].filter(([h]) => host === null || h === host).flatMap(([, byPath]) => [...byPath]);
        const total = counted.filter(([p]) => path === null || p === path).reduce((sum, [, n]) => sum + n, 0);
        return sendJson(res, 200, { host, path, hits: total });
      }
      if (req.method === 'POST' && url.pathname.startsWith('/actions/')) {
        const name = decodeURIComponent(url.pathname.slice('/actions/'.length));
        // A name several families share (`reset`) runs in each of them.
        const matching = sets.flatMap((set) => (name in set.actions ? [set.actions[name]!] : []));
        if (!matching.length) return sendJson(res, 404, { error: 'unknown action', message: `no fixture action ${name}` });
        for (const action of matching) await action();
        return sendJson(res, 200, { action: name, done: true });
      }
      if (req.method === 'POST' && url.pathname === '/reset') {
        sets = await Promise.all(FACTORIES.map((build) => build()));
        hits.clear();
        return sendJson(res, 200, { reset: true, cases: sets.reduce((n, set) => n + set.cases.length, 0) });
      }
      sendJson(res, 404, { error: 'not found', message: `${req.method} ${url.pathname} is not a control route` });
    } catch (error) {
      sendJson(res, 500, { error: 'fixture failure', message: String(error) });
    }
  });
  const controlListener = await listenOnLoopback(control);

  return {
    hostMap: listeners.map(({ host, url }) => `${host}=${url}`).join(','),
    controlUrl: controlListener.url,
    get cases() {
      return sets.flatMap((set) => set.cases);
    },
    async close() {
      await Promise.all([controlListener.close(), ...listeners.map((listener) => listener.close())]);
    },
  };
}

// `tsx dev/remote-issuers/server.ts`: the fixture hosts alone, for poking at them with curl.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const issuers = await startRemoteIssuers({ latencyMs: Number(process.env.REMOTE_LATENCY_MS ?? 0) });
  console.log(`[remote issuers] REMOTE_FETCH_HOSTS=${issuers.hostMap}\n[remote issuers] control ${issuers.controlUrl}/cases`);
  process.on('SIGINT', () => issuers.close().then(() => process.exit(0)));
}
